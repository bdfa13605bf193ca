// withStartingInputs (src/action/steps/finish.ts): a finish step's inputs over the starting step's.
import { describe, expect, it } from "vitest";
import { getActionConfig } from "../../src/action/inputs.js";
import type { StartingInputs } from "../../src/action/state.js";
import { withStartingInputs } from "../../src/action/steps/finish.js";

const config = (inputs: Record<string, string>) =>
  getActionConfig((name) => ({ finish: "true", ...inputs })[name] ?? "");

const start: StartingInputs = {
  budgets: { energyWh: 100, durationS: 60 },
  failOnBudget: false,
  key: "nightly",
  matrix: { model: "small" },
  region: "FR",
  carbonIntensityGPerKWh: null,
  pue: 1.2,
  cpu: { tdpW: 280, threadsPerPackage: null, wattsPerVcpu: null },
};

describe("a finish step's inputs over the starting step's", () => {
  it("empty inputs come from the starting step; its budgets and fail-on-budget apply", () => {
    const merged = withStartingInputs(config({}), start);
    expect(merged).toMatchObject({
      budgets: { energyWh: 100, durationS: 60 },
      failOnBudget: false,
      key: "nightly",
      matrix: { model: "small" },
      region: "FR",
      pue: 1.2,
      cpu: { tdpW: 280, threadsPerPackage: null, wattsPerVcpu: null },
    });
  });

  it("the finish step's own values win; its budgets add, with its fail-on-budget", () => {
    const merged = withStartingInputs(
      config({ key: "release", region: "DE", "budget-energy": "50 Wh", "max-increase": "10%" }),
      start,
    );
    expect(merged.key).toBe("release");
    expect(merged.region).toBe("DE");
    expect(merged.budgets).toEqual({ energyWh: 50, durationS: 60, maxIncreasePercent: 10 });
    expect(merged.failOnBudget).toBe(true);
  });

  it("nothing recorded (the starting step could not record): the finish step's inputs alone", () => {
    const own = config({ "budget-energy": "5 Wh" });
    expect(withStartingInputs(own, null)).toEqual(own);
  });
});
