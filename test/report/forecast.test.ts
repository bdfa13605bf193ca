// Forecast of the full training from the epochs a CI run trained: linear in epochs, with a range that is the
// measurement's range scaled and widened for extrapolation; only when the run trained a subset.
import { describe, expect, it } from "vitest";
import {
  epochProgress,
  extrapolationSpread,
  forecastForReport,
  forecastShort,
  forecastText,
  projectFullTraining,
} from "../../src/report/forecast.js";
import { makeReport } from "./make-report.js";
import { parseReport } from "../../src/model/report.js";
import { renderTextSummary } from "../../src/report/render-text.js";

describe("forecast", () => {
  it("reads epochs and epochs_total; nothing when the run is not a subset", () => {
    expect(epochProgress({ epochs: 1, epochs_total: 30, samples: 4000 })).toEqual({ done: 1, total: 30 });
    expect(epochProgress({ epochs: 30, epochs_total: 30 })).toBeNull();
    expect(epochProgress({ epochs: 0, epochs_total: 30 })).toBeNull();
    expect(epochProgress({ epochs: 2 })).toBeNull();
    expect(epochProgress(null)).toBeNull();
  });

  it("scales energy and emissions by total/done and widens the range by ±25 %/√done (≥ 5 %)", () => {
    const f = projectFullTraining(
      { energyWh: 10, lowWh: 8, highWh: 12, emissions: { totalG: 4, lowG: 3, highG: 6 } },
      { done: 1, total: 30 },
    );
    expect(f.energyWh).toBeCloseTo(300, 9);
    expect(f.lowWh).toBeCloseTo(8 * 30 * 0.75, 9);
    expect(f.highWh).toBeCloseTo(12 * 30 * 1.25, 9);
    expect(f.emissionsG).toBeCloseTo(120, 9);
    expect(f.lowG).toBeCloseTo(3 * 30 * 0.75, 9);
    expect(f.highG).toBeCloseTo(6 * 30 * 1.25, 9);
    expect(f.lowWh).toBeLessThan(f.energyWh);
    expect(f.highWh).toBeGreaterThan(f.energyWh);
    expect(extrapolationSpread(4)).toBeCloseTo(0.125, 9);
    expect(extrapolationSpread(1_000)).toBe(0.05);
    expect(f.method).toMatch(/× 30\/1 epochs \(linear\), range widened by ±25 %/);
    // the widening is our assumption, and the report says so (issue #26)
    expect(f.method).toMatch(/\(assumed: ±25 %\/√epochs measured, at least ±5 %; not a published figure\)/);
  });

  it("goes into the report (schema-valid) and its text: 'projected for the full training'", () => {
    const report = makeReport({ work: { epochs: 2, epochs_total: 20 } });
    report.forecast = forecastForReport(report, report.work!.units);
    expect(parseReport(report).forecast?.energyWh).toBeCloseTo(report.energyWh * 10, 9);
    expect(forecastText(report.forecast!)).toMatch(
      /^projected for the full training \(20 epochs; 2 measured\): /,
    );
    expect(forecastShort(report.forecast!)).toMatch(
      /^full training \(2\/20 epochs\) ≈ .+ \[.+–.+\], .+ CO2e \[.+–.+\]$/,
    );
    expect(renderTextSummary(report)).toContain("forecast — projected for the full training");
    // Without carbon accounting: energy only.
    const energyOnly = forecastForReport({ ...report, carbon: null }, { epochs: 1, epochs_total: 3 });
    expect(energyOnly?.emissionsG).toBeNull();
    expect(forecastText(energyOnly!)).not.toMatch(/CO2e/);
    // Older reports have no forecast field and stay valid.
    const { forecast: _f, ...older } = report;
    expect(parseReport(older).forecast).toBeUndefined();
  });
});
