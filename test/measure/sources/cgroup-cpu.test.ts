import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createCgroupCpuReader } from "../../../src/measure/sources/cgroup-cpu.js";

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** How many of this process's descriptors name `path` (Linux /proc/self/fd). */
function openCount(path: string): number {
  let count = 0;
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      if (readlinkSync(join("/proc/self/fd", fd)) === path) count += 1;
    } catch {
      // closed meanwhile (readdir's own descriptor)
    }
  }
  return count;
}

describe.skipIf(process.platform !== "linux")("createCgroupCpuReader", () => {
  it("keeps cpu.stat open between ticks (one pread each), reads it afresh, and closes it at close()", () => {
    const dir = mkdtempSync(join(tmpdir(), "cgroup-cpu-"));
    roots.push(dir);
    const file = join(dir, "cpu.stat");
    writeFileSync(file, "usage_usec 1000000\nuser_usec 0\n");
    const reader = createCgroupCpuReader({ version: 2, file }, 2);
    expect(reader.read(0)).toBeNull(); // primes
    expect(openCount(file)).toBe(1);
    writeFileSync(file, "usage_usec 2000000\nuser_usec 0\n");
    // 1 s of CPU time in 1 s on 2 vCPUs: 50 %
    expect(reader.read(1_000)).toBe(0.5);
    expect(openCount(file)).toBe(1);
    reader.close();
    expect(openCount(file)).toBe(0);
  });
});
