/**
 * The action's inputs as the measurement pipeline takes them, in one place for the two steps that build
 * figures: a `run:` step (its phase's outputs) and the reporting step (finish or post).
 */
import type { CarbonInputs } from "../pipeline/carbon.js";
import type { MachineOptions } from "../pipeline/machine.js";
import type { ActionConfig } from "./inputs.js";

export function carbonInputsFor(config: ActionConfig): CarbonInputs {
  return {
    region: config.region ?? undefined,
    carbonIntensityGPerKWh: config.carbonIntensityGPerKWh ?? undefined,
    pue: config.pue ?? undefined,
    electricityMapsToken: config.electricityMapsToken ?? undefined,
    liveIntensity: config.liveIntensity,
  };
}

/** The CPU power-model overrides (`cpu-tdp`, `cpu-threads-per-package`, `cpu-watts-per-vcpu`). */
export function machineOptionsFor(config: ActionConfig): MachineOptions {
  return {
    ...(config.cpu.tdpW !== null ? { cpuTdpW: config.cpu.tdpW } : {}),
    ...(config.cpu.threadsPerPackage !== null ? { cpuPackageThreads: config.cpu.threadsPerPackage } : {}),
    ...(config.cpu.wattsPerVcpu !== null
      ? { cpuMinWattsPerVcpu: config.cpu.wattsPerVcpu.min, cpuMaxWattsPerVcpu: config.cpu.wattsPerVcpu.max }
      : {}),
  };
}
