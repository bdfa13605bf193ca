import { describe, expect, it } from "vitest";
import {
  CURVE_HIGH_MARGIN_OF_TDP,
  CURVE_RANGE_FRACTION,
  buildCpuPowerModel,
} from "../../src/measure/cpu-power.js";
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

  it("needed the high margin: ±25 % alone would miss Eco CI and CCF at 0 % and Eco CI at 10 %", () => {
    const idle = rows[0];
    const ten = rows[1];
    if (!idle || !ten) throw new Error("trace too short");
    const plain = (w: number) => w * (1 + CURVE_RANGE_FRACTION);
    expect(byName("Eco CI").watts[0]).toBeGreaterThan(plain(idle.ours.w));
    expect(byName("CCF, AMD EPYC").watts[0]).toBeGreaterThan(plain(idle.ours.w));
    expect(byName("Eco CI").watts[1]).toBeGreaterThan(plain(ten.ours.w));
    expect(idle.ours.highW).toBeCloseTo(idle.ours.w + CURVE_HIGH_MARGIN_OF_TDP * ((280 * 4) / 128), 10);
  });

  it("keeps the range from being wider than it has to be above 25 % (the plain ±25 % applies there)", () => {
    for (const row of rows.filter((r) => r.util >= 0.25)) {
      expect(row.ours.highW).toBeCloseTo(row.ours.w * (1 + CURVE_RANGE_FRACTION), 10);
      expect(row.ours.lowW).toBeCloseTo(row.ours.w * (1 - CURVE_RANGE_FRACTION), 10);
    }
  });

  it("says honestly which models it does not contain: the generic CCF average and CodeCarbon's constant", () => {
    const outside = new Set(rows.flatMap((row) => row.others.filter((o) => !o.inRange).map((o) => o.name)));
    expect([...outside].sort()).toEqual(["CCF, Azure average", "CodeCarbon constant, 4/128 share"]);
  });
});
