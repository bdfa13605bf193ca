import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { discoverRapl, RaplFiles, readRaplCounters } from "../../../src/measure/sources/rapl.js";

type Tree = Record<string, string | { link: string }>;
const TREES = JSON.parse(
  readFileSync(new URL("../../fixtures/sys/powercap-trees.json", import.meta.url), "utf8"),
) as Record<string, Tree>;

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** Write a fixture tree under a fresh tmpdir; returns the sysRoot. */
function materialise(name: string): string {
  const tree = TREES[name];
  if (!tree) throw new Error(`no tree ${name}`);
  const sysRoot = mkdtempSync(join(tmpdir(), "sys-"));
  roots.push(sysRoot);
  const base = join(sysRoot, "class", "powercap");
  for (const [path, value] of Object.entries(tree)) {
    const target = join(base, path);
    mkdirSync(dirname(target), { recursive: true });
    if (typeof value === "string") writeFileSync(target, `${value}\n`);
  }
  for (const [path, value] of Object.entries(tree)) {
    if (typeof value !== "string") symlinkSync(value.link, join(base, path));
  }
  return sysRoot;
}

describe("discoverRapl", () => {
  it("finds packages and their dram sub-domains once each (symlinked and nested)", async () => {
    const sysRoot = materialise("xeon-2s");
    const { domains, unavailableReason } = await discoverRapl(sysRoot);
    expect(unavailableReason).toBeNull();
    expect(domains.map((d) => d.id).sort()).toEqual(["dram-0", "dram-1", "package-0", "package-1"]);
    const dram0 = domains.find((d) => d.id === "dram-0");
    expect(dram0?.maxEnergyRangeUj).toBe(65712999613);
    expect(readFileSync(dram0?.path ?? "", "utf8").trim()).toBe("9123456789");
  });

  it("does not double count core/uncore, psys or the MMIO duplicate", async () => {
    const { domains } = await discoverRapl(materialise("laptop"));
    expect(domains).toEqual([
      {
        id: "package-0",
        path: expect.stringMatching(/intel-rapl:0\/energy_uj$/),
        maxEnergyRangeUj: 262143328850,
      },
    ]);
  });

  it("accepts amd-rapl naming", async () => {
    const { domains } = await discoverRapl(materialise("amd"));
    expect(domains.map((d) => [d.id, d.maxEnergyRangeUj])).toEqual([["package-0", 65532610987]]);
  });

  it("says why when there is no powercap or no RAPL zone", async () => {
    const missing = await discoverRapl(join(tmpdir(), "no-such-sys-root"));
    expect(missing.domains).toEqual([]);
    expect(missing.unavailableReason).toMatch(/no RAPL powercap interface/);
    const empty = await discoverRapl(materialise("empty"));
    expect(empty.unavailableReason).toMatch(/no RAPL package domain/);
    expect([missing.absent, empty.absent]).toEqual([true, true]);
  });

  it("reports EACCES (root-only since Linux 5.10) with the fix, via an injected reader", async () => {
    const sysRoot = materialise("xeon-2s");
    const readText = async (path: string) => {
      if (path.endsWith("energy_uj")) {
        throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: "EACCES" });
      }
      return readFile(path, "utf8");
    };
    const { domains, unavailableReason, absent } = await discoverRapl(sysRoot, { readText });
    expect(domains).toEqual([]);
    expect(absent).toBe(false);
    expect(unavailableReason).toMatch(/RAPL unreadable \(.*package-0.*EACCES/);
    expect(unavailableReason).toMatch(/CVE-2020-8694/);
    expect(unavailableReason).toMatch(/chmod o\+r/);
  });

  it("treats an unreadable package counter on the real file system as unavailable (energy_uj a directory)", async () => {
    const sysRoot = materialise("amd");
    const counter = join(sysRoot, "class", "powercap", "amd-rapl:0", "energy_uj");
    rmSync(counter);
    mkdirSync(counter);
    const { domains, unavailableReason } = await discoverRapl(sysRoot);
    expect(domains).toEqual([]);
    expect(unavailableReason).toMatch(/EISDIR/);
  });

  it("drops only an unreadable dram domain (memory is then modelled)", async () => {
    const sysRoot = materialise("xeon-2s");
    writeFileSync(join(sysRoot, "class/powercap/intel-rapl:1/intel-rapl:1:0/energy_uj"), "garbage\n");
    const { domains, unavailableReason } = await discoverRapl(sysRoot);
    expect(unavailableReason).toBeNull();
    expect(domains.map((d) => d.id).sort()).toEqual(["dram-0", "package-0", "package-1"]);
  });
});

describe("readRaplCounters", () => {
  it("reads current counters and follows changes, leaving out unreadable ones", async () => {
    const sysRoot = materialise("xeon-2s");
    const { domains } = await discoverRapl(sysRoot);
    expect(readRaplCounters(domains)).toEqual({
      "package-0": 48291746563,
      "dram-0": 9123456789,
      "package-1": 51122334455,
      "dram-1": 8877665544,
    });
    writeFileSync(join(sysRoot, "class/powercap/intel-rapl:0/energy_uj"), "48301746563\n");
    writeFileSync(join(sysRoot, "class/powercap/intel-rapl:1/energy_uj"), "[N/A]\n");
    rmSync(join(sysRoot, "class/powercap/intel-rapl:1/intel-rapl:1:0/energy_uj"));
    expect(readRaplCounters(domains)).toEqual({ "package-0": 48301746563, "dram-0": 9123456789 });
  });

  it("kept open between ticks (RaplFiles): each read is afresh from the file's start", async () => {
    const sysRoot = materialise("xeon-2s");
    const { domains } = await discoverRapl(sysRoot);
    const files = new RaplFiles();
    expect(readRaplCounters(domains, files)["package-0"]).toBe(48291746563);
    writeFileSync(join(sysRoot, "class/powercap/intel-rapl:0/energy_uj"), "48301746563\n");
    expect(readRaplCounters(domains, files)["package-0"]).toBe(48301746563);
    files.close();
    writeFileSync(join(sysRoot, "class/powercap/intel-rapl:0/energy_uj"), "48311746563\n");
    // Closed: the next read opens the file again.
    expect(readRaplCounters(domains, files)["package-0"]).toBe(48311746563);
    files.close();
  });
});
