import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseReportJson } from "../../src/model/report.js";
import { fastRunArgs, runBundledCli } from "../support/cli.js";

const FIXTURES = join(process.cwd(), "test", "fixtures", "cgroup");

describe.skipIf(process.platform !== "linux")("ml-footprint run in a limited cgroup (fake roots)", () => {
  it("charges the job its cgroup's share: 1 vCPU, 1 GiB, its own (idle) CPU time, not the host's", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlf-cli-cg-"));
    const out = join(dir, "report.json");
    // The command keeps this machine's CPU busy; the fake cgroup's counter does not move.
    const result = await runBundledCli(
      fastRunArgs(out, [process.execPath, "-e", "const t=Date.now();while(Date.now()-t<500);"]),
      {
        ML_FOOTPRINT_PROC_ROOT: join(FIXTURES, "namespaced", "proc"),
        ML_FOOTPRINT_SYS_ROOT: join(FIXTURES, "namespaced", "sys"),
      },
    );
    expect(result.code).toBe(0);
    const report = parseReportJson(readFileSync(out, "utf8"), out);
    expect(report.hardware.attribution).toMatchObject({ scope: "cgroup", cpuSource: "cgroup-usage" });
    expect(report.hardware.cpu.threads).toBe(1);
    expect(report.hardware.memoryGB).toBe(1);
    expect(report.phases[0]!.meanCpuUtil).toBe(0);
    expect(result.stderr).toMatch(/share — the job's cgroup: cgroup v2 \/: CPU quota 1 core /);
  });

  it("the Done-when machine: cpu.max of 2 cores on a 64-CPU host, memory.max 8 GiB of 512 GiB", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlf-cli-cg-"));
    cpSync(join(FIXTURES, "v2"), dir, { recursive: true });
    // The host as the fake proc tree describes it (the files node:os reads on Linux): 64 CPUs, all busy; 512 GiB.
    const cpus = Array.from({ length: 64 }, (_, i) => `cpu${i} 100 0 0 0 0 0 0 0 0 0`).join("\n");
    writeFileSync(join(dir, "proc", "stat"), `cpu  6400 0 0 0 0 0 0 0 0 0\n${cpus}\n`);
    writeFileSync(join(dir, "proc", "meminfo"), `MemTotal:       ${512 * 1024 * 1024} kB\n`);
    writeFileSync(join(dir, "proc", "self", "status"), "Name:\tnode\nCpus_allowed_list:\t0-63\n");
    const out = join(dir, "report.json");
    const result = await runBundledCli(fastRunArgs(out, [process.execPath, "-e", ""]), {
      ML_FOOTPRINT_PROC_ROOT: join(dir, "proc"),
      ML_FOOTPRINT_SYS_ROOT: join(dir, "sys"),
    });
    expect(result.code, result.stderr).toBe(0);
    const report = parseReportJson(readFileSync(out, "utf8"), out);
    expect(report.hardware.cpu.threads).toBe(2);
    expect(report.hardware.memoryGB).toBe(8);
    expect(report.hardware.attribution).toMatchObject({
      scope: "cgroup",
      cpuSource: "cgroup-usage",
      memorySource: "memory.max",
      hostCpus: 64,
      hostMemoryGB: 512,
    });
    expect(report.hardware.attribution?.reason).toMatch(
      /2 vCPUs of 64 host CPUs, memory limit 8 GiB of 512 GiB/,
    );
  });

  it("without a memory limit the job is charged what its cgroup used, read after the command", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlf-cli-cg-"));
    cpSync(join(FIXTURES, "quota-below-core"), dir, { recursive: true });
    const current = join(dir, "sys", "fs", "cgroup", "docker", "5e6f", "memory.current");
    const out = join(dir, "report.json");
    // The command grows the cgroup to 3 GiB (memory.current; this kernel has no memory.peak) before it ends.
    const grow = `require("fs").writeFileSync(${JSON.stringify(current)}, String(3 * 2 ** 30))`;
    const result = await runBundledCli(fastRunArgs(out, [process.execPath, "-e", grow]), {
      ML_FOOTPRINT_PROC_ROOT: join(dir, "proc"),
      ML_FOOTPRINT_SYS_ROOT: join(dir, "sys"),
    });
    expect(result.code, result.stderr).toBe(0);
    const report = parseReportJson(readFileSync(out, "utf8"), out);
    expect(report.hardware.attribution).toMatchObject({ scope: "cgroup", memorySource: "memory.current" });
    expect(report.hardware.cpu.threads).toBe(1);
    expect(report.hardware.memoryGB).toBe(3);
  });
});
