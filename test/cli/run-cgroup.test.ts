import { cpSync, mkdtempSync, readFileSync } from "node:fs";
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
