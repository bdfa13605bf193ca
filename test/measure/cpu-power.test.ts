import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/model/units.js";
import {
  CCF_MAX_WATTS_PER_VCPU,
  CCF_MIN_WATTS_PER_VCPU,
  CPU_POWER_TABLE,
  buildCpuPowerModel,
  findCpuSpec,
  teadsFraction,
} from "../../src/measure/cpu-power.js";

describe("teadsFraction", () => {
  it("passes through the curve's points and is linear between them", () => {
    expect(teadsFraction(0)).toBeCloseTo(0.12, 12);
    expect(teadsFraction(0.1)).toBeCloseTo(0.32, 12);
    expect(teadsFraction(0.5)).toBeCloseTo(0.75, 12);
    expect(teadsFraction(1)).toBeCloseTo(1.02, 12);
    expect(teadsFraction(0.3)).toBeCloseTo((0.32 + 0.75) / 2, 12);
    expect(teadsFraction(0.75)).toBeCloseTo((0.75 + 1.02) / 2, 12);
  });

  it("clamps outside 0..1 and never decreases", () => {
    expect(teadsFraction(-1)).toBeCloseTo(0.12, 12);
    expect(teadsFraction(2)).toBeCloseTo(1.02, 12);
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(teadsFraction(lo)).toBeLessThanOrEqual(teadsFraction(hi) + 1e-12);
        },
      ),
    );
  });
});

describe("CPU_POWER_TABLE", () => {
  it("covers the CPUs of GitHub-hosted runners and common cloud hosts, each with a source", () => {
    const names = CPU_POWER_TABLE.map((spec) => spec.name);
    for (const model of [
      "7763",
      "9V74",
      "7V12",
      "9554",
      "9654",
      "8370C",
      "8272CL",
      "8171M",
      "8259CL",
      "8375C",
      "8480+",
      "M1",
      "M2",
    ]) {
      expect(names.some((name) => name.includes(model))).toBe(true);
    }
    for (const spec of CPU_POWER_TABLE) {
      expect(spec.source.length).toBeGreaterThan(10);
      expect(spec.threads).toBeGreaterThanOrEqual(spec.cores);
      expect(spec.tdpW).toBeGreaterThan(0);
    }
  });

  it.each([
    ["AMD EPYC 7763 64-Core Processor", "AMD EPYC 7763"],
    ["Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz", "Intel Xeon Platinum 8370C"],
    ["Intel Xeon® Platinum 8272CL CPU @ 2.60GHz", "Intel Xeon Platinum 8272CL"],
    ["Intel(R) Xeon(R) Platinum 8480+", "Intel Xeon Platinum 8480+"],
    ["Intel(R) Xeon(R) Platinum 8480C", "Intel Xeon Platinum 8480+"],
    ["AMD EPYC 9V74 80-Core Processor", "AMD EPYC 9V74"],
    ["Apple M1 (Virtual)", "Apple M1"],
    ["Apple M2", "Apple M2"],
  ])("matches %j", (brand, name) => {
    expect(findCpuSpec(brand)?.name).toBe(name);
  });

  it.each([
    "Apple M1 Pro",
    "Apple M2 Max",
    "AMD EPYC 77631",
    "Intel Xeon Platinum 8370",
    "Intel Xeon Processor",
    "",
  ])("does not match %j", (brand) => {
    expect(findCpuSpec(brand)).toBeNull();
  });
});

describe("buildCpuPowerModel", () => {
  it("gives a GitHub-hosted 4-vCPU EPYC 7763 runner its TDP share on the curve", () => {
    const model = buildCpuPowerModel({ brand: "AMD EPYC 7763 64-Core Processor", threads: 4 });
    const share = (280 * 4) / 128; // 8.75 W
    expect(model.provenance).toBe("modelled");
    expect(model.powerW(0).w).toBeCloseTo(share * 0.12, 10);
    expect(model.powerW(1).w).toBeCloseTo(share * 1.02, 10);
    const half = model.powerW(0.5);
    expect(half.w).toBeCloseTo(share * 0.75, 10);
    expect(half.lowW).toBeCloseTo(half.w * 0.75, 10);
    expect(half.highW).toBeCloseTo(half.w * 1.25, 10);
    expect(model.detail).toMatch(/AMD EPYC 7763: TDP 280 W x 4\/128 threads on the Teads curve/);
  });

  it("scales past one package for multi-socket machines (no cap at one TDP)", () => {
    const model = buildCpuPowerModel({ brand: "AMD EPYC 9654 96-Core Processor", threads: 384 });
    expect(model.powerW(1).w).toBeCloseTo(2 * 360 * 1.02, 8);
  });

  it("uses CCF per-vCPU watts for an unknown CPU, flagged assumed, with a wider range", () => {
    const model = buildCpuPowerModel({ brand: "Intel Xeon Processor", threads: 2 });
    expect(model.provenance).toBe("assumed");
    expect(model.powerW(0).w).toBeCloseTo(2 * CCF_MIN_WATTS_PER_VCPU, 10);
    expect(model.powerW(1).w).toBeCloseTo(2 * CCF_MAX_WATTS_PER_VCPU, 10);
    const mid = model.powerW(0.5);
    expect(mid.w).toBeCloseTo(2 * (0.74 + 0.5 * (3.5 - 0.74)), 10);
    expect(mid.highW / mid.w).toBeCloseTo(1.5, 10);
    expect(mid.lowW / mid.w).toBeCloseTo(0.5, 10);
    expect(model.detail).toMatch(/not in the CPU table.*Cloud Carbon Footprint/);
  });

  it("lets a user TDP override the table", () => {
    const model = buildCpuPowerModel({ brand: "AMD EPYC 7763", threads: 4, overrides: { tdpW: 200 } });
    expect(model.powerW(1).w).toBeCloseTo(((200 * 4) / 128) * 1.02, 10);
    expect(model.detail).toMatch(/TDP 200 W \(user override\) x 4\/128/);
  });

  it("applies a TDP override for an unknown CPU to the whole visible CPU", () => {
    const model = buildCpuPowerModel({ brand: "Some CPU", threads: 16, overrides: { tdpW: 125 } });
    expect(model.provenance).toBe("modelled");
    expect(model.powerW(0.5).w).toBeCloseTo(125 * 0.75, 10);
  });

  it("prefers user watts per vCPU over everything, defaulting the unset bound to CCF", () => {
    const both = buildCpuPowerModel({
      brand: "AMD EPYC 7763",
      threads: 4,
      overrides: { tdpW: 999, minWattsPerVcpu: 1, maxWattsPerVcpu: 5 },
    });
    expect(both.powerW(0.25).w).toBeCloseTo(4 * 2, 10);
    expect(both.detail).toMatch(/1–5 W per vCPU \(user override\)/);
    const maxOnly = buildCpuPowerModel({ brand: "x", threads: 1, overrides: { maxWattsPerVcpu: 10 } });
    expect(maxOnly.powerW(0).w).toBeCloseTo(CCF_MIN_WATTS_PER_VCPU, 10);
  });

  it("rejects bad overrides with an InputError naming the value", () => {
    expect(() => buildCpuPowerModel({ brand: "x", threads: 1, overrides: { tdpW: 0 } })).toThrow(InputError);
    expect(() => buildCpuPowerModel({ brand: "x", threads: 1, overrides: { tdpW: Number.NaN } })).toThrow(
      /tdpW: NaN/,
    );
    expect(() =>
      buildCpuPowerModel({ brand: "x", threads: 1, overrides: { minWattsPerVcpu: 5, maxWattsPerVcpu: 2 } }),
    ).toThrow(/min 5 W is above max 2 W/);
    expect(() => buildCpuPowerModel({ brand: "x", threads: 0 })).toThrow(/threads: 0/);
  });

  it("clamps utilization into 0..1 and rejects non-finite values", () => {
    const model = buildCpuPowerModel({ brand: "AMD EPYC 7763", threads: 4 });
    expect(model.powerW(1.2).w).toBe(model.powerW(1).w);
    expect(() => model.powerW(Number.NaN)).toThrow(RangeError);
  });

  it("keeps low ≤ w ≤ high and power increasing in utilization for every table CPU", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CPU_POWER_TABLE.map((spec) => spec.name)),
        fc.integer({ min: 1, max: 256 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (brand, threads, util) => {
          const model = buildCpuPowerModel({ brand, threads });
          const p = model.powerW(util);
          expect(p.lowW).toBeLessThanOrEqual(p.w);
          expect(p.w).toBeLessThanOrEqual(p.highW);
          expect(model.powerW(Math.min(1, util + 0.01)).w).toBeGreaterThanOrEqual(p.w);
        },
      ),
    );
  });
});
