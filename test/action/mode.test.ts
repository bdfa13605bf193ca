// chooseStep (src/action/mode.ts) is the one place that decides which step runs; and the inputs that
// make a finish step: `finish: true` with `run:` or outside measure mode is an input error, never guessed.
import { describe, expect, it } from "vitest";
import { chooseStep, type StepFacts } from "../../src/action/mode.js";
import { getActionConfig, NETWORK_TIMEOUT_DEFAULT_S } from "../../src/action/inputs.js";
import { InputError } from "../../src/model/units.js";

const facts = (over: Partial<StepFacts> = {}): StepFacts => ({
  mode: "measure",
  finish: false,
  ownsMeasurement: false,
  jobFinished: false,
  ...over,
});

describe("chooseStep", () => {
  it("measure: every main step measures or marks a phase; a finish step finishes", () => {
    expect(chooseStep("main", facts())).toBe("main");
    expect(chooseStep("main", facts({ ownsMeasurement: true }))).toBe("main");
    expect(chooseStep("main", facts({ finish: true }))).toBe("finish");
  });

  it("measure, post: the owner reports unless a finish step did; then it only cleans up", () => {
    expect(chooseStep("post", facts({ ownsMeasurement: true }))).toBe("post");
    expect(chooseStep("post", facts({ ownsMeasurement: true, jobFinished: true }))).toBe("cleanup");
    expect(chooseStep("post", facts())).toBeNull();
    expect(chooseStep("post", facts({ jobFinished: true }))).toBeNull();
    // the finish step never owns the sampler: its own post step does nothing
    expect(chooseStep("post", facts({ finish: true, jobFinished: true }))).toBeNull();
  });

  it("report and publish run in the post step only", () => {
    for (const mode of ["report", "publish"] as const) {
      expect(chooseStep("main", facts({ mode }))).toBeNull();
      expect(chooseStep("post", facts({ mode }))).toBe(mode);
      expect(chooseStep("post", facts({ mode, ownsMeasurement: true, jobFinished: true }))).toBe(mode);
    }
  });
});

describe("finish and network-timeout inputs", () => {
  const config = (inputs: Record<string, string>) => getActionConfig((name) => inputs[name] ?? "");
  const error = (inputs: Record<string, string>): string => {
    try {
      config(inputs);
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as Error).message;
    }
    throw new Error("no error");
  };

  it("defaults: not a finish step, 60 s network bound", () => {
    expect(config({})).toMatchObject({ finish: false, networkTimeoutS: NETWORK_TIMEOUT_DEFAULT_S });
    expect(config({ finish: "true", "network-timeout": " 2 " })).toMatchObject({
      finish: true,
      networkTimeoutS: 2,
    });
  });

  it("finish with run: is an input error that says where the command goes", () => {
    expect(error({ finish: "true", run: "python train.py" })).toBe(
      'finish: "true" cannot be combined with run; the finish step ends the measurement an earlier footprint step started (put the command in a step before it)',
    );
  });

  it("finish outside measure mode is an input error", () => {
    expect(error({ finish: "true", mode: "report" })).toBe(
      'finish: "true" applies to mode: measure only (this step has mode: report); remove one of them',
    );
  });
});
