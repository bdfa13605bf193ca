import { describe, expect, it } from "vitest";
import { resolveCarbonContext } from "../../src/carbon/context.js";
import { fetchElectricityMapsForecast } from "../../src/carbon/timeshift.js";
import { closedAfterEach, send } from "./helpers.js";

const TOKEN = "em-secret-token-redirect";
const server = closedAfterEach();

describe("the Electricity Maps token does not travel", () => {
  it.each([301, 302, 307, 308])(
    "a %i to another origin is not followed: no auth-token there, a fallback that says why",
    async (status) => {
      const elsewhere = await server((_req, res) => send(res, 200, "{}", "application/json"));
      const em = await server((_req, res) => {
        res.writeHead(status, { location: `${elsewhere.url}/steal` });
        res.end();
      });
      const ctx = await resolveCarbonContext({
        region: "FR",
        liveIntensity: true,
        electricityMapsToken: TOKEN,
        env: {},
        endpoints: { electricityMaps: em.url },
      });
      expect(elsewhere.requests).toEqual([]);
      expect(ctx.intensity.live).toBe(false);
      expect(ctx.warnings.join("\n")).toMatch(new RegExp(`HTTP ${status}: .*redirect`));
      expect(JSON.stringify(ctx)).not.toContain(TOKEN);
    },
  );

  it.each([302, 307])(
    "nor does the forecast's: a %i is not followed, the time-shift reason says why",
    async (status) => {
      const elsewhere = await server((_req, res) => send(res, 200, "{}", "application/json"));
      const em = await server((_req, res) => {
        res.writeHead(status, { location: `${elsewhere.url}/steal` });
        res.end();
      });
      const result = await fetchElectricityMapsForecast("DE", TOKEN, {
        fetchImpl: fetch,
        timeoutMs: 5_000,
        baseUrl: em.url,
      });
      expect(elsewhere.requests).toEqual([]);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(new RegExp(`HTTP ${status}: .*redirect`));
      expect(JSON.stringify(result)).not.toContain(TOKEN);
    },
  );
});
