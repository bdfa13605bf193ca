/**
 * The GPU edge rule (issue 12): a GPU's first reading is held back to the start, its last forward to the end,
 * and a stretch without readings inside the run is bridged; those device-seconds widen the range to
 * [0 W, power limit] so that it contains the truth for any power the GPU could have drawn.
 */
import { describe, expect, it } from "vitest";
import { integrateEnergy } from "../../src/measure/integrate.js";
import type { PowerModels } from "../../src/measure/power-model.js";
import type { GpuReading, SamplesFileLine } from "../../src/measure/samples.js";

const models: PowerModels = {
  cpu: { powerW: () => ({ w: 0, lowW: 0, highW: 0 }), detail: "zero", provenance: "modelled" },
  memory: { w: 0, lowW: 0, highW: 0, detail: "zero" },
  other: null,
};
const T0 = Date.UTC(2026, 10, 30, 9, 0, 0);
const hw = (limitW: number | null = 700): SamplesFileLine => ({
  t: "hw",
  ts: T0,
  gpus: [0, 1].map((index) => ({
    index,
    name: "NVIDIA H100 80GB HBM3",
    uuid: `GPU-${index}`,
    powerLimitW: limitW,
    memoryTotalMiB: 81559,
  })),
});
const g = (i: number, w: number): GpuReading => ({ i, w, u: 0.5, mem: 1 });

/** Samples every `stepMs` over [0, endMs], with GPU readings only where `has(i, t)` says so. */
function trace(
  endMs: number,
  stepMs: number,
  has: (i: number, t: number) => boolean,
  watts = [300, 150],
  limitW: number | null = 700,
): SamplesFileLine[] {
  const lines: SamplesFileLine[] = [
    { t: "meta", v: 1, startMs: T0, intervalMs: stepMs },
    hw(limitW),
    { t: "phase", ts: T0, name: "train" },
  ];
  for (let t = 0; t <= endMs; t += stepMs) {
    const gpu = watts.flatMap((w, i) => (has(i, t) ? [g(i, w)] : []));
    lines.push({ t: "s", ts: T0 + t, cpu: 0, ...(gpu.length ? { gpu } : {}) });
  }
  lines.push({ t: "end", ts: T0 + endMs });
  return lines;
}

const gpuOf = (lines: SamplesFileLine[]) => {
  const result = integrateEnergy(lines, { models });
  const parts = result.phases.flatMap((p) => p.components.filter((c) => c.component === "gpu"));
  const sum = (f: (c: (typeof parts)[number]) => number) => parts.reduce((s, c) => s + f(c), 0);
  return {
    result,
    joules: sum((c) => c.energyWh) * 3_600,
    lowJ: sum((c) => c.lowWh) * 3_600,
    highJ: sum((c) => c.highWh) * 3_600,
    heldS: sum((c) => c.heldS ?? 0),
    bridgedS: sum((c) => c.bridgedS ?? 0),
  };
};

describe("GPU edges of the power stream", () => {
  it("holds the first reading back to the start when the stream's first row comes late", () => {
    // Both GPUs appear only at t = 2 s of a 6 s run (a slow nvidia-smi start).
    const r = gpuOf(trace(6_000, 1_000, (_i, t) => t >= 2_000));
    expect(r.joules).toBeCloseTo(450 * 6, 6);
    expect(r.heldS).toBeCloseTo(4, 9); // 2 s × 2 GPUs
    expect(r.lowJ).toBeLessThanOrEqual(450 * 6);
    expect(r.highJ).toBeGreaterThanOrEqual(450 * 6);
    // The range covers any power from 0 W to the limit over the held seconds.
    expect(r.highJ).toBeGreaterThanOrEqual(450 * 4 + 700 * 4);
  });

  it("holds the last reading forward to the end", () => {
    const r = gpuOf(trace(6_000, 1_000, (_i, t) => t <= 4_000));
    expect(r.joules).toBeCloseTo(450 * 6, 6);
    expect(r.heldS).toBeCloseTo(4, 9);
  });

  it("covers a 6 s run at a 5 s interval (nothing lost at the edges)", () => {
    const lines = trace(5_000, 5_000, (_i, t) => t >= 5_000);
    lines.splice(lines.length - 1, 0, { t: "s", ts: T0 + 6_000, cpu: 0, gpu: [g(0, 300), g(1, 150)] });
    lines[lines.length - 1] = { t: "end", ts: T0 + 6_000 };
    const r = gpuOf(lines);
    expect(r.joules).toBeCloseTo(450 * 6, 6);
    expect(r.lowJ).toBeLessThanOrEqual(r.joules);
    expect(r.highJ).toBeGreaterThanOrEqual(r.joules);
  });

  it("bridges a stream restart, records it as a gap and widens the range", () => {
    // GPU 1 has no reading from 2 s to 4 s (its stream restarted).
    const r = gpuOf(trace(6_000, 1_000, (i, t) => i === 0 || t < 2_000 || t > 4_000));
    expect(r.joules).toBeCloseTo(450 * 6, 6);
    expect(r.bridgedS).toBeCloseTo(4, 9); // from its last reading at 1 s to the next at 5 s
    expect(r.heldS).toBe(0);
    const gaps = r.result.phases.flatMap((p) => p.gaps);
    expect(gaps).toEqual([
      expect.objectContaining({
        source: "nvidia-smi",
        atS: 1,
        durationS: 4,
        reason: expect.stringMatching(/GPU 1/),
      }),
    ]);
    // Truth anywhere between 0 W and 700 W over the bridged seconds stays inside the range.
    const known = 300 * 6 + 150 * 2;
    expect(r.lowJ).toBeLessThanOrEqual(known + 0 * 4);
    expect(r.highJ).toBeGreaterThanOrEqual(known + 700 * 4);
  });

  it("splits held seconds between phases by time", () => {
    const lines = trace(6_000, 1_000, (_i, t) => t >= 3_000);
    lines.splice(4, 0, { t: "phase", ts: T0 + 1_000, name: "eval" });
    const result = integrateEnergy(lines, { models });
    const perPhase = result.phases.map(
      (p) => p.components.filter((c) => c.component === "gpu").reduce((s, c) => s + c.energyWh, 0) * 3_600,
    );
    expect(result.phases.map((p) => p.name)).toEqual(["train", "eval"]);
    expect(perPhase[0]).toBeCloseTo(450, 6);
    expect(perPhase[1]).toBeCloseTo(450 * 5, 6);
  });

  it("warns that the high end may be short when the power limit is unknown", () => {
    const r = gpuOf(trace(6_000, 1_000, (_i, t) => t >= 2_000, [300, 150], null));
    expect(r.joules).toBeCloseTo(450 * 6, 6);
    expect(r.result.warnings.join(" ")).toMatch(/without a known power limit/);
  });
});

describe("GPU power across a sampler pause", () => {
  it("bridges a GPU's sampled power across a pause of the sampler and widens the range", () => {
    const lines: SamplesFileLine[] = [
      { t: "meta", v: 1, startMs: T0, intervalMs: 1_000 },
      hw(),
      { t: "s", ts: T0, cpu: 0, gpu: [g(0, 300)] },
      { t: "s", ts: T0 + 1_000, cpu: 0, gpu: [g(0, 300)] },
      { t: "s", ts: T0 + 11_000, cpu: 0, gpu: [g(0, 300)] }, // the sampler was starved for 10 s
      { t: "s", ts: T0 + 12_000, cpu: 0, gpu: [g(0, 300)] },
      { t: "end", ts: T0 + 12_000 },
    ];
    const r = gpuOf(lines);
    expect(r.joules).toBeCloseTo(300 * 12, 6);
    expect(r.bridgedS).toBeCloseTo(10, 9);
    expect(r.highJ).toBeGreaterThanOrEqual(300 * 2 + 700 * 10);
    expect(r.result.phases[0]!.gaps).toEqual([expect.objectContaining({ source: "sampler", durationS: 10 })]);
  });
});
