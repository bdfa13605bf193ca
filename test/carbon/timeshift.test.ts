/** Time-shift advice for scheduled workflows, from recorded-format forecast answers on loopback servers. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bestStart, fetchUkGridForecast } from "../../src/carbon/timeshift.js";
import { Report } from "../../src/model/report.js";
import { carbonForMeasurement } from "../../src/pipeline/carbon.js";
import { renderJobSummary } from "../../src/action/summary.js";
import { makeReport } from "../report/make-report.js";
import { closedAfterEach, finishedJob, send, TEST_HARDWARE } from "./helpers.js";

const FIXTURES = join(process.cwd(), "test", "fixtures", "forecast");
const GB = readFileSync(join(FIXTURES, "gb-fw48h-2025-06-01T1030Z.json"), "utf8");
const EM_DE = readFileSync(join(FIXTURES, "em-forecast-DE-2025-06-01.json"), "utf8");
const TOKEN = "em-secret-token-forecast-9c1d";
const server = closedAfterEach();

const START = Date.parse("2025-06-01T10:00:00Z");
const END = Date.parse("2025-06-01T10:30:00Z");
const job = () => finishedJob(START, END);
const hardware = TEST_HARDWARE;
const SCHEDULE = { GITHUB_EVENT_NAME: "schedule" };

/** GB API: the window's half-hours for the live reading, and the 48 h forecast from the job's end. */
async function gbServer() {
  return server((req, res) => {
    if (req.url === "/intensity/2025-06-01T10:30Z/fw48h") return send(res, 200, GB, "application/json");
    if (req.url === "/intensity/2025-06-01T10:00Z/2025-06-01T10:30Z")
      return send(
        res,
        200,
        JSON.stringify({
          data: [
            { from: "2025-06-01T10:00Z", to: "2025-06-01T10:30Z", intensity: { forecast: 121, actual: 118 } },
          ],
        }),
        "application/json",
      );
    return send(res, 404, "");
  });
}

describe("time-shift advice (scheduled workflows)", () => {
  it("finds the cleanest start in the next day on the GB 48 h forecast, against the job's own start a day later", async () => {
    const uk = await gbServer();
    const forecast = await fetchUkGridForecast(END, { fetchImpl: fetch, timeoutMs: 5_000, baseUrl: uk.url });
    if (!forecast.ok) throw new Error(forecast.reason);
    expect(forecast.slots).toHaveLength(96);
    const shift = bestStart(forecast.slots, { startMs: START, endMs: END }, END, forecast.source);
    // fixture: 150 + 60·cos(2π(h − 18)/24): 90 g at 06:00, 120 g at 10:00
    expect(shift).toMatchObject({
      bestStart: "2025-06-02T06:00:00.000Z",
      bestGPerKWh: 90,
      baselineStart: "2025-06-02T10:00:00.000Z",
      baselineGPerKWh: 120,
    });
    expect(shift?.savingFraction).toBeCloseTo(0.25, 10);
    expect(shift?.source).toMatch(
      /GB Carbon Intensity API \(NESO\) 48 h national forecast.*own start time a day later/,
    );
  });

  it("a scheduled job with the GB provider gets the time line in its report and job summary", async () => {
    const uk = await gbServer();
    const step = carbonForMeasurement({ region: "aws:eu-west-2", liveIntensity: true }, SCHEDULE, {
      ukGrid: uk.url,
    });
    const carbon = await step(job(), hardware);
    expect(carbon?.timeShift).toMatchObject({ bestStart: "2025-06-02T06:00:00.000Z", baselineGPerKWh: 120 });
    const report = Report.parse({ ...makeReport({}), carbon });
    const summary = renderJobSummary("train", report, null, [], [], "main", null);
    expect(summary).toMatch(
      /⏰ Scheduled job: starting at 06:00 UTC would emit about 25\s%\sless than at 10:00 UTC \(forecast\)/,
    );
    expect(summary).toMatch(/GB Carbon Intensity API \\?\(NESO\\?\) 48 h national forecast/);
  });

  it("uses the Electricity Maps forecast with a token (zone of the region, no caller fallback), and never leaks the token", async () => {
    const em = await server((req, res) => {
      if (req.url === "/v3/carbon-intensity/forecast?zone=DE&shouldUseFallbackCallerLookup=false")
        return send(res, 200, EM_DE, "application/json");
      return send(res, 404, "{}");
    });
    const step = carbonForMeasurement({ region: "aws:eu-central-1", electricityMapsToken: TOKEN }, SCHEDULE, {
      electricityMaps: em.url,
    });
    const carbon = await step(job(), hardware);
    // fixture: 300 + 100·cos(2π(h − 19)/24): 200 g at 07:00; 229 g at 10:00
    expect(carbon?.timeShift).toMatchObject({
      bestStart: "2025-06-02T07:00:00.000Z",
      bestGPerKWh: 200,
      baselineStart: "2025-06-02T10:00:00.000Z",
      baselineGPerKWh: 229,
    });
    expect(carbon?.timeShift?.source).toMatch(/Electricity Maps forecast, zone DE/);
    expect(JSON.stringify(carbon)).not.toContain(TOKEN);
  });

  it("says nothing about time offline, for unscheduled runs, or when the forecast fails (a warning then)", async () => {
    const uk = await gbServer();
    const offline = await carbonForMeasurement({ region: "aws:eu-west-2" }, SCHEDULE, { ukGrid: uk.url })(
      job(),
      hardware,
    );
    expect(offline?.timeShift).toBeUndefined();
    const push = await carbonForMeasurement(
      { region: "aws:eu-west-2", liveIntensity: true },
      { GITHUB_EVENT_NAME: "push" },
      {
        ukGrid: uk.url,
      },
    )(job(), hardware);
    expect(push?.timeShift).toBeUndefined();
    expect(uk.requests.some((r) => r.url.endsWith("/fw48h"))).toBe(false);
    const report = Report.parse({ ...makeReport({}), carbon: offline });
    expect(renderJobSummary("train", report, null, [], [], "main", null)).not.toContain("⏰");

    const down = await server((_req, res) => send(res, 503, "down"));
    const failed = await carbonForMeasurement(
      { region: "aws:eu-central-1", electricityMapsToken: TOKEN },
      SCHEDULE,
      {
        electricityMaps: down.url,
      },
    )(job(), hardware);
    expect(failed?.timeShift).toBeUndefined();
    expect(failed?.notes.join("\n")).toMatch(
      /time-shift advice: no forecast \(Electricity Maps forecast: HTTP 503\)/,
    );
  });
});
