import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareReports, noiseBandPercent, NOISE_FLOOR_PERCENT } from "../../src/report/compare.js";
import { baseHistory, makeReport } from "./make-report.js";

describe("compareReports", () => {
  it("without base runs says no-baseline everywhere", () => {
    const c = compareReports(makeReport(), []);
    expect(c.verdict).toBe("no-baseline");
    expect(c.base).toBeNull();
    expect(c.phases.map((p) => p.verdict)).toEqual(["no-baseline", "no-baseline"]);
    expect(c.total.deltaEnergyWh).toBeNull();
  });

  it("computes deltas in energy, emissions and duration per phase and in total", () => {
    const base = makeReport({ phases: { train: 10, eval: 2 } });
    const head = makeReport({ phases: { train: 15, eval: 2 } });
    const c = compareReports(head, [base]);
    const train = c.phases.find((p) => p.name === "train");
    expect(train?.deltaEnergyWh).toBeCloseTo(5);
    expect(train?.deltaEnergyPercent).toBeCloseTo(50);
    expect(train?.deltaEmissionsPercent).toBeCloseTo(50);
    expect(train?.deltaDurationS).toBeCloseTo((5 / 40) * 3_600);
    expect(c.total.deltaEnergyWh).toBeCloseTo(5);
    expect(c.total.deltaEnergyPercent).toBeCloseTo((5 / 12) * 100);
    // Conservative range: head.low − base.high … head.high − base.low.
    expect(c.total.deltaEnergyLowWh).toBeCloseTo(17 * 0.8 - 12 * 1.25);
    expect(c.total.deltaEnergyHighWh).toBeCloseTo(17 * 1.25 - 12 * 0.8);
    expect(c.phases.find((p) => p.name === "eval")?.verdict).toBe("within-noise");
  });

  it("uses the 10 % default tolerance with one base run", () => {
    const base = makeReport({ phases: { train: 100 } });
    expect(compareReports(makeReport({ phases: { train: 109 } }), [base]).verdict).toBe("within-noise");
    expect(compareReports(makeReport({ phases: { train: 111 } }), [base]).verdict).toBe("increase");
    expect(compareReports(makeReport({ phases: { train: 89 } }), [base]).verdict).toBe("decrease");
    expect(
      compareReports(makeReport({ phases: { train: 109 } }), [base], { defaultTolerancePercent: 5 }).verdict,
    ).toBe("increase");
    expect(compareReports(makeReport({ phases: { train: 109 } }), [base]).total.bandPercent).toBe(10);
  });

  it("with 5 noisy base runs a +8 % change is within noise, a quiet history calls it an increase", () => {
    const noisy = baseHistory([100, 92, 108, 95, 105]);
    const head = makeReport({ phases: { train: 110, eval: 2 } });
    const c = compareReports(head, noisy);
    expect(c.baseRuns).toBe(5);
    expect(c.total.bandPercent).toBeGreaterThan(10);
    expect(c.verdict).toBe("within-noise");
    const quiet = baseHistory([100, 100.5, 99.5, 100.2, 99.8]);
    const q = compareReports(head, quiet);
    expect(q.total.bandPercent).toBe(NOISE_FLOOR_PERCENT);
    expect(q.verdict).toBe("increase");
  });

  it("never calls a change on different hardware a regression, and lists the differences", () => {
    const base = makeReport({ phases: { train: 10 } });
    const head = makeReport({
      phases: { train: 30 },
      gpus: ["NVIDIA A10G"],
      threads: 8,
      cpu: "Intel Xeon 8370C",
    });
    const c = compareReports(head, [base]);
    expect(c.verdict).toBe("different-hardware");
    expect(c.phases[0]?.verdict).toBe("different-hardware");
    expect(c.hardwareDifferences).toEqual([
      "CPU: AMD EPYC 7763 64-Core Processor → Intel Xeon 8370C",
      "vCPUs: 4 → 8",
      "GPU count: 0 → 1",
    ]);
    expect(c.total.deltaEnergyWh).toBeCloseTo(20);
    const gpuModel = compareReports(makeReport({ gpus: ["NVIDIA H100"] }), [
      makeReport({ gpus: ["NVIDIA A100"] }),
    ]);
    expect(gpuModel.hardwareDifferences).toEqual(["GPU model: NVIDIA A100 → NVIDIA H100"]);
  });

  it("judges the total per 1k work units when both count the same unit", () => {
    const base = makeReport({ phases: { train: 10 }, work: { samples: 10_000, steps: 100 } });
    const head = makeReport({ phases: { train: 20 }, work: { samples: 20_000 } });
    const c = compareReports(head, [base]);
    expect(c.total.basis).toBe("energy-per-work");
    expect(c.total.work).toMatchObject({ unit: "samples", baseWhPer1k: 1, headWhPer1k: 1 });
    expect(c.total.deltaEnergyPercent).toBeCloseTo(100);
    expect(c.verdict).toBe("within-noise");
    // Phases are still judged on energy.
    expect(c.phases[0]?.verdict).toBe("increase");
  });

  it("marks added and removed phases", () => {
    const c = compareReports(makeReport({ phases: { train: 10, export: 1 } }), [
      makeReport({ phases: { train: 10, eval: 2 } }),
    ]);
    expect(c.phases.map((p) => [p.name, p.presence, p.verdict])).toEqual([
      ["train", "both", "within-noise"],
      ["export", "added", "no-baseline"],
      ["eval", "removed", "decrease"],
    ]);
  });

  it("ignores base runs on other hardware when estimating noise", () => {
    const history = [
      ...baseHistory([100, 101]),
      makeReport({ phases: { train: 300, eval: 2 }, threads: 64, createdAt: "2026-11-01T00:00:00.000Z" }),
    ];
    const c = compareReports(makeReport({ phases: { train: 100, eval: 2 } }), history);
    expect(c.baseRuns).toBe(2);
    expect(c.total.bandPercent).toBe(NOISE_FLOOR_PERCENT);
  });

  it("swapping base and head flips the sign of the energy and emissions deltas (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1e5, noNaN: true }),
        fc.double({ min: 0.01, max: 1e5, noNaN: true }),
        (a, b) => {
          const ra = makeReport({ phases: { train: a } });
          const rb = makeReport({ phases: { train: b } });
          const ab = compareReports(rb, [ra]);
          const ba = compareReports(ra, [rb]);
          expect(ab.total.deltaEnergyWh).toBeCloseTo(-(ba.total.deltaEnergyWh ?? NaN), 6);
          expect(ab.total.deltaEmissionsG).toBeCloseTo(-(ba.total.deltaEmissionsG ?? NaN), 6);
          const flipped = {
            increase: "decrease",
            decrease: "increase",
            "within-noise": "within-noise",
          } as const;
          // With one base run the band is symmetric in percent of the base, so only the direction must flip.
          if (ab.verdict !== "within-noise" && ba.verdict !== "within-noise") {
            expect(ba.verdict).toBe(flipped[ab.verdict as keyof typeof flipped]);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("noiseBandPercent", () => {
  it("is max(2 × relative sample standard deviation, floor)", () => {
    // mean 100, sample sd of [90, 110] = 14.142…, × 2 = 28.28 %
    expect(noiseBandPercent([90, 110], 10)).toBeCloseTo(28.284, 2);
    expect(noiseBandPercent([100, 100], 10)).toBe(NOISE_FLOOR_PERCENT);
    expect(noiseBandPercent([100], 7)).toBe(7);
    expect(noiseBandPercent([], 10)).toBe(10);
    expect(noiseBandPercent([0, 0], 10)).toBe(NOISE_FLOOR_PERCENT);
  });
});
