// Budgets enforced by the bundled post step: each breach alone fails the step with one line naming the
// budget and by how much; `fail-on-budget: false` turns the failure into a warning.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { measuredJob, startWorld, type World } from "./world.js";

let world: World;
beforeAll(async () => {
  world = await startWorld({ inProcess: true });
  // Far below any real run, so max-increase has a real (outside-noise) increase to judge.
  world.addBase({ energyWh: 0.000001 });
});
afterAll(async () => world.stop());

describe.concurrent("budgets", () => {
  it.each([
    ["energy", { "budget-energy": "1 J" }, /^Energy \S+ \S+ is over the 0.278 mWh budget \(\+\S+ %\)$/],
    [
      "emissions",
      { "budget-emissions": "0.001 mg" },
      /^Emissions .+ CO2e is over the .+ CO2e budget \(\+\S+ %\)$/,
    ],
    ["duration", { "budget-duration": "100ms" }, /^Duration .+ is over the 100 ms budget \(\+\S+ %\)$/],
    [
      "max-increase",
      { "max-increase": "1%" },
      /^Energy \+\S+ % vs base is over the 1\.0 % max-increase budget$/,
    ],
  ])("a %s breach fails the step with one line and an annotation", async (_kind, inputs, message) => {
    const { post } = await measuredJob(world.job(), { ...inputs, comment: "never" });
    expect(post.code).toBe(1);
    expect(post.outputs["over-budget"]).toBe("true");
    // one annotation: the step's failure message, a single line (not an error annotation and then the same
    // text again as the failure)
    expect(post.errors).toHaveLength(1);
    expect(post.errors[0]).toMatch(message);
    // the report still exists for a failed budget
    expect(post.outputs["report-path"]).toBeTruthy();
  });

  it("two breaches: two annotations, one each, and the step fails", async () => {
    const { post } = await measuredJob(world.job(), {
      "budget-energy": "1 J",
      "budget-duration": "100ms",
      comment: "never",
    });
    expect(post.code).toBe(1);
    expect(post.errors).toHaveLength(2);
    expect(post.errors[0]).toMatch(/^Energy .+ is over the 0.278 mWh budget/);
    expect(post.errors[1]).toMatch(/^Duration .+ is over the 100 ms budget/);
  });

  it("fail-on-budget: false only warns, with the same line, and the step passes", async () => {
    const { post } = await measuredJob(world.job(), {
      "budget-energy": "1 J",
      "fail-on-budget": "false",
      comment: "never",
    });
    expect(post.code).toBe(0);
    expect(post.errors).toEqual([]);
    expect(post.outputs["over-budget"]).toBe("true");
    expect(post.warnings.filter((w) => /^Energy .+ is over the 0.278 mWh budget/.test(w))).toHaveLength(1);
  });
});
