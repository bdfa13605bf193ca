import { describe, expect, it } from "vitest";
import { stepCounter } from "../../src/measure/gpu-counter.js";

describe("NVML counter state per GPU", () => {
  it("counts mJ from the first reading; a decrease is a reset (null, then counting afresh)", () => {
    const a = stepCounter(undefined, 5_000_000, 0);
    expect(a).toMatchObject({ kind: "value", eMj: 0 });
    const b = stepCounter(a.kind === "value" ? a.track : undefined, 5_000_400, 0);
    expect(b).toMatchObject({ kind: "value", eMj: 400 });
    const c = stepCounter(b.kind === "value" ? b.track : undefined, 10, 0);
    expect(c).toMatchObject({ kind: "reset", eMj: null, fromMj: 5_000_400, toMj: 10 });
    const d = stepCounter(c.kind === "reset" ? c.track : undefined, 70, 0);
    expect(d).toMatchObject({ kind: "value", eMj: 60 });
  });

  it("an error first is 'unsupported'; an error after it worked is 'failed'", () => {
    expect(stepCounter(undefined, null, 3)).toEqual({ kind: "unsupported", code: 3 });
    expect(stepCounter({ baseMj: 1, lastRawMj: 2 }, null, 15)).toEqual({ kind: "failed", code: 15 });
  });
});
