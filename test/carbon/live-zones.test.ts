/** Electricity Maps: no caller-IP fallback, the answer's zone checked, cloud regions on the zone that serves them. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyLiveIntensity, resolveCarbonContext } from "../../src/carbon/context.js";
import { CCF_ZONES, zoneForPlace } from "../../src/carbon/zones.js";
import { closedAfterEach, send } from "./helpers.js";

const TOKEN = "em-secret-token-77aa";
const em = closedAfterEach();

describe("Electricity Maps zones (issue #26)", () => {
  it("asks without the caller-IP fallback and refuses an answer for another zone (CL answered as the caller's DE)", async () => {
    // What Electricity Maps does with the fallback on: an unknown zone answered with the caller's location
    const s = await em((req, res) =>
      send(
        res,
        200,
        JSON.stringify({ zone: "DE", carbonIntensity: 380, datetime: "2025-06-01T10:00:00.000Z" }),
        "application/json",
      ),
    );
    const ctx = await resolveCarbonContext({
      region: "CL",
      electricityMapsToken: TOKEN,
      env: {},
      endpoints: { electricityMaps: s.url },
    });
    expect(s.requests[0]?.url).toBe(
      "/v3/carbon-intensity/latest?zone=CL&shouldUseFallbackCallerLookup=false",
    );
    expect(ctx.intensity.live).toBe(false);
    expect(ctx.warnings.join("\n")).toMatch(/answered for zone "DE", not the requested CL/);
    expect(JSON.stringify(ctx)).not.toContain(TOKEN);
  });

  it("refuses a history answer without its zone too", async () => {
    const s = await em((_req, res) =>
      send(
        res,
        200,
        JSON.stringify({ history: [{ carbonIntensity: 50, datetime: "2025-06-01T10:00:00.000Z" }] }),
        "application/json",
      ),
    );
    const base = await resolveCarbonContext({ region: "FR", env: {}, deferLive: true });
    const window = { startMs: Date.parse("2025-06-01T10:00:00Z"), endMs: Date.parse("2025-06-01T10:30:00Z") };
    const ctx = await applyLiveIntensity(base, {
      electricityMapsToken: TOKEN,
      endpoints: { electricityMaps: s.url },
      window,
    });
    expect(ctx.intensity.live).toBe(false);
    expect(ctx.warnings.join("\n")).toMatch(/answered for zone \(none\), not the requested FR/);
  });

  it("asks for the zone that serves the region: gcp:us-west2 (Los Angeles) → US-CAL-LDWP, gcp:southamerica-west1 → CL-SEN", async () => {
    const s = await em((req, res) => {
      const zone = new URL(req.url ?? "/", "http://x").searchParams.get("zone");
      send(
        res,
        200,
        JSON.stringify({ zone, carbonIntensity: 210, datetime: "2025-06-01T10:00:00.000Z" }),
        "application/json",
      );
    });
    for (const [region, zone] of [
      ["gcp:us-west2", "US-CAL-LDWP"],
      ["gcp:southamerica-west1", "CL-SEN"],
      ["aws:eu-north-1", "SE-SE3"],
    ] as const) {
      const ctx = await resolveCarbonContext({
        region,
        electricityMapsToken: TOKEN,
        env: {},
        endpoints: { electricityMaps: s.url },
      });
      expect(ctx.intensity).toMatchObject({ gPerKWh: 210, live: true });
      expect(ctx.intensity.source).toContain(`zone ${zone}`);
    }
  });

  it("the AWS and Azure entries are CCF's vendored tables (the table's source)", () => {
    const ccf = (file: string) => readFileSync(join(process.cwd(), "data", "sources", "ccf", file), "utf8");
    const aws = ccf("aws@0.15.0/src/lib/AWSRegions.ts");
    const azure = ccf("azure@1.8.0/src/lib/AzureRegions.ts");
    const zonesIn = (text: string) =>
      new Set(
        [
          ...text
            .slice(text.indexOf("MAPPED_REGIONS_TO_ELECTRICITY_MAPS_ZONES"))
            .matchAll(/'([A-Z]{2}(?:-[A-Z0-9]+)*)'/g),
        ].map((m) => m[1]),
      );
    const known = new Set([...zonesIn(aws), ...zonesIn(azure)]);
    for (const [id, zone] of Object.entries(CCF_ZONES)) {
      if (id.startsWith("gcp:") || zone === null) continue;
      expect(known.has(zone), `${id} → ${zone}`).toBe(true);
    }
    // spot checks against the files' own lines
    expect(aws).toMatch(/\[AWS_REGIONS\.EU_NORTH_1\]: 'SE-SE3'/);
    expect(CCF_ZONES["aws:eu-north-1"]).toBe("SE-SE3");
    expect(azure).toMatch(/\[AZURE_REGIONS\.EU_NORWAY_WEST\.name\]: 'NO-NO2'/);
    expect(CCF_ZONES["azure:norwaywest"]).toBe("NO-NO2");
    expect(zoneForPlace({ id: "FR", kind: "country", country: "FR" })).toBe("FR");
    expect(zoneForPlace({ id: "aws:me-south-1", kind: "cloud", country: "BH" })).toBeNull();
  });
});

describe("GB grid source label", () => {
  it("counts forecasts among the half-hours the mean used, not every one returned", async () => {
    const data = {
      data: [
        { from: "2025-06-01T09:30Z", to: "2025-06-01T10:00Z", intensity: { forecast: 90, actual: null } },
        { from: "2025-06-01T10:00Z", to: "2025-06-01T10:30Z", intensity: { forecast: 150, actual: 100 } },
        { from: "2025-06-01T10:30Z", to: "2025-06-01T11:00Z", intensity: { forecast: 120, actual: 110 } },
        { from: "2025-06-01T11:00Z", to: "2025-06-01T11:30Z", intensity: { forecast: 95, actual: null } },
      ],
    };
    const uk = await em((_req, res) => send(res, 200, JSON.stringify(data), "application/json"));
    const window = { startMs: Date.parse("2025-06-01T10:15:00Z"), endMs: Date.parse("2025-06-01T10:45:00Z") };
    const base = await resolveCarbonContext({ region: "aws:eu-west-2", env: {}, deferLive: true });
    const on = await applyLiveIntensity(base, { liveIntensity: true, endpoints: { ukGrid: uk.url }, window });
    expect(on.intensity).toMatchObject({ gPerKWh: 105, live: true });
    // before: "actual (2 forecast)" — the two forecast slots lie outside the job
    expect(on.intensity.source).toMatch(/, actual national intensity: mean of 2 half-hour value/);
  });
});
