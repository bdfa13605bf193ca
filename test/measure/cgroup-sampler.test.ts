/**
 * The job's cgroup share through the production path: the Sampler (as `run` and the background sampler use it)
 * writes the samples file from fake /proc and /sys trees, and loadMachine + reportFromSamples (as `run` and the
 * action's report step use them) turn it into the report. Clocks are injected: the interval is exact.
 */
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Sampler } from "../../src/measure/sampler.js";
import { loadMachine } from "../../src/pipeline/machine.js";
import { reportFromSamples } from "../../src/pipeline/report-from-samples.js";
import { localIdentity } from "../../src/report/build.js";
import { fakeHost } from "../support/fake-host.js";

const FIXTURES = join(process.cwd(), "test", "fixtures", "cgroup");
const V2_LEAF =
  "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7f3e.slice/cri-containerd-4b1d.scope";

/** /proc/stat of a 64-CPU host at `busyTicks` busy and `idleTicks` idle (USER_HZ ticks over all CPUs). */
function procStat(busyTicks: number, idleTicks: number): string {
  return `cpu  ${busyTicks} 0 0 ${idleTicks} 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\n`;
}

/** Measure 10 s in which the host's /proc/stat is fully busy and the cgroup's cpu.stat grows by `jobUs`. */
async function measureTenSeconds(
  fixture: string,
  jobUs: number | null,
  afterStop?: (sysRoot: string) => void,
) {
  const root = mkdtempSync(join(tmpdir(), `mlf-cg-${fixture}-`));
  cpSync(join(FIXTURES, fixture), root, { recursive: true });
  const procRoot = join(root, "proc");
  const sysRoot = join(root, "sys");
  writeFileSync(join(procRoot, "stat"), procStat(1_000, 0));
  const samplesPath = join(root, "samples.ndjson");
  let monoMs = 0;
  const os = fakeHost(64, 512);
  const sampler = new Sampler({
    samplesPath,
    intervalMs: 60_000, // no timer tick between start and stop: the two samples are the test's
    phase: "train",
    procRoot,
    sysRoot,
    platform: "linux",
    os,
    env: {},
    nvidiaSmi: null,
    now: () => 1_700_000_000_000,
    monotonicNow: () => monoMs,
  });
  await sampler.start();
  // 10 s later: 64 CPUs x 10 s x 100 USER_HZ, all busy on the host; the job used half a core.
  writeFileSync(join(procRoot, "stat"), procStat(1_000 + 64_000, 0));
  if (jobUs !== null)
    writeFileSync(join(sysRoot, "fs", "cgroup", V2_LEAF, "cpu.stat"), `usage_usec ${jobUs}\nuser_usec 0\n`);
  monoMs = 10_000;
  await sampler.stop();
  afterStop?.(sysRoot);
  const machine = await loadMachine({ procRoot, sysRoot, nvidiaSmi: null, platform: "linux", os, env: {} });
  const report = await reportFromSamples({
    samplesPath,
    defaultPhase: "train",
    machine,
    metrics: { jobPath: join(root, "no-metrics.json"), phaseFiles: [] },
    carbon: null,
    identity: localIdentity("train"),
    env: {},
    command: null,
    exitCode: 0,
    signal: null,
    warnings: [],
    createdAt: new Date(1_700_000_010_000),
  });
  return { report, machine };
}

describe("the job's cgroup share through the sampler and the report", () => {
  it("fully busy host, job at half a core of a 2-core cpu.max, 8 GiB memory.max on a 512 GiB host", async () => {
    const { report, machine } = await measureTenSeconds("v2", 5_000_000);
    expect(report.hardware.cpu.threads).toBe(2);
    expect(report.hardware.memoryGB).toBe(8);
    expect(report.hardware.attribution).toMatchObject({
      scope: "cgroup",
      cpuSource: "cgroup-usage",
      memorySource: "memory.max",
      hostCpus: 64,
      hostMemoryGB: 512,
    });
    const phase = report.phases[0]!;
    expect(phase.meanCpuUtil).toBeCloseTo(0.25, 12);
    const cpu = phase.components.find((c) => c.component === "cpu")!;
    expect(cpu.method).toBe("cpu-model");
    expect(cpu.detail).toMatch(/x 2 vCPUs/);
    expect(cpu.energyWh).toBeCloseTo((machine.models.cpu.powerW(0.25).w * 10) / 3_600, 12);
    const memory = phase.components.find((c) => c.component === "memory")!;
    expect(memory.detail).toMatch(/^8 GB x/);
    expect(report.warnings.join("\n")).not.toMatch(/mixes the two/);
  });

  it("a limit that changed between the sampler's start and the report is said, not mixed silently", async () => {
    const { report } = await measureTenSeconds("v2", 5_000_000, (sysRoot) => {
      writeFileSync(join(sysRoot, "fs", "cgroup", V2_LEAF, "cpu.max"), "max 100000\n");
      writeFileSync(join(sysRoot, "fs", "cgroup", V2_LEAF, "memory.max"), "max\n");
    });
    expect(report.hardware.attribution?.scope).toBe("host");
    expect(report.warnings.join("\n")).toMatch(
      /the sampler measured utilisation of the job's cgroup over 2 vCPUs, but the power model now sees the host with 64 vCPUs/,
    );
  });

  it("without a cgroup limit the figures are the host's, the same as without any cgroup file", async () => {
    const unlimited = await measureTenSeconds("no-limit", null);
    expect(unlimited.report.hardware.attribution?.scope).toBe("host");
    expect(unlimited.report.hardware.cpu.threads).toBe(64);
    expect(unlimited.report.hardware.memoryGB).toBe(512);
    expect(unlimited.report.phases[0]!.meanCpuUtil).toBe(1);
    // "root" has no limits either: the reason differs, every figure is the same.
    const root = await measureTenSeconds("root", null);
    expect(root.report.hardware.attribution?.reason).toMatch(/root cgroup/);
    const figures = (r: typeof root.report) => ({
      energyWh: r.energyWh,
      lowWh: r.lowWh,
      highWh: r.highWh,
      cpu: r.hardware.cpu,
      memoryGB: r.hardware.memoryGB,
    });
    expect(figures(unlimited.report)).toEqual(figures(root.report));
  });
});
