import { describe, expect, it } from "vitest";
import {
  CURVE_HIGH_MARGIN_OF_TDP,
  CURVE_RANGE_FRACTION,
  buildCpuPowerModel,
} from "../../src/measure/cpu-power.js";
import {
  CCF_AZURE_AVG_MAX_W,
  CCF_AZURE_AVG_MIN_W,
  CCF_EPYC3_MAX_W,
  CCF_EPYC3_MIN_W,
  CODECARBON_TDP_SHARE,
  OTHER_MODELS,
  RUNNER_BRAND,
  RUNNER_VCPUS,
  TRACE_UTIL,
  compareCpuModels,
} from "./cpu-model-figures.js";

const byName = (prefix: string) => {
  const model = OTHER_MODELS.find((m) => m.name.startsWith(prefix));
  if (!model) throw new Error(`no model named ${prefix}`);
  return model;
};

describe("published CPU models for the 4-vCPU EPYC 7763 runner (pinned facts)", () => {
  it("Eco CI's table for github_EPYC_7763_4_CPU_shared at 0/10/25/50/75/100 %", () => {
    const eco = byName("Eco CI").watts;
    [1.7586, 3.6172, 4.0576, 5.1641, 6.605, 8.1796].forEach((w, i) => expect(eco[i]).toBeCloseTo(w, 3));
  });

  it("Cloud Carbon Footprint's per-vCPU watts (Azure constants) and its linear formula", () => {
    expect([CCF_EPYC3_MIN_W, CCF_EPYC3_MAX_W]).toEqual([0.45, 2.02]);
    expect([CCF_AZURE_AVG_MIN_W, CCF_AZURE_AVG_MAX_W]).toEqual([0.74, 3.54]);
    const epyc = byName("CCF, AMD EPYC").watts;
    expect(epyc[0]).toBeCloseTo(4 * 0.45, 10);
    expect(epyc[3]).toBeCloseTo(4 * (0.45 + 0.5 * (2.02 - 0.45)), 10);
    expect(epyc[5]).toBeCloseTo(4 * 2.02, 10);
  });

  it("CodeCarbon's constant mode is half the TDP share at every utilization", () => {
    expect(CODECARBON_TDP_SHARE).toBe(0.5);
    expect(new Set(byName("CodeCarbon").watts)).toEqual(new Set([((280 * 4) / 128) * 0.5]));
  });

  it("the trace is 0, 10, 25, 50, 75, 100 % on the runner's brand string and vCPU count", () => {
    expect(TRACE_UTIL).toEqual([0, 0.1, 0.25, 0.5, 0.75, 1]);
    expect(RUNNER_VCPUS).toBe(4);
    expect(buildCpuPowerModel({ brand: RUNNER_BRAND, threads: RUNNER_VCPUS }).detail).toMatch(/EPYC 7763/);
  });
});

describe("our range against them", () => {
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
