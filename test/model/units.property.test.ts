/**
 * Unit parsers round-trip what the formatters print: a figure the CLI or the comment shows can be pasted
 * back as a budget and means the same thing (within the 3 significant figures printed).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDurationS, parseEnergyWh, parseMassG, parsePercent } from "../../src/model/units.js";
import { formatDuration, formatEnergy, formatMass, formatPercent } from "../../src/report/format.js";

/** 3 significant figures: the printed value is within 0.5 % of the true one (plus a tiny float slack). */
const closeTo3Sig = (parsed: number, value: number) =>
  expect(Math.abs(parsed - value)).toBeLessThanOrEqual(value * 0.005 + 1e-12);

const RUNS = 200;

describe("format → parse round trips (property)", () => {
  it("energy: formatEnergy then parseEnergyWh gives the value back, mWh to MWh", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e12, noNaN: true }), (wh) => {
        closeTo3Sig(parseEnergyWh(formatEnergy(wh), "budget-energy"), wh);
      }),
      { numRuns: RUNS },
    );
  });

  it("mass: formatMass then parseMassG gives the value back, mg to t", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e12, noNaN: true }), (g) => {
        closeTo3Sig(parseMassG(formatMass(g), "budget-emissions"), g);
      }),
      { numRuns: RUNS },
    );
  });

  it("duration: single-unit figures (ms, s, whole minutes, whole hours) parse back", () => {
    const seconds = fc.oneof(
      fc.double({ min: 0.001, max: 59.9, noNaN: true }),
      fc.integer({ min: 1, max: 59 }).map((m) => m * 60),
      fc.integer({ min: 1, max: 1_000 }).map((h) => h * 3_600),
    );
    fc.assert(
      fc.property(seconds, (s) => {
        const text = formatDuration(s).replace(" min", "min");
        const parsed = parseDurationS(text, "budget-duration");
        // ms are whole, seconds under 10 have one decimal, above that whole seconds
        expect(Math.abs(parsed - s)).toBeLessThanOrEqual(s < 1 ? 0.0005 : s < 10 ? 0.05 : 0.5);
      }),
      { numRuns: RUNS },
    );
  });

  it("percent: formatPercent then parsePercent gives the value back", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 10_000, noNaN: true }), (p) => {
        const parsed = parsePercent(formatPercent(p).replace(" ", ""), "max-increase");
        expect(Math.abs(parsed - p)).toBeLessThanOrEqual(Math.max(p * 0.05, 0.5));
      }),
      { numRuns: RUNS },
    );
  });

  it("parsers never return a non-finite or negative number, whatever the text", () => {
    const parsers = [parseEnergyWh, parseMassG, parseDurationS, parsePercent];
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.constantFrom(...parsers), (text, parse) => {
        let value: number | null = null;
        try {
          value = parse(text, "input");
        } catch (error) {
          expect((error as Error).name).toBe("InputError");
          expect((error as Error).message).toMatch(/^input: /);
          return;
        }
        expect(Number.isFinite(value)).toBe(true);
        expect(value).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: RUNS },
    );
  });
});
