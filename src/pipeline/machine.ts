/** The machine being measured: hardware inventory and the power models built for it. */
import { getHardwareInventory } from "../measure/inventory.js";
import { buildCpuPowerModel } from "../measure/cpu-power.js";
import { memoryPowerModel } from "../measure/memory-power.js";
import type { PowerModels } from "../measure/power-model.js";
import type { Hardware } from "../model/report.js";

export interface MachineOptions {
  procRoot?: string;
  sysRoot?: string;
  /** nvidia-smi path or name; null disables GPU measurement */
  nvidiaSmi?: string | null;
  /** user overrides of the CPU model */
  cpuTdpW?: number;
  cpuMinWattsPerVcpu?: number;
  cpuMaxWattsPerVcpu?: number;
  /** logical CPUs of the package whose TDP cpuTdpW is */
  cpuPackageThreads?: number;
}

export interface Machine {
  cpu: Hardware["cpu"];
  memoryGB: number;
  models: PowerModels;
  warnings: string[];
  /** warnings about the CPU power model: they hold only where the model was used, not where RAPL measured the CPU */
  cpuModelWarnings?: string[];
}

export async function loadMachine(options: MachineOptions): Promise<Machine> {
  const inventory = await getHardwareInventory();
  const cpu: Hardware["cpu"] = { brand: inventory.brand, threads: inventory.threads, cores: inventory.cores };
  const overrides = {
    ...(options.cpuTdpW !== undefined ? { tdpW: options.cpuTdpW } : {}),
    ...(options.cpuMinWattsPerVcpu !== undefined ? { minWattsPerVcpu: options.cpuMinWattsPerVcpu } : {}),
    ...(options.cpuMaxWattsPerVcpu !== undefined ? { maxWattsPerVcpu: options.cpuMaxWattsPerVcpu } : {}),
    ...(options.cpuPackageThreads !== undefined ? { packageThreads: options.cpuPackageThreads } : {}),
  };
  const cpuModel = buildCpuPowerModel({
    brand: cpu.brand,
    threads: cpu.threads,
    cpuId: inventory.cpuId ?? null,
    overrides,
  });
  const models: PowerModels = {
    cpu: cpuModel,
    memory: memoryPowerModel(inventory.memoryGB, undefined, {
      includedGB: cpuModel.includedMemoryGB ?? 0,
      includedBy: "CCF per-vCPU watts include memory up to the SPECpower average per chip",
    }),
    // No input declares a fixed extra draw yet; the integrator supports one (PowerModels.other).
    other: null,
  };
  const cpuModelWarnings: string[] = [];
  if (models.cpu.provenance === "assumed") {
    cpuModelWarnings.push(
      `CPU "${cpu.brand}" is not in the CPU power table; generic per-vCPU watts were assumed (wide range)`,
    );
  }
  return { cpu, memoryGB: inventory.memoryGB, models, warnings: [], cpuModelWarnings };
}
