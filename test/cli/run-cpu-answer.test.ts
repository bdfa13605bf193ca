/**
 * One CPU answer per machine, through the bundled CLI: the same EPYC 7763 runner named by its brand string, or only
 * as "AMD EPYC" with its CPUID family/model, gets CPU power within 5 % and each inside the other's range. The fake
 * /proc under ML_FOOTPRINT_PROC_ROOT carries the cpuinfo and a /proc/stat whose counters this test advances at
 * exactly 50 % busy on every write, so every interval the sampler reads is 50 % whatever the timing.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseReportJson, type ComponentEnergy } from "../../src/model/report.js";
import { fastRunArgs, runBundledCli } from "../support/cli.js";

const EPYC_CPUINFO = readFileSync(
  join(process.cwd(), "test", "fixtures", "proc", "cpuinfo-epyc-7763", "cpuinfo"),
  "utf8",
);

function fakeProc(cpuinfo: string): { dir: string; stop: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "mlf-proc-"));
  writeFileSync(join(dir, "cpuinfo"), cpuinfo);
  // Rewritten in place at a fixed width, never replaced: the sampler keeps /proc/stat open between ticks (one
  // pread per tick), as procfs allows, so a renamed-over file would never be seen again.
  const fd = openSync(join(dir, "stat"), "w+");
  let ticks = 0;
  const write = () => {
    ticks += 100;
    // user = busy half, idle = the other half: every delta between two reads is 50 % busy
    const half = String(ticks / 2).padStart(12, "0");
    writeSync(fd, `cpu  ${half} 0 0 ${half} 0 0 0 0 0 0\n`, 0);
  };
  write();
  const timer = setInterval(write, 10);
  return {
    dir,
    stop: () => {
      clearInterval(timer);
      closeSync(fd);
    },
  };
}

async function cpuOf(cpuinfo: string): Promise<ComponentEnergy> {
  const proc = fakeProc(cpuinfo);
  const out = join(proc.dir, "report.json");
  try {
    const result = await runBundledCli(fastRunArgs(out, [process.execPath, "-e", "setTimeout(()=>{},900)"]), {
      ML_FOOTPRINT_PROC_ROOT: proc.dir,
    });
    expect(result.code, result.stderr).toBe(0);
  } finally {
    proc.stop();
  }
  const report = parseReportJson(readFileSync(out, "utf8"), out);
  const cpu = report.phases[0]!.components.find((c) => c.component === "cpu");
  if (!cpu) throw new Error("no CPU component in the report");
  return cpu;
}

describe("one CPU answer per machine through `ml-footprint run` (fake /proc/cpuinfo under ML_FOOTPRINT_PROC_ROOT)", () => {
  it("EPYC 7763 by brand string and by CPUID alone: within 5 %, each inside the other's range", async () => {
    const byBrand = await cpuOf(EPYC_CPUINFO);
    const byCpuId = await cpuOf(EPYC_CPUINFO.replace(/model name\t: .*/, "model name\t: AMD EPYC"));
    expect(byBrand.detail).toMatch(/AMD EPYC 7763, AMD Zen 3 \(EPYC 7003 Milan\) \(CPU table\)/);
    expect(byCpuId.detail).toMatch(/AMD EPYC \(AMD Zen 3 \(EPYC 7003 Milan\) by CPUID family\/model/);
    const a = byBrand.meanPowerW;
    const b = byCpuId.meanPowerW;
    expect(a).toBeGreaterThan(0);
    expect(Math.abs(a - b) / b).toBeLessThanOrEqual(0.05);
    // ranges as mean powers: low/high energy over energy, times the mean power
    const rangeOf = (c: ComponentEnergy) => [
      (c.lowWh / c.energyWh) * c.meanPowerW,
      (c.highWh / c.energyWh) * c.meanPowerW,
    ];
    const [aLow, aHigh] = rangeOf(byBrand);
    const [bLow, bHigh] = rangeOf(byCpuId);
    expect(a).toBeGreaterThanOrEqual(bLow! - 1e-9);
    expect(a).toBeLessThanOrEqual(bHigh! + 1e-9);
    expect(b).toBeGreaterThanOrEqual(aLow! - 1e-9);
    expect(b).toBeLessThanOrEqual(aHigh! + 1e-9);
  }, 120_000);

  it("Linux arm64 (#24): a Neoverse-N1 cpuinfo (implementer 0x41, part 0xd0c) gets CCF's Graviton2 figure, not the generic range", async () => {
    const graviton = readFileSync(
      join(process.cwd(), "test", "fixtures", "proc", "cpuinfo-graviton2", "cpuinfo"),
      "utf8",
    );
    const cpu = await cpuOf(graviton);
    expect(cpu.provenance).toBe("modelled");
    expect(cpu.detail).toMatch(/Neoverse N1 \(AWS Graviton2, Ampere Altra\) by CPUID family\/model/);
    expect(cpu.detail).toMatch(/Graviton2 \(CCF uses its EPYC 2nd Gen figures\)/);
  }, 120_000);
});
