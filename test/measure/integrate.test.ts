import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { counterDeltaUj, EnergyIntegrator, integrateEnergy } from "../../src/measure/integrate.js";
import type { PowerModels } from "../../src/measure/power-model.js";
import type { SamplesFileLine } from "../../src/measure/samples.js";

/** A CPU model that draws exactly 100 W × util (±10 %), memory 2 W (±1 W): easy to integrate by hand. */
const models: PowerModels = {
  cpu: {
    powerW: (u) => ({ w: 100 * u, lowW: 90 * u, highW: 110 * u }),
    detail: "linear test model",
    provenance: "modelled",
  },
  memory: { w: 2, lowW: 1, highW: 3, detail: "test memory" },
  other: null,
};

const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);
const meta = (raplMaxUj?: Record<string, number>): SamplesFileLine => ({
  t: "meta",
  v: 1,
  startMs: T0,
  intervalMs: 1_000,
  ...(raplMaxUj ? { raplMaxUj } : {}),
});

function constantTrace(seconds: number, util: number, gpuW?: number[]): SamplesFileLine[] {
  const lines: SamplesFileLine[] = [meta()];
  for (let i = 0; i <= seconds; i++) {
    lines.push({
      t: "s",
      ts: T0 + i * 1_000,
      cpu: i === 0 ? null : util,
      ...(gpuW ? { gpu: gpuW.map((w, idx) => ({ i: idx, w, u: 0.5, mem: 100 })) } : {}),
    });
  }
  return lines;
}

describe("integrateEnergy", () => {
  it("constant power P for T seconds gives P·T", () => {
    const result = integrateEnergy(constantTrace(3_600, 0.5, [300, 300]), { models });
    const [phase] = result.phases;
    const byComponent = Object.fromEntries(phase!.components.map((c) => [c.component, c]));
    expect(byComponent.cpu!.energyWh).toBeCloseTo(50, 9); // 50 W × 1 h
    expect(byComponent.gpu!.energyWh).toBeCloseTo(600, 9); // 2 × 300 W × 1 h
    expect(byComponent.memory!.energyWh).toBeCloseTo(2, 9);
    expect(result.energyWh).toBeCloseTo(652, 9);
    expect(result.durationS).toBe(3_600);
    expect(result.samples).toBe(3_601);
    expect(byComponent.cpu!.lowWh).toBeCloseTo(45, 9);
    expect(byComponent.cpu!.highWh).toBeCloseTo(55, 9);
    expect(byComponent.gpu!.method).toBe("nvidia-smi");
    expect(byComponent.gpu!.provenance).toBe("measured");
    expect(byComponent.gpu!.peakPowerW).toBe(600);
    expect(phase!.meanCpuUtil).toBeCloseTo(0.5, 12);
  });

  it("uses the trapezoid rule for GPU power ramps", () => {
    const lines: SamplesFileLine[] = [
      meta(),
      { t: "s", ts: T0, cpu: null, gpu: [{ i: 0, w: 0, u: 0, mem: 0 }] },
      { t: "s", ts: T0 + 1_000, cpu: 0, gpu: [{ i: 0, w: 100, u: 1, mem: 0 }] },
    ];
    const gpu = integrateEnergy(lines, { models }).phases[0]!.components.find((c) => c.component === "gpu")!;
    expect(gpu.energyWh * 3_600).toBeCloseTo(50, 9); // (0 + 100) / 2 W × 1 s
  });

  it("splits an interval at a phase marker and stays additive", () => {
    const lines = constantTrace(10, 1);
    lines.splice(6, 0, { t: "phase", ts: T0 + 4_500, name: "eval" });
    const result = integrateEnergy(lines, { models });
    expect(result.phases.map((p) => p.name)).toEqual(["run", "eval"]);
    const cpu = (i: number) =>
      result.phases[i]!.components.find((c) => c.component === "cpu")!.energyWh * 3_600;
    expect(cpu(0)).toBeCloseTo(450, 9);
    expect(cpu(1)).toBeCloseTo(550, 9);
    expect(result.phases[0]!.durationS).toBeCloseTo(4.5, 9);
    expect(result.phases[1]!.durationS).toBeCloseTo(5.5, 9);
    const whole = integrateEnergy(constantTrace(10, 1), { models });
    expect(result.energyWh).toBeCloseTo(whole.energyWh, 12);
  });

  it("takes exact RAPL differences across a wraparound and skips the memory model when dram is measured", () => {
    const max = 262_143_328_850;
    const lines: SamplesFileLine[] = [
      meta({ "package-0": max, "dram-0": max }),
      { t: "s", ts: T0, cpu: null, rapl: { "package-0": max - 10_000_000, "dram-0": 5 } },
      { t: "s", ts: T0 + 1_000, cpu: 0.2, rapl: { "package-0": 40_000_000, "dram-0": 2_000_005 } },
    ];
    const result = integrateEnergy(lines, { models });
    const components = result.phases[0]!.components;
    expect(components.map((c) => c.component)).toEqual(["cpu"]);
    expect(components[0]!.method).toBe("rapl");
    expect(components[0]!.energyWh * 3_600).toBeCloseTo(52, 9); // 50 J package + 2 J dram
  });

  it("never produces negative energy from a counter that goes backwards without a known range", () => {
    expect(counterDeltaUj(100, 50, undefined)).toBeNull();
    expect(counterDeltaUj(100, 50, 1_000)).toBe(950);
    const result = integrateEnergy(
      [
        meta(),
        { t: "s", ts: T0, cpu: null, rapl: { "package-0": 100 } },
        { t: "s", ts: T0 + 1_000, cpu: 0.1, rapl: { "package-0": 50 } },
      ],
      { models },
    );
    expect(result.energyWh).toBeGreaterThanOrEqual(0);
    expect(result.warnings.join(" ")).toMatch(/went backwards/);
  });

  it("records a gap instead of inventing power across it", () => {
    const lines: SamplesFileLine[] = [
      meta(),
      { t: "s", ts: T0, cpu: null },
      { t: "s", ts: T0 + 1_000, cpu: 1 },
      { t: "s", ts: T0 + 61_000, cpu: 1 }, // 60 s without samples
      { t: "s", ts: T0 + 62_000, cpu: 1 },
    ];
    const result = integrateEnergy(lines, { models });
    const phase = result.phases[0]!;
    expect(phase.gaps).toHaveLength(1);
    expect(phase.gaps[0]!.durationS).toBe(60);
    expect(phase.components.find((c) => c.component === "cpu")!.energyWh * 3_600).toBeCloseTo(200, 9);
    expect(result.durationS).toBe(62);
  });

  it("keeps gaps reported by sources and warnings", () => {
    const integrator = new EnergyIntegrator({ models, defaultPhase: "train" });
    for (const line of constantTrace(3, 0.5)) integrator.push(line);
    integrator.push({
      t: "gap",
      ts: T0 + 3_500,
      source: "nvidia-smi",
      reason: "nvidia-smi exited with code 1",
    });
    integrator.push({ t: "warn", ts: T0 + 3_500, message: "GPU measurement stopped" });
    integrator.push({ t: "s", ts: T0 + 4_000, cpu: 0.5 });
    integrator.push({ t: "end", ts: T0 + 4_200 });
    const result = integrator.finish();
    expect(result.phases[0]!.name).toBe("train");
    expect(result.phases[0]!.gaps[0]).toMatchObject({ source: "nvidia-smi", atS: 3.5 });
    expect(result.warnings).toEqual(["GPU measurement stopped"]);
    expect(result.durationS).toBeCloseTo(4.2, 9);
  });

  it("says so when nothing was recorded", () => {
    const result = integrateEnergy([meta()], { models });
    expect(result.energyWh).toBe(0);
    expect(result.warnings[0]).toMatch(/no samples/);
  });
});

describe("counterDeltaUj (RAPL wraparound)", () => {
  it("is the plain difference without a wrap, and one wrap at max_energy_range_uj", () => {
    expect(counterDeltaUj(1_000, 4_500, 262143328850)).toBe(3_500);
    expect(counterDeltaUj(7, 7, 100)).toBe(0);
    // 300 J before the wrap and 200 J after it
    expect(counterDeltaUj(262143328850 - 300_000_000, 200_000_000, 262143328850)).toBe(500_000_000);
  });

  it("recovers the true energy of any single-wrap interval", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (max, startFraction, energyFraction) => {
          const prev = Math.floor(startFraction * max) % max;
          const energy = Math.floor(energyFraction * max);
          const next = (prev + energy) % max;
          expect(counterDeltaUj(prev, next, max)).toBe(energy);
        },
      ),
    );
  });

  it("refuses a decrease it cannot explain (no known range, or a reading above it)", () => {
    expect(counterDeltaUj(100, 50, undefined)).toBeNull();
    expect(counterDeltaUj(2_000, 50, 1_000)).toBeNull();
  });
});
