import { describe, expect, it } from "vitest";
import { resolveCarbonContext } from "../../src/carbon/context.js";
import { closedAfterEach, send } from "./helpers.js";

const TOKEN = "em-secret-token-5f3a";
const em = closedAfterEach();
const EM_OK = JSON.stringify({
  zone: "FR",
  carbonIntensity: 32,
  datetime: "2025-06-01T10:00:00.000Z",
  updatedAt: "2025-06-01T10:05:00.000Z",
  emissionFactorType: "lifecycle",
  isEstimated: true,
  estimationMethod: "TIME_SLICER_AVERAGE",
});

function everything(ctx: Awaited<ReturnType<typeof resolveCarbonContext>>): string {
  return JSON.stringify(ctx);
}

describe("live intensity", () => {
  it("reads Electricity Maps latest with the auth-token header", async () => {
    const s = await em((req, res) => {
      if (req.url === "/v3/carbon-intensity/latest?zone=FR" && req.headers["auth-token"] === TOKEN)
        send(res, 200, EM_OK, "application/json");
      else send(res, 401, "{}");
    });
    const ctx = await resolveCarbonContext({
      region: "FR",
      liveIntensity: true,
      electricityMapsToken: TOKEN,
      env: {},
      endpoints: { electricityMaps: s.url },
    });
    expect(ctx.intensity).toMatchObject({
      gPerKWh: 32,
      live: true,
      basis: "lifecycle",
      provenance: "measured",
      year: 2025,
    });
    expect(ctx.intensity.source).toContain("Electricity Maps");
    expect(ctx.warnings).toEqual([]);
  });

  it.each([
    [401, "HTTP 401: the token was rejected"],
    [403, "HTTP 403: the token was rejected"],
    [429, "HTTP 429: rate limited"],
  ])("falls back to the dataset on HTTP %i, says why, and never shows the token", async (status, reason) => {
    const s = await em((_req, res) =>
      send(res, status, JSON.stringify({ message: `bad token ${TOKEN}` }), "application/json"),
    );
    const ctx = await resolveCarbonContext({
      region: "FR",
      liveIntensity: true,
      electricityMapsToken: TOKEN,
      env: {},
      endpoints: { electricityMaps: s.url },
    });
    expect(ctx.intensity).toMatchObject({ gPerKWh: 44.18, live: false });
    expect(ctx.warnings.join("\n")).toContain(reason);
    expect(ctx.warnings.join("\n")).toContain("using the embedded dataset");
    expect(everything(ctx)).not.toContain(TOKEN);
    expect(s.requests).toHaveLength(1); // no retry on 4xx
  });

  it("retries once after a 5xx", async () => {
    let calls = 0;
    const s = await em((_req, res) =>
      ++calls === 1 ? send(res, 503, "busy") : send(res, 200, EM_OK, "application/json"),
    );
    const ctx = await resolveCarbonContext({
      region: "FR",
      liveIntensity: true,
      electricityMapsToken: TOKEN,
      env: {},
      endpoints: { electricityMaps: s.url },
    });
    expect(ctx.intensity.gPerKWh).toBe(32);
    expect(calls).toBe(2);
  });

  it("falls back on malformed JSON and on a timeout (after one retry)", async () => {
    const bad = await em((_req, res) => send(res, 200, "{not json", "application/json"));
    const ctx = await resolveCarbonContext({
      region: "FR",
      liveIntensity: true,
      electricityMapsToken: TOKEN,
      env: {},
      endpoints: { electricityMaps: bad.url },
    });
    expect(ctx.warnings[0]).toContain("malformed JSON");
    const hole = await em(() => undefined);
    const slow = await resolveCarbonContext({
      region: "FR",
      liveIntensity: true,
      electricityMapsToken: TOKEN,
      timeoutMs: 150,
      env: {},
      endpoints: { electricityMaps: hole.url },
    });
    expect(slow.intensity.live).toBe(false);
    expect(slow.warnings[0]).toContain("no answer within 150 ms");
    expect(hole.requests).toHaveLength(2);
    expect(everything(slow)).not.toContain(TOKEN);
  });

  it("does not call a live provider unless opted in", async () => {
    const s = await em((_req, res) => send(res, 200, EM_OK, "application/json"));
    const ctx = await resolveCarbonContext({
      region: "FR",
      electricityMapsToken: TOKEN,
      env: {},
      endpoints: { electricityMaps: s.url },
    });
    expect(ctx.intensity.live).toBe(false);
    expect(s.requests).toHaveLength(0);
  });

  it("uses the GB grid API's forecast when actual is null", async () => {
    const uk = await em((req, res) =>
      req.url === "/intensity"
        ? send(
            res,
            200,
            JSON.stringify({
              data: [
                {
                  from: "2025-06-01T10:00Z",
                  to: "2025-06-01T10:30Z",
                  intensity: { forecast: 140, actual: null, index: "moderate" },
                },
              ],
            }),
            "application/json",
          )
        : send(res, 404, ""),
    );
    const ctx = await resolveCarbonContext({
      region: "GB",
      liveIntensity: true,
      env: {},
      endpoints: { ukGrid: uk.url },
    });
    expect(ctx.intensity).toMatchObject({ gPerKWh: 140, live: true });
    expect(ctx.intensity.source).toContain("forecast");
  });
});
