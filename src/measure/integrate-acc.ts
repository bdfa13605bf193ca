/**
 * The integrator's accumulators (per phase, per component) and how one becomes a report component. Shared by
 * integrate.ts (phases, CPU, RAPL, memory) and integrate-gpu.ts (GPU counter and stream, edges).
 */
import type { ComponentEnergy, Gap } from "../model/report.js";
import type { PowerRange } from "./power-model.js";
import type { GpuReading } from "./samples.js";
import type { GpuReaderName } from "./samples.js";

export interface SampleState {
  ts: number;
  cpu: number | null;
  rapl: Record<string, number> | undefined;
  gpu: Map<number, GpuReading>;
  /** Apple silicon: powermetrics' cumulative energy per rail, mJ */
  soc?: { cpu: number; gpu: number; ane: number } | undefined;
}

export interface ComponentAcc {
  joules: number;
  lowJ: number;
  highJ: number;
  coveredS: number;
  peakW: number;
  heldS: number;
  bridgedS: number;
}

export interface PhaseAcc {
  name: string;
  startMs: number;
  samples: number;
  cpu: ComponentAcc;
  rapl: ComponentAcc;
  gpu: ComponentAcc;
  gpuCounter: ComponentAcc;
  /** the tool that read this phase's GPUs (the latest seen), for the GPU components' method names */
  gpuReader?: GpuReaderName;
  /** per GPU: held + bridged seconds in this phase (for the covered time of the GPU component) */
  gpuEdgeS: Map<number, number>;
  memory: ComponentAcc;
  other: ComponentAcc;
  /** Apple silicon (powermetrics): CPU rail; GPU and ANE rails together, with the ANE's share in socAneJ */
  socCpu: ComponentAcc;
  socGpu: ComponentAcc;
  socAneJ: number;
  cpuUtilWeighted: number;
  cpuUtilS: number;
  gpuUtilWeighted: number;
  gpuUtilS: number;
  gaps: Gap[];
}

export const newAcc = (): ComponentAcc => ({
  joules: 0,
  lowJ: 0,
  highJ: 0,
  coveredS: 0,
  peakW: 0,
  heldS: 0,
  bridgedS: 0,
});

export function addPower(acc: ComponentAcc, power: PowerRange, seconds: number): void {
  acc.joules += power.w * seconds;
  acc.lowJ += power.lowW * seconds;
  acc.highJ += power.highW * seconds;
  acc.coveredS += seconds;
  if (power.w > acc.peakW) acc.peakW = power.w;
}

export const JOULES_PER_WH = 3_600;

export function component(
  name: ComponentEnergy["component"],
  method: ComponentEnergy["method"],
  provenance: ComponentEnergy["provenance"],
  acc: ComponentAcc,
  detail: string,
): ComponentEnergy {
  const energyWh = acc.joules / JOULES_PER_WH;
  return {
    component: name,
    method,
    provenance,
    energyWh,
    lowWh: Math.min(energyWh, acc.lowJ / JOULES_PER_WH),
    highWh: Math.max(energyWh, acc.highJ / JOULES_PER_WH),
    meanPowerW: acc.coveredS > 0 ? acc.joules / acc.coveredS : 0,
    peakPowerW: acc.peakW,
    detail: detail.slice(0, 2_000),
  };
}
