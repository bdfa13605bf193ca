import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/model/units.js";
import {
  CCF_MAX_WATTS_PER_VCPU,
  CCF_MIN_WATTS_PER_VCPU,
  CPU_POWER_TABLE,
  buildCpuPowerModel,
  MICROARCHITECTURES,
  findCpuSpec,
  findMicroarchitecture,
  teadsFraction,
  type CpuId,
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
  it("gives a GitHub-hosted 4-vCPU EPYC 7763 runner CCF's EPYC 3rd Gen watts (its generation), ±25 % as a named part", () => {
    const model = buildCpuPowerModel({ brand: "AMD EPYC 7763 64-Core Processor", threads: 4 });
    expect(model.provenance).toBe("modelled");
    expect(model.powerW(0).w).toBeCloseTo(4 * 0.45, 10);
    expect(model.powerW(1).w).toBeCloseTo(4 * 2.02, 10);
    const half = model.powerW(0.5);
    expect(half.w).toBeCloseTo(4 * (0.45 + 0.5 * 1.57), 10);
    expect(half.lowW).toBeCloseTo(half.w * 0.75, 10);
    expect(half.highW).toBeCloseTo(Math.max(half.w * 1.25, half.w + 4 * 0.45), 10);
    // CCF's memory rule (one chip = 96 vCPUs): 4 × 128 / 96 GB already in these watts
    expect(model.includedMemoryGB).toBeCloseTo((4 * 128) / 96, 10);
    expect(model.detail).toMatch(
      /AMD EPYC 7763, AMD Zen 3 \(EPYC 7003 Milan\) \(CPU table\): 0\.45–2\.02 W per vCPU/,
    );
  });

  it("one answer per machine: the brand string and CPUID alone give the same watts for every CPU-table part with CCF figures", () => {
    const ids: Record<string, CpuId> = {
      "AMD EPYC 7763": { vendor: "AuthenticAMD", family: 25, model: 1 },
      "AMD EPYC 9V74": { vendor: "AuthenticAMD", family: 25, model: 0x11 },
      "AMD EPYC 7V12": { vendor: "AuthenticAMD", family: 23, model: 0x31 },
      "Intel Xeon Platinum 8370C": { vendor: "GenuineIntel", family: 6, model: 0x6a },
      "Intel Xeon Platinum 8480+": { vendor: "GenuineIntel", family: 6, model: 0x8f },
      "Intel Xeon Platinum 8272CL": { vendor: "GenuineIntel", family: 6, model: 0x55 },
    };
    for (const [part, cpuId] of Object.entries(ids)) {
      const named = buildCpuPowerModel({ brand: part, threads: 4 });
      const byId = buildCpuPowerModel({ brand: part.split(" ").slice(0, 2).join(" "), threads: 4, cpuId });
      for (const util of [0, 0.1, 0.5, 1]) {
        const a = named.powerW(util);
        const b = byId.powerW(util);
        expect({ part, util, within5: Math.abs(a.w - b.w) / b.w <= 0.05 }).toEqual({
          part,
          util,
          within5: true,
        });
        expect(a.w).toBeGreaterThanOrEqual(b.lowW);
        expect(a.w).toBeLessThanOrEqual(b.highW);
        expect(b.w).toBeGreaterThanOrEqual(a.lowW);
        expect(b.w).toBeLessThanOrEqual(a.highW);
      }
      expect(Math.abs((named.includedMemoryGB ?? 0) - (byId.includedMemoryGB ?? 0))).toBeLessThan(0.5);
    }
  });

  it("keeps the TDP curve for table parts CCF has no figures for (Apple)", () => {
    const model = buildCpuPowerModel({ brand: "Apple M1 (Virtual)", threads: 3 });
    expect(model.powerW(0.5).w).toBeCloseTo(((20 * 3) / 8) * 0.75, 10);
    expect(model.detail).toMatch(/Teads curve.*CCF has no figures/);
    expect(model.includedMemoryGB).toBe(0);
  });

  it("scales past one package for multi-socket machines (no cap at one TDP)", () => {
    const model = buildCpuPowerModel({ brand: "AMD EPYC 9654 96-Core Processor", threads: 384 });
    expect(model.powerW(1).w).toBeCloseTo(384 * 2.282, 8);
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

  it("scales a package TDP by the vCPU share when the package size is given (--cpu-tdp 280 on 2 of 128 threads)", () => {
    const model = buildCpuPowerModel({
      brand: "Some CPU",
      threads: 2,
      overrides: { tdpW: 280, packageThreads: 128 },
    });
    expect(model.powerW(0.5).w).toBeCloseTo(((280 * 2) / 128) * 0.75, 10);
    expect(model.detail).toMatch(
      /package TDP 280 W \(user override\) x 2\/128 threads \(package threads given\)/,
    );
    expect(model.includedMemoryGB).toBe(0);
  });

  it("takes the package size of a TDP override from the CPUID generation when the brand has no model number", () => {
    const model = buildCpuPowerModel({
      brand: "AMD EPYC",
      threads: 4,
      cpuId: { vendor: "AuthenticAMD", family: 25, model: 1 },
      overrides: { tdpW: 280 },
    });
    expect(model.powerW(1).w).toBeCloseTo(((280 * 4) / 128) * 1.02, 10);
    expect(model.detail).toMatch(/Zen 3 \(EPYC 7003 Milan\)/);
  });

  it("rejects a package smaller than the job's vCPUs by using the job's count, and bad package sizes", () => {
    const model = buildCpuPowerModel({ brand: "x", threads: 8, overrides: { tdpW: 100, packageThreads: 4 } });
    expect(model.powerW(1).w).toBeCloseTo(100 * 1.02, 10);
    for (const bad of [0, 1.5, -2, 5_000, Number.NaN]) {
      expect(() =>
        buildCpuPowerModel({ brand: "x", threads: 1, overrides: { tdpW: 100, packageThreads: bad } }),
      ).toThrow(/CPU threads per package/);
    }
  });

  it('maps "AMD EPYC" with family 25 model 1 to Zen 3 Milan and CCF\'s EPYC 3rd Gen watts, with the memory they include', () => {
    const model = buildCpuPowerModel({
      brand: "AMD EPYC",
      threads: 4,
      cpuId: { vendor: "AuthenticAMD", family: 25, model: 1 },
    });
    expect(model.provenance).toBe("modelled");
    // AZURE_CLOUD_CONSTANTS (azure@1.8.0): AMD_EPYC_3RD_GEN min 0.45, max 2.02 W per vCPU, 128 GB per chip
    expect(model.powerW(0).w).toBeCloseTo(4 * 0.45, 10);
    expect(model.powerW(1).w).toBeCloseTo(4 * 2.02, 10);
    expect(model.powerW(0.5).lowW / model.powerW(0.5).w).toBeCloseTo(0.65, 10);
    expect(model.powerW(0.5).highW).toBeCloseTo(model.powerW(0.5).w + 4 * 0.45, 10); // one idle draw above
    expect(model.includedMemoryGB).toBeCloseTo((4 * 128) / 96, 10);
    expect(model.detail).toMatch(
      /AMD EPYC \(AMD Zen 3 \(EPYC 7003 Milan\) by CPUID family\/model: AMD PPR 55898/,
    );
  });

  it("maps Linux arm64 cores to CCF's Graviton figures where CCF has them (Neoverse N1/V1/V2)", () => {
    for (const [part, name] of [
      [0xd0c, /Graviton2/],
      [0xd40, /Graviton3/],
      [0xd4f, /Graviton4/],
    ] as const) {
      const model = buildCpuPowerModel({
        brand: "Neoverse",
        threads: 2,
        cpuId: { vendor: "ARM", family: 0x41, model: part },
      });
      expect(model.provenance).toBe("modelled");
      expect(model.powerW(1).w).toBeCloseTo(2 * 1.693, 10);
      expect(model.detail).toMatch(name);
      expect(model.detail).toMatch(/EPYC 2nd Gen figures/);
    }
  });

  it("maps Intel family 6 model 0x55 to Skylake/Cascade Lake (mean of CCF's two) and leaves unknown ids generic", () => {
    expect(findMicroarchitecture({ vendor: "GenuineIntel", family: 6, model: 0x55 })?.name).toMatch(
      /Skylake/,
    );
    const intel = buildCpuPowerModel({
      brand: "Intel Xeon Processor",
      threads: 2,
      cpuId: { vendor: "GenuineIntel", family: 6, model: 85 },
    });
    expect(intel.powerW(1).w).toBeCloseTo(2 * ((4.26 + 3.97) / 2), 10);
    // Zen 5 (family 26) is not in the map: generic CCF average, still flagged assumed
    const zen5 = buildCpuPowerModel({
      brand: "AMD EPYC",
      threads: 2,
      cpuId: { vendor: "AuthenticAMD", family: 26, model: 2 },
    });
    expect(zen5.provenance).toBe("assumed");
    expect(zen5.powerW(1).w).toBeCloseTo(2 * CCF_MAX_WATTS_PER_VCPU, 10);
    expect(zen5.includedMemoryGB).toBeCloseTo((2 * 80.69) / 96, 10);
    // a known generation without CCF figures is named, then generic (Arm Neoverse N2)
    const n2 = buildCpuPowerModel({
      brand: "Neoverse-N2",
      threads: 2,
      cpuId: { vendor: "ARM", family: 0x41, model: 0xd49 },
    });
    expect(n2.provenance).toBe("assumed");
    expect(n2.detail).toMatch(/Neoverse N2.*CCF has no figures.*generic range/);
    // Ice Lake now has CCF's 2026 figures
    const ice = buildCpuPowerModel({
      brand: "Intel Xeon",
      threads: 2,
      cpuId: { vendor: "GenuineIntel", family: 6, model: 0x6a },
    });
    expect(ice.provenance).toBe("modelled");
    expect(ice.powerW(1).w).toBeCloseTo(2 * 3.758, 10);
    expect(ice.detail).toMatch(/ccf-coefficients@b0032d9/);
  });

  it("names a source for every microarchitecture and its family/model", () => {
    for (const arch of MICROARCHITECTURES) {
      expect(arch.idSource).toMatch(/PPR|intel-family\.h|WikiChip|lscpu-arm\.c|CPU table only/);
      if (arch.ccf)
        expect(arch.ccf.source).toMatch(/@cloud-carbon-footprint\/(azure|aws)@|ccf-coefficients@b0032d9/);
      if (arch.models.length === 0)
        expect(CPU_POWER_TABLE.some((s) => s.generation === arch.name)).toBe(true);
    }
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
