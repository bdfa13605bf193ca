import type { CpuInfo } from "node:os";
import type { OsShape } from "../../src/measure/attribution.js";

const GiB = 2 ** 30;

/**
 * A host in place of `node:os`: `cpus` online CPUs (default 64), `memoryGB` installed (default 512 GiB), of which
 * the process may use `usable` (affinity). `times` gives os.cpus() times (macOS/Windows utilisation).
 */
export function fakeHost(
  cpus = 64,
  memoryGB = 512,
  usable = cpus,
  times: () => CpuInfo["times"] = () => ({ user: 0, nice: 0, sys: 0, idle: 0, irq: 0 }),
): OsShape {
  return {
    cpus: () =>
      Array.from({ length: cpus }, () => ({
        model: "AMD EPYC 7763 64-Core Processor",
        speed: 2450,
        times: times(),
      })),
    totalmem: () => memoryGB * GiB,
    availableParallelism: () => usable,
  };
}
