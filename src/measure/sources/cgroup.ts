/**
 * The job's cgroup, read from the files the kernel exposes (no shell, no library): which cgroup the process is
 * in (`<procRoot>/self/cgroup`), its CPU quota, cpuset and memory limit, and its CPU usage counter.
 *
 * Where the hierarchy is mounted: `<sysRoot>/fs/cgroup` (v2, the unified hierarchy) or
 * `<sysRoot>/fs/cgroup/<controllers>` (v1, e.g. `cpu,cpuacct`, `memory`, `cpuset`), as systemd, Docker and
 * Kubernetes nodes mount them. Inside a container with its own cgroup namespace the process's path reads `/`
 * while the mount shows the container's own cgroup: a v2 directory with `cpu.max` (a file the root cgroup does
 * not have) is then a non-root cgroup. A path that does not exist under the mount (v1 containers show the host's
 * path but mount their own cgroup at the top) is read at the mount's top.
 *
 * Limits are hierarchical: the smallest quota and memory limit from the job's cgroup up to the top of the mount
 * applies (Kubernetes sets them on the pod and the container; systemd on slices). The cpuset's effective list
 * already is the intersection with the ancestors'.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { HeadFiles } from "./head-files.js";
import {
  parseCfsQuota,
  parseCpuacctUsageUs,
  parseCpuListCount,
  parseCpuMax,
  parseCpuStatUsageUs,
  parseMemoryBytes,
  parseProcCgroup,
} from "./cgroup-parse.js";

export interface CgroupView {
  version: 1 | 2;
  /** the process's cgroup path as /proc/self/cgroup names it (v1: the CPU hierarchy's) */
  path: string;
  /** the process is in the root cgroup: nothing narrower than the machine to attribute */
  root: boolean;
  /** smallest CPU quota from the job's cgroup up, in cores; null: none */
  quotaCores: number | null;
  /** CPUs of the effective cpuset; null: not readable */
  cpusetCpus: number | null;
  /** smallest memory limit from the job's cgroup up, in bytes; null: none (or not readable) */
  memoryLimitBytes: number | null;
  /** the cgroup's peak memory (v2 memory.peak, v1 memory.max_usage_in_bytes); null: not readable */
  memoryPeakBytes: number | null;
  /** its memory now (v2 memory.current, v1 memory.usage_in_bytes); null: not readable */
  memoryCurrentBytes: number | null;
  /** the usage counter file (v2 cpu.stat, v1 cpuacct.usage); null when it cannot be read */
  usageFile: string | null;
}

export interface CgroupRoots {
  procRoot?: string;
  sysRoot?: string;
}

/** At or above this, a v1 memory.limit_in_bytes means "no limit" (2^60 bytes: 1 EiB, past any machine). */
const V1_NO_LIMIT_BYTES = 2 ** 60;

/** Ancestors read for limits, at most (a real hierarchy is a handful deep). */
const MAX_DEPTH = 32;

/** The job's cgroup, or null where there is none to read (not Linux, no /proc/self/cgroup, unknown layout). */
export function readCgroupView(roots: CgroupRoots = {}): CgroupView | null {
  const text = readText(join(roots.procRoot ?? "/proc", "self", "cgroup"));
  const parsed = text === null ? null : parseProcCgroup(text);
  if (!parsed) return null;
  const mount = join(roots.sysRoot ?? "/sys", "fs", "cgroup");
  // Hybrid systems list both: the v1 CPU controller is where the CPU counters are.
  const cpuV1 = parsed.v1.get("cpuacct") ?? parsed.v1.get("cpu");
  if (cpuV1) return readV1(mount, parsed.v1);
  if (parsed.v2 !== null) return readV2(mount, parsed.v2);
  return null;
}

function readV2(mount: string, path: string): CgroupView | null {
  const dirs = ancestry(mount, path);
  const leaf = dirs[0]!;
  const usageFile = join(leaf, "cpu.stat");
  if (!existsSync(usageFile) && !existsSync(join(leaf, "cgroup.controllers"))) return null;
  let quotaCores: number | null = null;
  let memoryLimitBytes: number | null = null;
  for (const dir of dirs) {
    const cpuMax = readParsed(join(dir, "cpu.max"), parseCpuMax);
    if (cpuMax?.quotaCores != null) quotaCores = Math.min(quotaCores ?? Infinity, cpuMax.quotaCores);
    const memMax = readParsed(join(dir, "memory.max"), parseMemoryBytes);
    if (memMax?.bytes != null) memoryLimitBytes = Math.min(memoryLimitBytes ?? Infinity, memMax.bytes);
  }
  return {
    version: 2,
    path,
    root: path === "/" && !existsSync(join(leaf, "cpu.max")) && !existsSync(join(leaf, "memory.max")),
    quotaCores,
    cpusetCpus: readParsed(join(leaf, "cpuset.cpus.effective"), parseCpuListCount),
    memoryLimitBytes,
    memoryPeakBytes: readParsed(join(leaf, "memory.peak"), parseMemoryBytes)?.bytes ?? null,
    memoryCurrentBytes: readParsed(join(leaf, "memory.current"), parseMemoryBytes)?.bytes ?? null,
    usageFile: readCgroupUsageUs(2, usageFile) === null ? null : usageFile,
  };
}

function readV1(mount: string, v1: Map<string, { path: string; hierarchy: string }>): CgroupView | null {
  const at = (controller: string): string[] | null => {
    const entry = v1.get(controller);
    if (!entry) return null;
    for (const name of [entry.hierarchy, controller]) {
      const base = join(mount, name);
      if (existsSync(base)) return ancestry(base, entry.path);
    }
    return null;
  };
  const cpuacct = at("cpuacct");
  const cpu = at("cpu");
  const memory = at("memory");
  const cpuset = at("cpuset");
  const path = (v1.get("cpuacct") ?? v1.get("cpu"))!.path;
  let quotaCores: number | null = null;
  for (const dir of cpu ?? []) {
    const quota = readText(join(dir, "cpu.cfs_quota_us"));
    const period = readText(join(dir, "cpu.cfs_period_us"));
    const parsed = quota !== null && period !== null ? parseCfsQuota(quota, period) : null;
    if (parsed?.quotaCores != null) quotaCores = Math.min(quotaCores ?? Infinity, parsed.quotaCores);
  }
  let memoryLimitBytes: number | null = null;
  for (const dir of memory ?? []) {
    const limit = readParsed(join(dir, "memory.limit_in_bytes"), parseMemoryBytes);
    // v1 writes "no limit" as PAGE_COUNTER_MAX pages (9223372036854771712 with 4 KiB pages): not a limit.
    if (limit?.bytes != null && limit.bytes < V1_NO_LIMIT_BYTES)
      memoryLimitBytes = Math.min(memoryLimitBytes ?? Infinity, limit.bytes);
  }
  const cpusetLeaf = cpuset?.[0];
  const memoryLeaf = memory?.[0];
  const usageFile = cpuacct ? join(cpuacct[0]!, "cpuacct.usage") : null;
  return {
    version: 1,
    path,
    // "/" with limits at the mount's top is a container in its own cgroup namespace, not the root.
    root: path === "/" && quotaCores === null && memoryLimitBytes === null,
    quotaCores,
    cpusetCpus: cpusetLeaf
      ? (readParsed(join(cpusetLeaf, "cpuset.effective_cpus"), parseCpuListCount) ??
        readParsed(join(cpusetLeaf, "cpuset.cpus"), parseCpuListCount))
      : null,
    memoryLimitBytes,
    memoryPeakBytes: memoryLeaf
      ? (readParsed(join(memoryLeaf, "memory.max_usage_in_bytes"), parseMemoryBytes)?.bytes ?? null)
      : null,
    memoryCurrentBytes: memoryLeaf
      ? (readParsed(join(memoryLeaf, "memory.usage_in_bytes"), parseMemoryBytes)?.bytes ?? null)
      : null,
    usageFile: usageFile !== null && readCgroupUsageUs(1, usageFile) !== null ? usageFile : null,
  };
}

/**
 * The job's cgroup directory and its ancestors up to the mount's top (job first). A path missing under the
 * mount (a container that mounts its own cgroup at the top) is read at the top.
 */
function ancestry(mount: string, path: string): string[] {
  const leaf = join(mount, path);
  if (relative(mount, leaf).startsWith("..") || !existsSync(leaf)) return [mount];
  const dirs = [leaf];
  let dir = leaf;
  while (dir !== mount && dirs.length < MAX_DEPTH) {
    dir = dirname(dir);
    dirs.push(dir);
  }
  return dirs;
}

/** Bytes of the usage file read: usage_usec is cpu.stat's first line. */
export const USAGE_HEAD_BYTES = 512;

/**
 * The CPU usage counter in µs (one small read of the file's head); null when unreadable. With `open` (the
 * sampler's), the file stays open between ticks.
 */
export function readCgroupUsageUs(version: 1 | 2, file: string, open?: HeadFiles): number | null {
  const files = open ?? new HeadFiles(USAGE_HEAD_BYTES);
  try {
    const text = files.read(file);
    return version === 2 ? parseCpuStatUsageUs(text) : parseCpuacctUsageUs(text);
  } catch {
    return null;
  } finally {
    if (!open) files.close();
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

function readParsed<T>(path: string, parse: (text: string) => T | null): T | null {
  const text = readText(path);
  return text === null ? null : parse(text);
}
