/**
 * CPU utilization over all logical CPUs from the aggregate `cpu` line of /proc/stat (proc(5)):
 *
 *   cpu  10132153 290696 3084719 46828483 16683 0 25195 0 175628 0
 *        user     nice   system  idle     iowait irq softirq steal guest guest_nice   (USER_HZ ticks)
 *
 * busy = user + nice + system + irq + softirq; idle = idle + iowait; total = busy + idle + steal.
 * guest/guest_nice are already included in user/nice by the kernel, so they are not added again.
 * steal is time the hypervisor gave our vCPU's core to another VM: it is part of elapsed time (total)
 * but not our work, so it does not count as busy (its energy belongs to the other VM).
 *
 * On platforms without /proc (macOS, Windows) `os.cpus()` times give the same split.
 */
import { cpus as osCpus } from "node:os";
import type { CpuInfo } from "node:os";
import { join } from "node:path";
import { HeadFiles } from "./head-files.js";

export interface CpuTimes {
  busy: number;
  total: number;
}

export function parseProcStatCpu(text: string): CpuTimes | null {
  const line = text.split("\n", 1)[0] ?? "";
  const match = /^cpu\s+(.*)$/.exec(line) ?? /^cpu\s+(.*)$/m.exec(text);
  if (!match?.[1]) return null;
  const fields = match[1].trim().split(/\s+/);
  // Kernels since 2.6.11 print at least 8 fields (up to steal); older ones at least 4.
  if (fields.length < 4 || !fields.every((f) => /^[0-9]+$/.test(f))) return null;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
    fields.map(Number);
  const busy = user + nice + system + irq + softirq;
  return { busy, total: busy + idle + iowait + steal };
}

export function cpuTimesFromOs(cpus: readonly CpuInfo[]): CpuTimes | null {
  if (cpus.length === 0) return null;
  let busy = 0;
  let total = 0;
  for (const { times } of cpus) {
    const cpuBusy = times.user + times.nice + times.sys + times.irq;
    busy += cpuBusy;
    total += cpuBusy + times.idle;
  }
  return { busy, total };
}

/** Utilization 0..1 between two readings; null when time did not advance or counters went backwards. */
export function utilizationBetween(prev: CpuTimes, next: CpuTimes): number | null {
  const busy = next.busy - prev.busy;
  const total = next.total - prev.total;
  if (total <= 0 || busy < 0 || busy > total) return null;
  return busy / total;
}

export interface CpuUtilReader {
  /**
   * Utilization since the previous call (the first call primes and returns null). `tsMs`: the sample's time on
   * the sampler's clock, for readers whose counter is CPU time (the cgroup's) rather than a split of ticks.
   */
  read(tsMs?: number): number | null;
  /** close the file kept open between reads (a later read opens it again) */
  close(): void;
}

export interface CpuUtilReaderOptions {
  platform?: NodeJS.Platform;
  cpus?: () => CpuInfo[];
}

// The aggregate line comes first; reading only the head avoids copying the long `intr` line each tick.
const HEAD_BYTES = 512;

export function createCpuUtilReader(procRoot = "/proc", options: CpuUtilReaderOptions = {}): CpuUtilReader {
  const platform = options.platform ?? process.platform;
  const cpus = options.cpus ?? osCpus;
  const statPath = join(procRoot, "stat");
  // Kept open between ticks: one pread at offset 0 per tick instead of open, read and close.
  const files = new HeadFiles(HEAD_BYTES);

  const sample: () => CpuTimes | null =
    platform === "linux"
      ? () => {
          try {
            return parseProcStatCpu(files.read(statPath));
          } catch {
            return null;
          }
        }
      : () => cpuTimesFromOs(cpus());

  let prev: CpuTimes | null = null;
  return {
    read() {
      const next = sample();
      const util = prev && next ? utilizationBetween(prev, next) : null;
      // Keep the newest good reading: after a bad one the next delta starts from here.
      if (next) prev = next;
      return util;
    },
    close: () => files.close(),
  };
}
