/** The machine being measured: hardware inventory and the power models built for it. */
import { getHardwareInventory, type SystemInformationLike } from "../measure/inventory.js";
import { jobAttribution, type Attribution, type OsShape } from "../measure/attribution.js";
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
  /** the environment (container-hook detection); default process.env */
  env?: Record<string, string | undefined>;
  /** tests: the platform and node:os functions; default the real ones */
  platform?: NodeJS.Platform;
  os?: OsShape;
  /** tests: systeminformation (macOS and Windows inventory); default the real one, imported there only */
  systemInformation?: () => Promise<SystemInformationLike>;
}

export interface Machine {
  cpu: Hardware["cpu"];
  memoryGB: number;
  /** whose share of the machine cpu.threads and memoryGB are (the job's cgroup or the host), and why */
  attribution: Attribution;
  models: PowerModels;
  warnings: string[];
  /** warnings about the CPU power model: they hold only where the model was used, not where RAPL measured the CPU */
  cpuModelWarnings?: string[];
}

export async function loadMachine(options: MachineOptions): Promise<Machine> {
  // Under the same test root as the sampler's /proc/stat (ML_FOOTPRINT_PROC_ROOT), so a fake cpuinfo reaches a run.
  const inventory = await getHardwareInventory({
    ...(options.procRoot ? { procRoot: options.procRoot } : {}),
    ...(options.os ? { os: options.os } : {}),
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.systemInformation ? { systemInformation: options.systemInformation } : {}),
  });
  const share = jobAttribution({
    procRoot: options.procRoot,
    sysRoot: options.sysRoot,
    env: options.env ?? process.env,
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.os ? { os: options.os } : {}),
  });
  // A host without a cgroup limit keeps the inventory's figures exactly; a limited cgroup gives the job's share.
  const inCgroup = share.attribution.scope === "cgroup";
  const threads = inCgroup ? share.vcpus : inventory.threads;
  const memoryGB = inCgroup ? share.memoryGB : inventory.memoryGB;
  const cpu: Hardware["cpu"] = { brand: inventory.brand, threads, cores: inventory.cores };
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
    memory: memoryPowerModel(memoryGB, undefined, {
      includedGB: cpuModel.includedMemoryGB ?? 0,
      includedBy:
        "CCF per-vCPU watts include memory up to the SPECpower average per chip, one chip = 96 vCPUs as in CCF",
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
  return {
    cpu,
    memoryGB,
    attribution: share.attribution,
    models,
    warnings: [...share.warnings],
    cpuModelWarnings,
  };
}
