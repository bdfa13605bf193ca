/**
 * The integrator with NVML's counter (`e` on GPU readings): exact differences, and a stretch without power
 * readings (nvidia-smi restarting) under a working counter is counted, not bridged.
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

/** 10 s at 1 s; the counter grows at 400 W, nvidia-smi shows 300 W; `stale(t)`: no power reading at t. */
function trace(stale: (t: number) => boolean, counter = true): SamplesFileLine[] {
  const lines: SamplesFileLine[] = [
    { t: "meta", v: 1, startMs: T0, intervalMs: 1_000 },
    {
      t: "hw",
      ts: T0,
      gpus: [{ index: 0, name: "H100", uuid: "GPU-0", powerLimitW: 700, memoryTotalMiB: 1 }],
    },
    { t: "phase", ts: T0, name: "train" },
  ];
  for (let t = 0; t <= 10_000; t += 1_000) {
    const reading: GpuReading = { i: 0, w: stale(t) ? null : 300, u: null, mem: null };
    if (counter) reading.e = 400 * t; // mJ: 400 W × t ms
    const gpu = reading.w === null && !counter ? [] : [reading];
    lines.push({ t: "s", ts: T0 + t, cpu: 0, ...(gpu.length ? { gpu } : {}) });
  }
  lines.push({ t: "end", ts: T0 + 10_000 });
  return lines;
}

function gpu(lines: SamplesFileLine[]) {
  const result = integrateEnergy(lines, { models });
  const parts = result.phases.flatMap((p) => p.components.filter((c) => c.component === "gpu"));
  return {
    joules: parts.reduce((s, c) => s + c.energyWh, 0) * 3_600,
    bridgedS: parts.reduce((s, c) => s + (c.bridgedS ?? 0), 0),
    methods: parts.map((c) => c.method),
    result,
  };
}

describe("GPU energy from NVML's counter", () => {
  it("is the counter's difference, whatever the sampled power says", () => {
    const r = gpu(trace(() => false));
    expect(r.joules).toBeCloseTo(4_000, 6);
    expect(r.methods).toEqual(["nvml-counter"]);
    expect(r.result.gpus[0]?.energyMethod).toBe("nvml-counter");
  });

  it("a stretch without power readings under a working counter is counted exactly, not bridged", () => {
    const r = gpu(trace((t) => t >= 3_000 && t <= 6_000));
    expect(r.joules).toBeCloseTo(4_000, 6);
    expect(r.bridgedS).toBe(0);
    expect(r.result.warnings).toEqual([]);
  });

  it("without the counter the same stretch is bridged from sampled power (the edge rule)", () => {
    const r = gpu(trace((t) => t >= 3_000 && t <= 6_000, false));
    expect(r.joules).toBeCloseTo(3_000, 6);
    expect(r.bridgedS).toBeCloseTo(5, 6);
  });
});
