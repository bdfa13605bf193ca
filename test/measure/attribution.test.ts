import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decideAttribution, jobAttribution } from "../../src/measure/attribution.js";
import { fakeHost } from "../support/fake-host.js";
import {
  parseCfsQuota,
  parseCpuListCount,
  parseCpuMax,
  parseCpuStatUsageUs,
  parseMemoryBytes,
  parseProcCgroup,
} from "../../src/measure/sources/cgroup-parse.js";

const FIXTURES = join(process.cwd(), "test", "fixtures", "cgroup");
const GiB = 2 ** 30;

const roots = (name: string) => ({
  procRoot: join(FIXTURES, name, "proc"),
  sysRoot: join(FIXTURES, name, "sys"),
  platform: "linux" as const,
  os: fakeHost(),
  env: {},
});

describe("cgroup parsers", () => {
  it("reads /proc/self/cgroup in both versions", () => {
    expect(parseProcCgroup("0::/kubepods/pod1/c1\n")).toEqual({ v2: "/kubepods/pod1/c1", v1: new Map() });
    const v1 = parseProcCgroup("12:cpu,cpuacct:/docker/ab\n1:name=systemd:/docker/ab\n0::/docker/ab\n")!;
    expect(v1.v1.get("cpuacct")).toEqual({ path: "/docker/ab", hierarchy: "cpu,cpuacct" });
    expect(v1.v1.has("name=systemd")).toBe(false);
    expect(parseProcCgroup("garbage")).toBeNull();
    expect(parseProcCgroup("")).toBeNull();
  });
  it("reads quotas, cpu lists, usage and memory sizes, rejecting other text", () => {
    expect(parseCpuMax("200000 100000\n")).toEqual({ quotaCores: 2 });
    expect(parseCpuMax("max 100000")).toEqual({ quotaCores: null });
    expect(parseCpuMax("2 cores")).toBeNull();
    expect(parseCfsQuota("-1", "100000")).toEqual({ quotaCores: null });
    expect(parseCfsQuota("150000\n", "100000\n")).toEqual({ quotaCores: 1.5 });
    expect(parseCpuListCount("0-3,8,10-11\n")).toBe(7);
    expect(parseCpuListCount("3-1")).toBeNull();
    expect(parseCpuStatUsageUs("usage_usec 2473905\nuser_usec 1\n")).toBe(2473905);
    expect(parseCpuStatUsageUs("user_usec 1\n")).toBeNull();
    expect(parseMemoryBytes("max\n")).toEqual({ bytes: null });
    expect(parseMemoryBytes("8589934592\n")).toEqual({ bytes: 8 * GiB });
    expect(parseMemoryBytes("lots")).toBeNull();
  });
});

describe("jobAttribution over fake cgroup trees (64 CPUs, 512 GiB host)", () => {
  it("v2 container: cpu.max of 2 cores and memory.max of 8 GiB are the job's share", () => {
    const r = jobAttribution(roots("v2"));
    expect(r.attribution.scope).toBe("cgroup");
    expect(r.vcpus).toBe(2);
    expect(r.memoryGB).toBe(8);
    expect(r.attribution.memorySource).toBe("memory.max");
    expect(r.attribution.cpuSource).toBe("cgroup-usage");
    expect(r.attribution.reason).toMatch(/cpu\.max.*2 vCPUs of 64 host CPUs.*8 GiB of 512 GiB/);
    expect(r.usage?.file).toMatch(/cri-containerd-4b1d\.scope\/cpu\.stat$/);
    expect(r.attribution.cgroup).toMatchObject({
      version: 2,
      quotaCores: 2,
      cpusetCpus: 64,
      memoryLimitGB: 8,
    });
  });
  it("v1 Docker --cpus 1.5 without a memory limit: 2 vCPUs, memory from the peak", () => {
    const r = jobAttribution(roots("v1"));
    expect(r.attribution.scope).toBe("cgroup");
    expect(r.vcpus).toBe(2);
    expect(r.attribution.memorySource).toBe("memory.peak");
    expect(r.memoryGB).toBe(3);
    expect(r.usage).toEqual({
      version: 1,
      file: expect.stringMatching(/cpu,cpuacct\/docker\/9c2e\/cpuacct\.usage$/),
    });
  });
  it("nested: the pod's limits apply to a container that sets none", () => {
    const r = jobAttribution(roots("nested"));
    expect(r.attribution.scope).toBe("cgroup");
    expect(r.vcpus).toBe(4);
    expect(r.memoryGB).toBe(16);
  });
  it("no limit: host figures, unchanged", () => {
    const r = jobAttribution(roots("no-limit"));
    expect(r.attribution.scope).toBe("host");
    expect(r.attribution.cpuSource).toBe("proc-stat");
    expect(r.attribution.reason).toMatch(/sets no CPU or memory limit/);
    expect(r.vcpus).toBe(64);
    expect(r.memoryGB).toBe(512);
    expect(r.usage).toBeNull();
    expect(r.warnings).toEqual([]);
  });
  it("a quota below one core is one vCPU; without memory.peak the current size counts", () => {
    const r = jobAttribution(roots("quota-below-core"));
    expect(r.vcpus).toBe(1);
    expect(r.attribution.memorySource).toBe("memory.current");
    expect(r.memoryGB).toBe(0.5);
  });
  it("a cpuset narrower than the host is the job's CPUs", () => {
    const r = jobAttribution({ ...roots("cpuset"), os: fakeHost(64, 512, 4) });
    expect(r.attribution.scope).toBe("cgroup");
    expect(r.vcpus).toBe(4);
    expect(r.attribution.reason).toMatch(/cpuset of 4 CPUs/);
    expect(r.memoryGB).toBe(6);
  });
  it("a container in its own cgroup namespace (path /) is not the root", () => {
    const r = jobAttribution(roots("namespaced"));
    expect(r.attribution.scope).toBe("cgroup");
    expect(r.vcpus).toBe(1);
    expect(r.memoryGB).toBe(1);
  });
  it("the root cgroup, no cgroup at all, and other platforms are host figures", () => {
    expect(jobAttribution(roots("root")).attribution.reason).toMatch(/root cgroup/);
    const none = jobAttribution({ ...roots("root"), procRoot: join(FIXTURES, "missing") });
    expect(none.attribution).toMatchObject({ scope: "host", cgroup: null });
    const mac = jobAttribution({ ...roots("v2"), platform: "darwin" });
    expect(mac.attribution).toMatchObject({ scope: "host", cpuSource: "os-cpus" });
    expect(mac.vcpus).toBe(64);
  });
  it("warns about what it cannot see", () => {
    const hooks = jobAttribution({
      ...roots("v2"),
      env: { ACTIONS_RUNNER_CONTAINER_HOOKS: "/home/runner/k8s/index.js" },
    });
    expect(hooks.warnings.join("\n")).toMatch(/another pod/);
    const unlimited = decideAttribution(
      {
        version: 2,
        path: "/kubepods/besteffort/pod1/c1",
        root: false,
        quotaCores: null,
        cpusetCpus: 64,
        memoryLimitBytes: null,
        memoryPeakBytes: null,
        memoryCurrentBytes: null,
        usageFile: "/x",
      },
      { hostCpus: 64, usableCpus: 64, hostMemoryGB: 512, platform: "linux" },
    );
    expect(unlimited.attribution.scope).toBe("host");
    expect(unlimited.warnings.join("\n")).toMatch(/without a CPU or memory limit/);
  });
});

describe("cgroup v1 in its own namespace", () => {
  it('"/" with a quota at the mount\'s top is a limited container, not the root; "no limit" is not a limit', () => {
    const root = mkdtempSync(join(tmpdir(), "mlf-cg1-"));
    const put = (path: string, text: string) => {
      mkdirSync(join(root, path, ".."), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    put("proc/self/cgroup", "4:memory:/\n3:cpu,cpuacct:/\n");
    put("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "200000\n");
    put("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
    put("sys/fs/cgroup/cpu,cpuacct/cpuacct.usage", "123\n");
    put("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
    put("sys/fs/cgroup/memory/memory.max_usage_in_bytes", `${2 * GiB}\n`);
    const r = jobAttribution({ ...roots("v1"), procRoot: join(root, "proc"), sysRoot: join(root, "sys") });
    expect(r.attribution.scope).toBe("cgroup");
    expect(r.vcpus).toBe(2);
    expect(r.attribution.cgroup?.memoryLimitGB).toBeNull();
    expect(r.attribution.memorySource).toBe("memory.peak");
    expect(r.memoryGB).toBe(2);
  });
});
