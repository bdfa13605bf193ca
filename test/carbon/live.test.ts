import { describe, expect, it } from "vitest";
import { applyLiveIntensity, resolveCarbonContext } from "../../src/carbon/context.js";
import { windowMean } from "../../src/carbon/live.js";
import { carbonForMeasurement } from "../../src/pipeline/carbon.js";
import { closedAfterEach, finishedJob, send, TEST_HARDWARE } from "./helpers.js";

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
      if (
        req.url === "/v3/carbon-intensity/latest?zone=FR&shouldUseFallbackCallerLookup=false" &&
        req.headers["auth-token"] === TOKEN
      )
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
      timeoutMs: 3_000, // generous: both attempts must reach the loopback server on a loaded 2-core machine
      env: {},
      endpoints: { electricityMaps: hole.url },
    });
    expect(slow.intensity.live).toBe(false);
    expect(slow.warnings[0]).toContain("no answer within 3000 ms");
    expect(hole.requests).toHaveLength(2);
    expect(everything(slow)).not.toContain(TOKEN);
  });

  it("makes no request without a token, even with live-intensity for a non-GB region (a warning says why)", async () => {
    const s = await em((_req, res) => send(res, 200, EM_OK, "application/json"));
    const quiet = await resolveCarbonContext({
      region: "FR",
      env: {},
      endpoints: { electricityMaps: s.url },
    });
    expect(quiet.intensity.live).toBe(false);
    expect(quiet.warnings).toEqual([]);
    const asked = await resolveCarbonContext({
      region: "FR",
      liveIntensity: true,
      env: {},
      endpoints: { electricityMaps: s.url },
    });
    expect(asked.intensity.live).toBe(false);
    expect(asked.warnings.join("\n")).toMatch(/needs an Electricity Maps token/);
    expect(s.requests).toHaveLength(0);
  });

  it("a token alone opts in: token + region FR makes one request, averaged over the job's window, cached", async () => {
    const history = {
      zone: "FR",
      history: [
        {
          zone: "FR",
          carbonIntensity: 20,
          datetime: "2025-06-01T08:00:00.000Z",
          emissionFactorType: "lifecycle",
        },
        {
          zone: "FR",
          carbonIntensity: 40,
          datetime: "2025-06-01T09:00:00.000Z",
          emissionFactorType: "lifecycle",
        },
        {
          zone: "FR",
          carbonIntensity: 80,
          datetime: "2025-06-01T10:00:00.000Z",
          emissionFactorType: "lifecycle",
        },
      ],
    };
    const s = await em((req, res) => {
      if (
        req.url === "/v3/carbon-intensity/history?zone=FR&shouldUseFallbackCallerLookup=false" &&
        req.headers["auth-token"] === TOKEN
      )
        send(res, 200, JSON.stringify(history), "application/json");
      else send(res, 404, "{}");
    });
    // 09:30–10:30: half an hour at 40, half an hour at 80
    const window = { startMs: Date.parse("2025-06-01T09:30:00Z"), endMs: Date.parse("2025-06-01T10:30:00Z") };
    const cache = new Map();
    const base = await resolveCarbonContext({ region: "FR", env: {}, deferLive: true });
    expect(base.intensity.live).toBe(false);
    const opts = {
      electricityMapsToken: TOKEN,
      endpoints: { electricityMaps: s.url },
      window,
      liveCache: cache,
    };
    const ctx = await applyLiveIntensity(base, opts);
    expect(ctx.intensity).toMatchObject({
      gPerKWh: 60,
      live: true,
      basis: "lifecycle",
      provenance: "measured",
    });
    expect(ctx.intensity.source).toMatch(
      /zone FR: mean of 2 hourly value\(s\) over the job \(2025-06-01 09:30–10:30 UTC\)/,
    );
    expect(ctx.warnings).toEqual([]);
    await applyLiveIntensity(base, opts);
    expect(s.requests).toHaveLength(1);
    expect(JSON.stringify(ctx)).not.toContain(TOKEN);
  });

  it("uses the newest published hour when the job's hours are not published yet, and says so", async () => {
    const s = await em((_req, res) =>
      send(
        res,
        200,
        JSON.stringify({
          zone: "FR",
          history: [{ carbonIntensity: 33, datetime: "2025-06-01T07:00:00.000Z" }],
        }),
        "application/json",
      ),
    );
    const base = await resolveCarbonContext({ region: "FR", env: {}, deferLive: true });
    const ctx = await applyLiveIntensity(base, {
      electricityMapsToken: TOKEN,
      endpoints: { electricityMaps: s.url },
      window: { startMs: Date.parse("2025-06-01T10:00:00Z"), endMs: Date.parse("2025-06-01T10:20:00Z") },
    });
    expect(ctx.intensity.gPerKWh).toBe(33);
    expect(ctx.intensity.source).toMatch(/newest published hour/);
  });

  it("falls back to the dataset with a warning when the window request times out", async () => {
    const hole = await em(() => undefined);
    const base = await resolveCarbonContext({ region: "FR", env: {}, deferLive: true });
    const ctx = await applyLiveIntensity(base, {
      electricityMapsToken: TOKEN,
      endpoints: { electricityMaps: hole.url },
      timeoutMs: 150,
      window: { startMs: 0, endMs: 60_000 },
    });
    expect(ctx.intensity).toMatchObject({ gPerKWh: 44.18, live: false });
    expect(ctx.warnings.join("\n")).toMatch(
      /live intensity unavailable \(Electricity Maps: no answer within 150 ms\); using the embedded dataset/,
    );
    expect(JSON.stringify(ctx)).not.toContain(TOKEN);
  });

  it("an explicit carbon-intensity wins over live intensity (no request)", async () => {
    const s = await em((_req, res) => send(res, 200, EM_OK, "application/json"));
    const ctx = await resolveCarbonContext({
      carbonIntensityGPerKWh: 100,
      electricityMapsToken: TOKEN,
      env: {},
      endpoints: { electricityMaps: s.url },
    });
    expect(ctx.intensity).toMatchObject({ gPerKWh: 100, live: false });
    expect(ctx.warnings.join("\n")).toMatch(/not used because carbon-intensity was given/);
    expect(s.requests).toHaveLength(0);
  });

  it("GB: the public API only with live-intensity, averaged over the window's half hours (actual, else forecast)", async () => {
    const data = {
      data: [
        {
          from: "2025-06-01T10:00Z",
          to: "2025-06-01T10:30Z",
          intensity: { forecast: 150, actual: 100, index: "low" },
        },
        {
          from: "2025-06-01T10:30Z",
          to: "2025-06-01T11:00Z",
          intensity: { forecast: 200, actual: null, index: "moderate" },
        },
      ],
    };
    const uk = await em((req, res) =>
      req.url === "/intensity/2025-06-01T10:00Z/2025-06-01T11:00Z"
        ? send(res, 200, JSON.stringify(data), "application/json")
        : send(res, 404, ""),
    );
    const window = { startMs: Date.parse("2025-06-01T10:15:00Z"), endMs: Date.parse("2025-06-01T10:45:00Z") };
    const base = await resolveCarbonContext({ region: "aws:eu-west-2", env: {}, deferLive: true });
    const off = await applyLiveIntensity(base, { endpoints: { ukGrid: uk.url }, window });
    expect(off.intensity.live).toBe(false);
    expect(uk.requests).toHaveLength(0);
    const on = await applyLiveIntensity(base, { liveIntensity: true, endpoints: { ukGrid: uk.url }, window });
    expect(on.intensity).toMatchObject({ gPerKWh: 150, live: true });
    expect(on.intensity.source).toMatch(
      /actual \(1 forecast\) national intensity: mean of 2 half-hour value/,
    );
  });
});

describe("windowMean", () => {
  it("weights each slot by its overlap with the window and ignores slots outside it", () => {
    const slots = [
      { startMs: 0, endMs: 10, value: 100 },
      { startMs: 10, endMs: 20, value: 200 },
      { startMs: 20, endMs: 30, value: 999 },
    ];
    expect(windowMean(slots, { startMs: 5, endMs: 20 })).toEqual({
      value: (5 * 100 + 10 * 200) / 15,
      slots: 2,
    });
    expect(windowMean(slots, { startMs: 40, endMs: 50 })).toBeNull();
    expect(windowMean(slots, { startMs: 12, endMs: 12 })).toEqual({ value: 200, slots: 1 });
    expect(windowMean([], { startMs: 0, endMs: 1 })).toBeNull();
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

describe("live intensity through the measurement pipeline (carbonForMeasurement)", () => {
  const job = (startMs: number, endMs: number) => finishedJob(startMs, endMs);
  const hardware = TEST_HARDWARE;

  it("token + region FR: the finished job's window is requested and its mean used; no token: no request", async () => {
    const s = await em((req, res) =>
      req.url === "/v3/carbon-intensity/history?zone=FR&shouldUseFallbackCallerLookup=false" &&
      req.headers["auth-token"] === TOKEN
        ? send(
            res,
            200,
            JSON.stringify({
              zone: "FR",
              history: [{ carbonIntensity: 50, datetime: "2025-06-01T10:00:00.000Z" }],
            }),
            "application/json",
          )
        : send(res, 401, "{}"),
    );
    const start = Date.parse("2025-06-01T10:05:00Z");
    const withToken = carbonForMeasurement(
      { region: "FR", electricityMapsToken: TOKEN },
      {},
      { electricityMaps: s.url },
    );
    const carbon = await withToken(job(start, start + 600_000), hardware);
    expect(carbon?.intensity).toMatchObject({ gPerKWh: 50, live: true });
    expect(s.requests).toHaveLength(1);
    const without = carbonForMeasurement({ region: "FR" }, {}, { electricityMaps: s.url });
    const plain = await without(job(start, start + 600_000), hardware);
    expect(plain?.intensity).toMatchObject({ gPerKWh: 44.18, live: false });
    expect(s.requests).toHaveLength(1);
  });

  it("a provider error is a warning in the report's notes and the dataset figure is used", async () => {
    const s = await em((_req, res) => send(res, 500, "down"));
    const step = carbonForMeasurement(
      { region: "DE", electricityMapsToken: TOKEN },
      {},
      { electricityMaps: s.url },
    );
    const carbon = await step(job(0, 60_000), hardware);
    expect(carbon?.intensity.live).toBe(false);
    expect(carbon?.notes.join("\n")).toMatch(
      /live intensity unavailable \(Electricity Maps: HTTP 500\); using the embedded dataset/,
    );
    expect(s.requests).toHaveLength(2); // one retry on 5xx
    expect(JSON.stringify(carbon)).not.toContain(TOKEN);
  });
});
