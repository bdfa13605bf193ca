/**
 * Whose machine is measured: the job's cgroup share, or the whole host.
 *
 * A runner pod on a shared node, or a `docker run --cpus 2 --memory 8g` runner, is one tenant of a bigger
 * machine: the host's /proc/stat counts every other tenant's work and the host's memory is not the job's. When
 * the job's cgroup sets a limit below the host (a CPU quota, a narrower cpuset, a memory limit), the job is
 * charged for its own share:
 *
 * - vCPUs: the quota in cores (`cpu.max`, v1 `cpu.cfs_quota_us / cpu.cfs_period_us`), rounded up to whole vCPUs
 *   (the CPU model and the report take whole vCPUs), capped by the cpuset and the CPUs the process may use;
 * - utilisation: the cgroup's CPU time (`cpu.stat` usage_usec, v1 `cpuacct.usage`) over those vCPUs' time;
 * - memory: the limit (`memory.max`, v1 `memory.limit_in_bytes`) — what the scheduler reserved for the job and
 *   no other tenant can use, the same "allocated, not touched" basis as a VM's installed memory. Only a cgroup
 *   that limits the CPU but not memory falls back to what the job used: its peak (`memory.peak`, v1
 *   `memory.max_usage_in_bytes`), else its current size, else the host's memory.
 *
 * Without any limit below the host (a VM the runner owns: GitHub-hosted runners, a runner service on its own
 * machine) the figures are the host's, exactly as before: host /proc/stat, the CPUs the process may use, the
 * installed memory.
 *
 * Not seen: work outside the job's cgroup that belongs to the job — service containers (`services:`), job
 * containers that actions-runner-controller's Kubernetes mode runs in another pod, sidecars in other containers
 * of the pod. Their CPU and memory are neither in the cgroup nor in a cgroup-scoped figure; a warning says so
 * where it can be detected (the runner's container-hooks variable).
 */
import { readFileSync } from "node:fs";
import * as nodeOs from "node:os";
import { join } from "node:path";
import type { Hardware } from "../model/report.js";
import { readCgroupView, type CgroupRoots, type CgroupView } from "./sources/cgroup.js";
import { parseCpuListCount } from "./sources/cgroup-parse.js";

export type Attribution = NonNullable<Hardware["attribution"]>;

export interface HostShape {
  /** online CPUs of the host (os.cpus().length) */
  hostCpus: number;
  /** CPUs this process may use (affinity: os.availableParallelism) — the vCPU count when nothing is limited */
  usableCpus: number;
  /** installed memory, GiB */
  hostMemoryGB: number;
  platform: NodeJS.Platform;
}

export interface AttributionResult {
  attribution: Attribution;
  /** vCPUs the CPU model and the utilisation refer to */
  vcpus: number;
  /** memory the memory model counts, GiB */
  memoryGB: number;
  /** the counter the sampler reads utilisation from, when the cgroup is used */
  usage: { version: 1 | 2; file: string } | null;
  warnings: string[];
}

const BYTES_PER_GB = 2 ** 30;
/** Path parts of container runtimes' cgroups (Kubernetes, Docker, containerd, CRI-O, Podman). */
const CONTAINER_PATH = /kubepods|docker|containerd|cri-o|crio|libpod|actions_job/i;

export function decideAttribution(
  view: CgroupView | null,
  host: HostShape,
  env: Record<string, string | undefined> = {},
): AttributionResult {
  const warnings: string[] = [];
  if (env.ACTIONS_RUNNER_CONTAINER_HOOKS) {
    warnings.push(
      "the runner starts job and service containers through container hooks (ACTIONS_RUNNER_CONTAINER_HOOKS, actions-runner-controller's Kubernetes mode): work in those containers runs in another pod, outside this measurement, and is not counted",
    );
  }
  const hostSource = host.platform === "linux" ? "proc-stat" : "os-cpus";
  const hostFigures = (reason: string): AttributionResult => ({
    attribution: {
      scope: "host",
      reason,
      cpuSource: hostSource,
      memorySource: "installed",
      hostCpus: host.hostCpus,
      hostMemoryGB: round2(host.hostMemoryGB),
      cgroup: view ? cgroupSummary(view) : null,
    },
    vcpus: host.usableCpus,
    memoryGB: host.hostMemoryGB,
    usage: null,
    warnings,
  });
  const hostStat = host.platform === "linux" ? "host-wide /proc/stat" : "host-wide os.cpus() times";
  if (host.platform !== "linux") return hostFigures(`no cgroups on ${host.platform}: ${hostStat}`);
  if (!view) return hostFigures(`no readable cgroup (/proc/self/cgroup): ${hostStat}`);
  const where = `cgroup v${view.version} ${view.path}`;
  if (view.root) return hostFigures(`${where} is the root cgroup: the runner owns the machine; ${hostStat}`);

  const cpuLimit = Math.min(view.quotaCores ?? Infinity, view.cpusetCpus ?? Infinity);
  const cpuLimited = cpuLimit < host.hostCpus;
  const memoryLimited =
    view.memoryLimitBytes !== null && view.memoryLimitBytes / BYTES_PER_GB < host.hostMemoryGB;
  if (!cpuLimited && !memoryLimited) {
    if (CONTAINER_PATH.test(view.path) || env.KUBERNETES_SERVICE_HOST) {
      warnings.push(
        `the job runs in a container (${where}) without a CPU or memory limit: its figures are the whole machine's, other containers' work included; set CPU and memory limits (Kubernetes resources.limits, docker --cpus/--memory) to measure the job's own share`,
      );
    }
    return hostFigures(`${where} sets no CPU or memory limit below the host's: ${hostStat}`);
  }
  if (view.usageFile === null) {
    warnings.push(
      `${where} limits the job but its CPU usage counter (${view.version === 2 ? "cpu.stat" : "cpuacct.usage"}) cannot be read: host-wide figures are used and include other tenants' work`,
    );
    return hostFigures(`${where}: usage counter unreadable; ${hostStat}`);
  }

  const vcpus = Math.max(1, Math.min(cpuLimited ? Math.ceil(cpuLimit - 1e-9) : Infinity, host.usableCpus));
  const cpuWhy = !cpuLimited
    ? `no CPU limit, ${vcpus} usable CPUs`
    : view.quotaCores !== null && view.quotaCores <= (view.cpusetCpus ?? Infinity)
      ? `CPU quota ${plural(round2(view.quotaCores), "core")} (${view.version === 2 ? "cpu.max" : "cpu.cfs_quota_us"}) → ${vcpus} vCPUs`
      : `cpuset of ${view.cpusetCpus} CPUs → ${vcpus} vCPUs`;
  let memoryGB = host.hostMemoryGB;
  let memorySource: Attribution["memorySource"] = "installed";
  if (memoryLimited) {
    memoryGB = view.memoryLimitBytes! / BYTES_PER_GB;
    memorySource = "memory.max";
  } else if (view.memoryPeakBytes !== null) {
    memoryGB = Math.min(host.hostMemoryGB, view.memoryPeakBytes / BYTES_PER_GB);
    memorySource = "memory.peak";
  } else if (view.memoryCurrentBytes !== null) {
    memoryGB = Math.min(host.hostMemoryGB, view.memoryCurrentBytes / BYTES_PER_GB);
    memorySource = "memory.current";
  }
  const memoryWhy =
    memorySource === "memory.max"
      ? `memory limit ${round2(memoryGB)} GiB`
      : memorySource === "installed"
        ? "no memory limit, installed memory"
        : `no memory limit, ${memorySource} ${round2(memoryGB)} GiB`;
  return {
    attribution: {
      scope: "cgroup",
      reason: `${where}: ${cpuWhy} of ${host.hostCpus} host CPUs, ${memoryWhy} of ${round2(host.hostMemoryGB)} GiB; utilisation from the cgroup's CPU time`,
      cpuSource: "cgroup-usage",
      memorySource,
      hostCpus: host.hostCpus,
      hostMemoryGB: round2(host.hostMemoryGB),
      cgroup: cgroupSummary(view),
    },
    vcpus,
    memoryGB: round2(memoryGB),
    usage: { version: view.version, file: view.usageFile },
    warnings,
  };
}

function cgroupSummary(view: CgroupView): NonNullable<Attribution["cgroup"]> {
  return {
    version: view.version,
    path: view.path.slice(0, 1_000),
    quotaCores: view.quotaCores === null ? null : round2(view.quotaCores),
    cpusetCpus: view.cpusetCpus,
    memoryLimitGB: view.memoryLimitBytes === null ? null : round2(view.memoryLimitBytes / BYTES_PER_GB),
  };
}

export interface OsShape {
  cpus(): nodeOs.CpuInfo[];
  totalmem(): number;
  availableParallelism?: () => number;
}

export interface AttributionOptions extends CgroupRoots {
  env?: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  os?: OsShape;
}

/** The host's shape from node:os (or an injected one). */
function hostShape(os: OsShape = nodeOs, platform: NodeJS.Platform = process.platform): HostShape {
  const hostCpus = Math.max(1, os.cpus().length);
  const available = os.availableParallelism?.();
  return {
    hostCpus,
    usableCpus: available && Number.isInteger(available) && available > 0 ? available : hostCpus,
    hostMemoryGB: os.totalmem() / BYTES_PER_GB,
    platform,
  };
}

/** Read the job's cgroup and decide; the sampler and the power models call this with the same roots. */
export function jobAttribution(options: AttributionOptions = {}): AttributionResult {
  const platform = options.platform ?? process.platform;
  const view = platform === "linux" ? readCgroupView(options) : null;
  // An injected proc root (a fake tree) describes the host too, through the files node:os itself reads on Linux.
  const host =
    platform === "linux" && options.procRoot && !options.os
      ? hostShapeFromProc(options.procRoot, hostShape(undefined, platform))
      : hostShape(options.os, platform);
  return decideAttribution(view, host, options.env ?? {});
}

/**
 * The host's shape from a proc tree, as node:os reads it on Linux: online CPUs from the `cpuN` lines of `stat`,
 * installed memory from `meminfo` MemTotal, the CPUs this process may use from `self/status` Cpus_allowed_list.
 * Each falls back to `fallback` when its file is missing or unreadable.
 */
function hostShapeFromProc(procRoot: string, fallback: HostShape): HostShape {
  const read = (path: string): string | null => {
    try {
      return readFileSync(join(procRoot, path), "utf8");
    } catch {
      return null;
    }
  };
  const cpuLines = (read("stat") ?? "").match(/^cpu\d+\s/gm)?.length ?? 0;
  const memKb = /^MemTotal:\s+(\d+)\s+kB/m.exec(read("meminfo") ?? "")?.[1];
  const allowed = /^Cpus_allowed_list:\s*(\S+)/m.exec(read("self/status") ?? "")?.[1];
  const usable = allowed ? parseCpuListCount(allowed) : null;
  const hostCpus = cpuLines > 0 ? cpuLines : fallback.hostCpus;
  return {
    hostCpus,
    usableCpus: usable !== null ? Math.min(usable, hostCpus) : Math.min(fallback.usableCpus, hostCpus),
    hostMemoryGB: memKb ? (Number(memKb) * 1_024) / BYTES_PER_GB : fallback.hostMemoryGB,
    platform: fallback.platform,
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
