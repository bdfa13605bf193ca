import { describe, expect, it } from "vitest";
import { CURVE_RANGE_FRACTION, buildCpuPowerModel } from "../../src/measure/cpu-power.js";
import { OTHER_MODELS, RUNNER_BRAND, RUNNER_VCPUS, compareCpuModels } from "./cpu-model-figures.js";

const byName = (prefix: string) => {
  const model = OTHER_MODELS.find((m) => m.name.startsWith(prefix));
  if (!model) throw new Error(`no model named ${prefix}`);
  return model;
};

describe("our range against them", () => {
  it("the runner's brand string is in our CPU table (the comparison is of the EPYC 7763 model, not the generic one)", () => {
    expect(buildCpuPowerModel({ brand: RUNNER_BRAND, threads: RUNNER_VCPUS }).detail).toMatch(/EPYC 7763/);
  });

  const rows = compareCpuModels();

  it("contains every CPU-specific, utilization-aware model at every point of the trace", () => {
    for (const row of rows)
      for (const other of row.others.filter((o) => o.mustContain))
        expect({ util: row.util, model: other.name, inRange: other.inRange }).toEqual({
          util: row.util,
          model: other.name,
          inRange: true,
        });
  });

  it("needed the high margin: ±25 % alone would miss Eco CI at 10 %", () => {
    const ten = rows[1];
    if (!ten) throw new Error("trace too short");
    expect(byName("Eco CI").watts[1]).toBeGreaterThan(ten.ours.w * (1 + CURVE_RANGE_FRACTION));
    // the margin is one idle draw: 4 vCPUs × CCF's 0.45 W
    expect(ten.ours.highW).toBeCloseTo(ten.ours.w + 4 * 0.45, 10);
  });

  it("is CCF's EPYC 3rd Gen figure itself (one answer per machine: CCF wins over the TDP curve)", () => {
    for (const row of rows)
      expect(byName("CCF, AMD EPYC").watts[rows.indexOf(row)]).toBeCloseTo(row.ours.w, 10);
  });

  it("says honestly which models it does not contain: the generic CCF average and CodeCarbon's constant", () => {
    const outside = new Set(rows.flatMap((row) => row.others.filter((o) => !o.inRange).map((o) => o.name)));
    expect([...outside].sort()).toEqual([
      "CCF, Azure average",
      "CodeCarbon constant, 4/128 share",
      "Teads curve on the TDP share",
    ]);
  });
});
