// Issue 22's "done when" cases for the verdict, and the pieces of the noise model: the pool, the
// between-runner term, weighted Holm, degenerate bases and the delta's range.
import { describe, expect, it } from "vitest";
import { evaluateBudgets } from "../../src/report/budgets.js";
import { compareReports, poolEntriesFor } from "../../src/report/compare.js";
import { PRIOR, POOL_MAX_DF, weightedHolm } from "../../src/report/noise.js";
import type { Report } from "../../src/model/report.js";
import { sumReports, totalComparison } from "../../src/report/aggregate.js";
import type { JobInput } from "../../src/report/comment-model.js";
import { makeReport } from "./make-report.js";

/** makeReport draws 40 W: a job of `seconds` uses this much energy. */
const whFor = (seconds: number) => (40 * seconds) / 3_600;
const run = (wh: number, i = 0, opts: Parameters<typeof makeReport>[0] = {}) =>
  makeReport({ phases: { train: wh }, sha: String(i + 1).padStart(40, "0"), ...opts });

describe("issue 22: verdicts from the first base runs", () => {
  it("two base runs 2 % apart on a 10-minute job: +20 % is an increase and max-increase 10 % fails; +2 % is within noise", () => {
    const e = whFor(600);
    const bases = [run(e, 0), run(e * 1.02, 1)];
    const mid = e * 1.01;
    const up = run(mid * 1.2);
    const c = compareReports(up, bases);
    expect(c.verdict).toBe("increase");
    const [budget] = evaluateBudgets({ report: up, comparison: c, budgets: { maxIncreasePercent: 10 } });
    expect(budget?.over).toBe(true);
    expect(budget?.message).toBe("Energy +20 % vs base is over the 10 % max-increase budget");
    const quiet = compareReports(run(mid * 1.02), bases);
    expect(quiet.verdict).toBe("within-noise");
    expect(
      evaluateBudgets({ report: run(mid * 1.02), comparison: quiet, budgets: { maxIncreasePercent: 10 } })[0]
        ?.over,
    ).toBe(false);
  });

  it("five base runs spread ±2 % on a 20 s job whose totals come from counters: +10 % is an increase", () => {
    const e = whFor(20);
    const bases = [0.98, 0.99, 1.0, 1.01, 1.02].map((f, i) => run(e * f, i));
    const c = compareReports(run(e * 1.1), bases);
    expect(c.total.band?.floor).toBe(0); // counters read at the exact start and end: no resolution term
    expect(c.verdict).toBe("increase");
    expect(c.total.verdictWords).not.toMatch(/assumed/);
  });

  it("the delta's range holds run-to-run noise: base 95/100/105/98/102 Wh, head 103 Wh → the range contains 0", () => {
    const bases = [95, 100, 105, 98, 102].map((e, i) => run(e, i));
    const c = compareReports(run(103), bases);
    expect(c.total.deltaEnergyWh).toBeCloseTo(3, 9);
    expect(c.total.deltaNoiseWh).toBeGreaterThan(3);
    expect(c.total.deltaEnergyLowWh).toBeLessThan(0);
    expect(c.total.deltaEnergyHighWh).toBeGreaterThan(3);
    expect(c.verdict).toBe("within-noise");
  });

  it("the model part of the range follows the components that changed: GPU 100 + CPU 10 → GPU 90 + CPU 20 is about ±5 Wh", () => {
    const job = (gpu: number, cpu: number): Report => {
      const r = makeReport({ phases: { train: gpu + cpu }, gpus: ["NVIDIA H100 80GB HBM3"] });
      const p = r.phases[0]!;
      p.components = [
        {
          component: "gpu",
          method: "nvml-counter",
          provenance: "measured",
          energyWh: gpu,
          lowWh: gpu * 0.95,
          highWh: gpu * 1.05,
          meanPowerW: 300,
          peakPowerW: 350,
        },
        {
          component: "cpu",
          method: "cpu-model",
          provenance: "modelled",
          energyWh: cpu,
          lowWh: cpu * 0.5,
          highWh: cpu * 1.5,
          meanPowerW: 30,
          peakPowerW: 40,
        },
      ];
      p.lowWh = r.lowWh = gpu * 0.95 + cpu * 0.5;
      p.highWh = r.highWh = gpu * 1.05 + cpu * 1.5;
      return r;
    };
    const c = compareReports(job(90, 20), [job(100, 10)]);
    expect(c.total.deltaEnergyWh).toBeCloseTo(0, 9);
    // GPU −10 Wh × [0.95, 1.05] and CPU +10 Wh × [0.5, 1.5]: ±0.5 and ±5 Wh, worst with worst
    expect(c.total.deltaEnergyLowWh).toBeCloseTo(-5.5, 9);
    expect(c.total.deltaEnergyHighWh).toBeCloseTo(5.5, 9);
    // one base run and nothing else on the base branch: run-to-run noise not measured yet, and said so
    expect(c.total.deltaNoiseWh).toBeNull();
  });

  it("a base of zero or tiny energy is not comparable, never an increase, and max-increase is not applied", () => {
    const zero = makeReport({ phases: { train: 0 } });
    const c = compareReports(run(10), [zero]);
    expect(c.verdict).toBe("not-comparable");
    expect(c.total.verdictWords).toMatch(/^not comparable: the base used no energy/);
    const [b] = evaluateBudgets({ report: run(10), comparison: c, budgets: { maxIncreasePercent: 10 } });
    expect(b?.over).toBe(false);
    expect(b?.message).toMatch(/cannot be evaluated/);
    expect(compareReports(run(10), [run(1e-7)]).verdict).toBe("not-comparable");
  });

  it("identical base runs count as no spread information, so a +0.06 % head stays within noise", () => {
    const same = [run(100, 0), run(100, 1), run(100, 2)];
    const c = compareReports(run(100.06), same);
    expect(c.verdict).toBe("within-noise");
    expect(c.total.band?.noise.identical).toBe(true);
    expect(c.total.deltaEnergyLowWh).toBeLessThan(0.06);
  });
});

describe("noise model", () => {
  it("one base run of a new key learns from the other keys' base runs (the pool), capped", () => {
    const quietKey = [100, 100.4, 99.6, 100.2, 99.8].map((e, i) => run(e, i, { key: "other" }));
    const pool = poolEntriesFor(quietKey[0]!, quietKey);
    expect(pool).toHaveLength(1); // the one phase is the total again
    const alone = compareReports(run(110), [run(100)]);
    const pooled = compareReports(run(110), [run(100)], { pool });
    expect(alone.total.band?.noise.poolDf).toBe(0);
    expect(pooled.total.band?.noise.poolDf).toBe(Math.min(4, POOL_MAX_DF));
    expect(pooled.total.band!.halfWidth).toBeLessThan(alone.total.band!.halfWidth);
    expect(alone.verdict).toBe("within-noise");
    expect(pooled.verdict).toBe("increase");
    expect(pooled.total.verdictWords).toMatch(/1 other row of the base branch/);
    // the pool never outweighs the stated prior entirely
    expect(pooled.total.band!.noise.sigmaPercent).toBeGreaterThan(
      PRIOR.cvPercent * Math.sqrt(PRIOR.df / (PRIOR.df + POOL_MAX_DF)) - 1e-9,
    );
  });

  it("the row's own spread takes over as its history grows", () => {
    const noisy = Array.from({ length: 40 }, (_, i) => run(100 * (1 + 0.1 * (i % 2 ? 1 : -1)), i));
    const c = compareReports(run(100), noisy);
    expect(c.total.band!.noise.ownPercent).toBeCloseTo(10.1, 1);
    expect(c.total.band!.noise.sigmaPercent).toBeGreaterThan(9);
  });

  it("base runs that all shared one self-hosted runner, and a head on another, add the between-runner term", () => {
    const on = (name: string, e: number, i: number) => {
      const r = run(e, i);
      r.runner = { ...r.runner, githubHosted: false, name };
      return r;
    };
    const bases = [on("gpu-1", 100, 0), on("gpu-1", 101, 1), on("gpu-1", 99, 2)];
    const elsewhere = compareReports(on("gpu-2", 100, 9), bases).total.band!;
    const same = compareReports(on("gpu-1", 100, 9), bases).total.band!;
    expect(elsewhere.noise.sharedRunnerPercent).toBeCloseTo(PRIOR.betweenRunnersPercent * Math.SQRT2, 9);
    expect(same.noise.sharedRunnerPercent).toBeNull();
    expect(elsewhere.halfWidth).toBeGreaterThan(same.halfWidth);
    // GitHub-hosted runs are fresh VMs: their spread already holds the offset
    expect(
      compareReports(run(100, 9), [run(100, 0), run(101, 1), run(99, 2)]).total.band!.noise
        .sharedRunnerPercent,
    ).toBeNull();
  });

  it("a matrix total whose jobs' base runs each shared a self-hosted runner adds the between-runner term too", () => {
    const on = (key: string, name: string, e: number, i: number) => {
      const r = run(e, i, { key });
      r.runner = { ...r.runner, githubHosted: false, name };
      return r;
    };
    const jobs: JobInput[] = ["a", "b"].map((key) => ({
      head: on(key, `${key}-new`, 100, 9),
      history: [on(key, `${key}-1`, 100, 0), on(key, `${key}-1`, 101, 1), on(key, `${key}-1`, 99, 2)],
      comparison: null,
    }));
    for (const j of jobs) j.comparison = compareReports(j.head, j.history);
    const heads = jobs.map((j) => j.head);
    const overall = totalComparison(jobs, sumReports(heads, heads[0]!));
    expect(overall.total.band!.noise.sharedRunnerPercent).not.toBeNull();
    expect(jobs[0]!.comparison!.total.band!.familySize).toBe(3); // the matrix total and two job rows
  });

  it("weighted Holm: the smallest p/w first, each at α·w/Σ of the rest; stops at the first it keeps", () => {
    const r = weightedHolm(
      [
        { p: 0.02, weight: 0.5 },
        { p: 0.001, weight: 0.25 },
        { p: 0.3, weight: 0.25 },
      ],
      0.05,
    );
    // 0.001/0.25 first: level 0.05·0.25/1 = 0.0125 → rejected; then 0.02/0.5: level 0.05·0.5/0.75 → rejected
    expect(r.map((x) => x.rejected)).toEqual([true, true, false]);
    expect(r[0]!.level).toBeCloseTo((0.05 * 0.5) / 0.75, 12);
    expect(r[2]!.level).toBeCloseTo(0.05, 12);
    const none = weightedHolm(
      [
        { p: 0.03, weight: 0.5 },
        { p: 0.2, weight: 0.5 },
      ],
      0.05,
    );
    expect(none.map((x) => x.rejected)).toEqual([false, false]);
    expect(none[0]!.level).toBeCloseTo(0.025, 12);
  });
});
