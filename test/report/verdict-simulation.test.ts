// The simulation behind BENCHMARKS.md §7, small and seeded: the verdict's false-alarm rate at no change is
// the interval's nominal 5 % and a clear change is found. Deterministic (fixed seed), no timing.
import { describe, expect, it } from "vitest";
import { parseReport } from "../../src/model/report.js";
import { simulateVerdicts, syntheticReport } from "../../bench/verdict.js";

describe("verdict simulation (seeded)", () => {
  it("its synthetic reports are valid reports", () => {
    expect(() => parseReport(syntheticReport(101.5), "synthetic")).not.toThrow();
  });

  it("false alarms near 5 % with 5 base runs under normal noise; +20 % found at σ = 2 %", () => {
    const cells = simulateVerdicts({ trials: 400, ns: [5], changesPercent: [20], seed: 3 });
    for (const c of cells.filter((c) => c.noise.startsWith("normal"))) {
      // 400 trials: the standard error of a 5 % rate is 1.1 %; ±4 standard errors
      expect(c.falseAlarm).toBeGreaterThan(0.05 - 0.044);
      expect(c.falseAlarm).toBeLessThan(0.05 + 0.044);
    }
    const quiet = cells.find((c) => c.noise === "normal, σ = 2 %");
    expect(quiet?.detect[20]).toBeGreaterThan(0.95);
  });

  it("one base run with the default ±10 % band cries wolf often when the noise is 5 % (≈ 16 %)", () => {
    const [noisy] = simulateVerdicts({ trials: 400, ns: [1], changesPercent: [], seed: 5 }).filter(
      (c) => c.noise === "normal, σ = 5 %",
    );
    // P(|N(0, 5 %·√2)| > 10 %) = 2·(1 − Φ(1.414)) = 15.7 %
    expect(noisy!.falseAlarm).toBeGreaterThan(0.1);
    expect(noisy!.falseAlarm).toBeLessThan(0.22);
  });
});
