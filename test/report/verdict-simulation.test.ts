// The simulation behind BENCHMARKS.md §7, small and seeded: a whole comment (total + four phases, or a
// matrix total + three jobs) cries wolf at most 5 % of the time when nothing changed, from one base run up,
// with and without a runner offset the base runs share; and a clear change is found. Deterministic, no timing.
import { describe, expect, it } from "vitest";
import { parseReport } from "../../src/model/report.js";
import { NOISES, simulateVerdicts, syntheticReport } from "../../bench/verdict.js";

const TRIALS = 150;
// the goal is ≤ 5 %; a 150-trial estimate of a true 5 % rate exceeds 5 % + 3 standard errors (5.3 %) rarely
const BOUND = 0.05 + 3 * Math.sqrt((0.05 * 0.95) / TRIALS);

describe("verdict simulation (seeded)", () => {
  it("its synthetic reports are valid reports", () => {
    expect(() => parseReport(syntheticReport(101.5), "synthetic")).not.toThrow();
  });

  it("whole-comment false alarms stay ≤ 5 % for n = 1, 2, 3, 5 and 10, normal, with and without shared runner offsets", () => {
    const cells = simulateVerdicts({
      trials: TRIALS,
      ns: [1, 2, 3, 5, 10],
      changesPercent: [],
      seed: 3,
      noises: [NOISES[0]!.name, NOISES[3]!.name],
    });
    expect(cells).toHaveLength(2 * 2 * 5);
    for (const c of cells)
      expect(c.commentFalseAlarm, `${c.scenario}, ${c.noise}, n = ${c.n}`).toBeLessThanOrEqual(BOUND);
  });

  it("two base runs at σ = 2 % find a +20 % change almost always (was 21 % with the textbook interval)", () => {
    const [job, matrix] = simulateVerdicts({
      trials: 100,
      ns: [2],
      changesPercent: [20],
      seed: 5,
      noises: [NOISES[0]!.name],
    });
    expect(job!.detect[20]).toBeGreaterThan(0.95);
    expect(matrix!.detect[20]).toBeGreaterThan(0.95);
  });
});
