/**
 * Utilisation of the job's own CPU share: the cgroup's CPU time (v2 `cpu.stat` usage_usec, v1 `cpuacct.usage`)
 * between two samples, over the elapsed time of the vCPUs the job is charged for (see attribution.ts).
 *
 *   util = Δusage_µs / (Δt_µs × vCPUs)
 *
 * Elapsed time comes from the sampler's own (monotonic) clock, the one its sample timestamps use. A counter that
 * went backwards (the cgroup was recreated) gives no reading for that tick; a burst above the share (a quota is
 * enforced per period, so a tick may see slightly more) is capped at 100 %.
 */
import { readCgroupUsageUs, USAGE_HEAD_BYTES } from "./cgroup.js";
import { HeadFiles } from "./head-files.js";
import type { CpuUtilReader } from "./proc-stat.js";

export function createCgroupCpuReader(
  usage: { version: 1 | 2; file: string },
  vcpus: number,
  now: () => number = () => performance.now(),
): CpuUtilReader {
  let prev: { us: number; ms: number } | null = null;
  // Kept open between ticks, as /proc/stat is: one pread per tick.
  const files = new HeadFiles(USAGE_HEAD_BYTES);
  return {
    read(tsMs) {
      const us = readCgroupUsageUs(usage.version, usage.file, files);
      const ms = tsMs ?? now();
      if (us === null) return null;
      const before = prev;
      prev = { us, ms };
      if (!before || ms <= before.ms || us < before.us) return null;
      return Math.min(1, (us - before.us) / ((ms - before.ms) * 1_000 * vcpus));
    },
    close: () => files.close(),
  };
}
