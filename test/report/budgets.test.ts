import { describe, expect, it } from "vitest";
import { evaluateBudgets } from "../../src/report/budgets.js";
import { compareReports } from "../../src/report/compare.js";
import { makeReport } from "./make-report.js";

const report = makeReport({ phases: { train: 600, eval: 12 } });

describe("absolute budgets", () => {
  it("reports an energy breach with the overshoot", () => {
    const [r] = evaluateBudgets({ report, comparison: null, budgets: { energyWh: 500 } });
    expect(r).toMatchObject({ budget: "energy", limit: 500, actual: 612, over: true });
    expect(r?.message).toBe("Energy 612 Wh is over the 500 Wh budget (+22 %)");
  });
  it("passes energy, emissions and duration within budget", () => {
    const results = evaluateBudgets({
      report,
      comparison: null,
      budgets: { energyWh: 1_000, emissionsG: 1_000, durationS: 86_400 },
    });
    expect(results.map((r) => [r.budget, r.over])).toEqual([
      ["energy", false],
      ["emissions", false],
      ["duration", false],
    ]);
    expect(results[0]?.message).toBe("Energy 612 Wh is within the 1.00 kWh budget (61 % of it)");
  });
  it("reports emissions and duration breaches", () => {
    const results = evaluateBudgets({
      report,
      comparison: null,
      budgets: { emissionsG: 50, durationS: 1_800 },
    });
    expect(results.every((r) => r.over)).toBe(true);
    expect(results[0]?.message).toMatch(/^Emissions 274 g CO2e is over the 50\.0 g CO2e budget \(\+449 %\)$/);
    expect(results[1]?.message).toBe("Duration 15 h 18 min is over the 30 min budget (+2960 %)");
  });
  it("cannot evaluate an emissions budget without carbon accounting, and does not call it a breach", () => {
    const [r] = evaluateBudgets({
      report: makeReport({ intensity: null }),
      comparison: null,
      budgets: { emissionsG: 1 },
    });
    expect(r).toMatchObject({ budget: "emissions", actual: null, over: false });
    expect(r?.message).toContain("cannot be evaluated: no carbon accounting");
  });
  it("applies budgets to one phase", () => {
    const results = evaluateBudgets({
      report,
      comparison: null,
      budgets: { energyWh: 100, emissionsG: 10, phase: "eval" },
    });
    expect(results[0]).toMatchObject({ phase: "eval", actual: 12, over: false });
    expect(results[0]?.message).toBe(
      'Energy of phase "eval" 12.0 Wh is within the 100 Wh budget (12 % of it)',
    );
    expect(results[1]?.over).toBe(false);
    const [missing] = evaluateBudgets({ report, comparison: null, budgets: { energyWh: 1, phase: "nope" } });
    expect(missing).toMatchObject({ actual: null, over: false });
    expect(missing?.message).toContain('phase "nope" is not in the report (phases: train, eval)');
  });
});

describe("max-increase", () => {
  const base = makeReport({ phases: { train: 100 } });
  it("breaches only on a real increase beyond the limit", () => {
    const head = makeReport({ phases: { train: 130 } });
    const [r] = evaluateBudgets({
      report: head,
      comparison: compareReports(head, [base]),
      budgets: { maxIncreasePercent: 20 },
    });
    expect(r).toMatchObject({ budget: "max-increase", limit: 20, over: true });
    expect(r?.actual).toBeCloseTo(30);
    expect(r?.message).toBe("Energy +30 % vs base is over the 20 % max-increase budget");
  });
  it("does not breach within the limit", () => {
    const head = makeReport({ phases: { train: 118 } });
    const [r] = evaluateBudgets({
      report: head,
      comparison: compareReports(head, [base]),
      budgets: { maxIncreasePercent: 20 },
    });
    expect(r?.over).toBe(false);
    expect(r?.message).toBe("Energy +18 % vs base is within the 20 % max-increase budget");
  });
  it("does not breach when the change is within noise, even above the limit", () => {
    const head = makeReport({ phases: { train: 108 } });
    const [r] = evaluateBudgets({
      report: head,
      comparison: compareReports(head, [base]),
      budgets: { maxIncreasePercent: 5 },
    });
    expect(r?.over).toBe(false);
    // one base run: the prior's band, t(0.975, 4) × 4 % × √2 = 16 %
    expect(r?.message).toContain("within noise (±16 %)");
  });
  it("does not breach on different hardware or without a base run", () => {
    const head = makeReport({ phases: { train: 300 }, threads: 16 });
    const [hw] = evaluateBudgets({
      report: head,
      comparison: compareReports(head, [base]),
      budgets: { maxIncreasePercent: 5 },
    });
    expect(hw?.over).toBe(false);
    expect(hw?.message).toContain("different hardware");
    const [none] = evaluateBudgets({ report: head, comparison: null, budgets: { maxIncreasePercent: 5 } });
    expect(none).toMatchObject({ actual: null, over: false });
    const [empty] = evaluateBudgets({
      report: head,
      comparison: compareReports(head, []),
      budgets: { maxIncreasePercent: 5 },
    });
    expect(empty?.message).toContain("no base run");
  });
  it("uses energy per work unit when the verdict does", () => {
    const b = makeReport({ phases: { train: 100 }, work: { samples: 1_000 } });
    const head = makeReport({ phases: { train: 200 }, work: { samples: 1_000 } });
    const [r] = evaluateBudgets({
      report: head,
      comparison: compareReports(head, [b]),
      budgets: { maxIncreasePercent: 10 },
    });
    expect(r?.over).toBe(true);
    expect(r?.message).toBe("Energy per 1k samples +100 % vs base is over the 10 % max-increase budget");
  });
  it("evaluates nothing when no budget is set", () => {
    expect(evaluateBudgets({ report, comparison: null, budgets: {} })).toEqual([]);
  });
});
