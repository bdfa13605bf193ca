import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { CpuInfo } from "node:os";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  cpuTimesFromOs,
  createCpuUtilReader,
  parseProcStatCpu,
  utilizationBetween,
} from "../../../src/measure/sources/proc-stat.js";

const fixture = (path: string) => fileURLToPath(new URL(`../../fixtures/proc/${path}`, import.meta.url));

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** Reads the utilization after each snapshot of a fixture sequence, through a fake procRoot. */
function readSequence(name: string, count: number): (number | null)[] {
  const procRoot = mkdtempSync(join(tmpdir(), "proc-"));
  roots.push(procRoot);
  const reader = createCpuUtilReader(procRoot, { platform: "linux" });
  const results: (number | null)[] = [];
  for (let i = 0; i < count; i++) {
    copyFileSync(fixture(`${name}/stat.${i}`), join(procRoot, "stat"));
    results.push(reader.read());
  }
  return results;
}

describe("parseProcStatCpu", () => {
  it("sums busy and total from the aggregate line, not counting guest twice", () => {
    expect(parseProcStatCpu("cpu  100 10 50 800 20 5 15 0 70 0\ncpu0 1 2 3 4\n")).toEqual({
      busy: 180,
      total: 1000,
    });
  });

  it("counts steal as elapsed but not busy", () => {
    expect(parseProcStatCpu("cpu  100 0 0 100 0 0 0 200 0 0")).toEqual({ busy: 100, total: 400 });
  });

  it("accepts the 4-field line of old kernels and rejects malformed ones", () => {
    expect(parseProcStatCpu(readFileSync(fixture("odd/stat.four-fields"), "utf8"))).toEqual({
      busy: 150,
      total: 1000,
    });
    expect(parseProcStatCpu(readFileSync(fixture("odd/stat.garbage"), "utf8"))).toBeNull();
    expect(parseProcStatCpu("cpu0 1 2 3 4 5\n")).toBeNull();
    expect(parseProcStatCpu("")).toBeNull();
  });
});

describe("createCpuUtilReader (linux, fake /proc)", () => {
  it("primes on the first read, then gives utilization since the previous read", () => {
    expect(readSequence("runner-4vcpu", 4)).toEqual([null, 0.1, 0.5, 1]);
  });

  it("does not count steal time as our work", () => {
    expect(readSequence("steal", 2)).toEqual([null, 0.5]);
  });

  it("returns null, not a negative figure, when counters go backwards, then resumes", () => {
    expect(readSequence("backwards", 3)).toEqual([null, null, 0.5]);
  });

  it("returns null when /proc/stat is missing", () => {
    const reader = createCpuUtilReader(join(tmpdir(), "no-such-proc"), { platform: "linux" });
    expect(reader.read()).toBeNull();
    expect(reader.read()).toBeNull();
  });
});

describe("createCpuUtilReader (os.cpus fallback)", () => {
  const cpu = (user: number, sys: number, idle: number): CpuInfo => ({
    model: "Apple M1 (Virtual)",
    speed: 2400,
    times: { user, nice: 0, sys, idle, irq: 0 },
  });

  it("uses os.cpus() times with the same math off Linux", () => {
    const snapshots = [
      [cpu(1000, 500, 8500), cpu(2000, 500, 7500)],
      [cpu(1300, 600, 8600), cpu(2100, 500, 7900)],
    ];
    let call = 0;
    const reader = createCpuUtilReader("/proc", { platform: "darwin", cpus: () => snapshots[call++] ?? [] });
    expect(reader.read()).toBeNull();
    // busy +400+100 = 500 of 1000
    expect(reader.read()).toBe(0.5);
    expect(reader.read()).toBeNull(); // no CPUs reported
  });

  it("cpuTimesFromOs and utilizationBetween agree with the /proc math", () => {
    expect(cpuTimesFromOs([])).toBeNull();
    expect(cpuTimesFromOs([cpu(10, 5, 85)])).toEqual({ busy: 15, total: 100 });
    expect(utilizationBetween({ busy: 10, total: 100 }, { busy: 10, total: 100 })).toBeNull();
    expect(utilizationBetween({ busy: 10, total: 100 }, { busy: 40, total: 120 })).toBeNull();
  });
});
