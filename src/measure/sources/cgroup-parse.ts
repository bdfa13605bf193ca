/**
 * Pure parsers of the cgroup files the job's share of the machine is read from (kernel documentation
 * Documentation/admin-guide/cgroup-v2.rst and cgroup-v1/{cpuacct,cpusets,memory}.rst). Each takes the file's
 * text and returns a typed value, or null when the text is not in the documented form (never a zero).
 */

/**
 * `/proc/<pid>/cgroup` (cgroups(7)): one line per hierarchy, `hierarchy-ID:controller-list:cgroup-path`.
 *
 *   0::/kubepods.slice/kubepods-burstable.slice/cri-containerd-ab12.scope      (v2: ID 0, empty list)
 *   4:cpu,cpuacct:/docker/3f1c…                                                 (v1: one line per hierarchy)
 */
export interface ProcCgroup {
  /** the v2 (unified) path, when the process is in a v2 hierarchy */
  v2: string | null;
  /** v1 paths by controller name ("cpu", "cpuacct", "memory", "cpuset"), with the hierarchy's mount name */
  v1: Map<string, { path: string; hierarchy: string }>;
}

export function parseProcCgroup(text: string): ProcCgroup | null {
  let v2: string | null = null;
  const v1 = new Map<string, { path: string; hierarchy: string }>();
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const match = /^(\d+):([^:]*):(\/.*)$/.exec(line.trim());
    if (!match) return null;
    const [, id, controllers, path] = match as unknown as [string, string, string, string];
    if (id === "0" && controllers === "") {
      v2 = path;
      continue;
    }
    // "name=systemd" hierarchies carry no resource controller.
    for (const controller of controllers.split(",")) {
      if (controller && !controller.startsWith("name=")) v1.set(controller, { path, hierarchy: controllers });
    }
  }
  if (v2 === null && v1.size === 0) return null;
  return { v2, v1 };
}

/** v2 `cpu.max`: `$MAX $PERIOD` in µs ("max 100000": no quota). Cores the quota allows, or null for none. */
export function parseCpuMax(text: string): { quotaCores: number | null } | null {
  const match = /^\s*(max|\d+)\s+(\d+)\s*$/.exec(text);
  if (!match) return null;
  const period = Number(match[2]);
  if (!(period > 0)) return null;
  return { quotaCores: match[1] === "max" ? null : Number(match[1]) / period };
}

/** v1 `cpu.cfs_quota_us` (-1: no quota) over `cpu.cfs_period_us`: cores, null for none. */
export function parseCfsQuota(quotaText: string, periodText: string): { quotaCores: number | null } | null {
  const quota = /^\s*(-?\d+)\s*$/.exec(quotaText)?.[1];
  const period = /^\s*(\d+)\s*$/.exec(periodText)?.[1];
  if (quota === undefined || period === undefined || !(Number(period) > 0)) return null;
  return { quotaCores: Number(quota) < 0 ? null : Number(quota) / Number(period) };
}

/** A CPU list (`cpuset.cpus.effective`, v1 `cpuset.effective_cpus`): "0-3,8,10-11" → 7. */
export function parseCpuListCount(text: string): number | null {
  const list = text.trim();
  if (list === "") return null;
  let count = 0;
  for (const part of list.split(",")) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!match) return null;
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first) return null;
    count += last - first + 1;
  }
  return count;
}

/**
 * v2 `cpu.stat`: flat keyed, the job's CPU time in µs.
 *
 *   usage_usec 2473905
 *   user_usec 1821411
 *   system_usec 652494
 */
export function parseCpuStatUsageUs(text: string): number | null {
  const value = /^usage_usec\s+(\d+)\s*$/m.exec(text)?.[1];
  return value === undefined ? null : Number(value);
}

/** v1 `cpuacct.usage`: the job's CPU time in ns, as µs. */
export function parseCpuacctUsageUs(text: string): number | null {
  const value = /^\s*(\d+)\s*$/.exec(text)?.[1];
  return value === undefined ? null : Number(value) / 1_000;
}

/**
 * A memory limit or size in bytes: v2 `memory.max` ("max": none), `memory.peak`, `memory.current`; v1
 * `memory.limit_in_bytes`, whose "no limit" is a huge page-rounded number (PAGE_COUNTER_MAX pages), above any
 * host's memory, so the caller compares it with the installed memory.
 */
export function parseMemoryBytes(text: string): { bytes: number | null } | null {
  const value = text.trim();
  if (value === "max") return { bytes: null };
  if (!/^\d+$/.test(value)) return null;
  return { bytes: Number(value) };
}
