import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { brandLabel, getHardwareInventory, parseCpuId } from "../../src/measure/inventory.js";
import type { OsLike } from "../../src/measure/inventory.js";

const GiB = 2 ** 30;
const fakeOs: OsLike = {
  cpus: () => Array.from({ length: 8 }, () => ({ model: "Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz" })),
  totalmem: () => 16 * GiB,
  availableParallelism: () => 4,
};
const proc = (name: string) => join(process.cwd(), "test", "fixtures", "proc", name);

describe("getHardwareInventory", () => {
  it("an Intel VM: systeminformation's label, cores from the core ids, the job's usable threads, memory in GB", async () => {
    expect(await getHardwareInventory({ procRoot: proc("cpuinfo-xeon-8370c"), os: fakeOs })).toEqual({
      brand: "Intel Xeon® Platinum 8370C",
      threads: 4,
      cores: 2,
      memoryGB: 16,
      cpuId: { vendor: "GenuineIntel", family: 6, model: 106 },
    });
  });

  it("an AMD runner: the label as the CPU names itself; hyper-threads of one core count once", async () => {
    const inventory = await getHardwareInventory({ procRoot: proc("cpuinfo-epyc-7763"), os: fakeOs });
    expect(inventory).toMatchObject({ brand: "AMD EPYC 7763 64-Core Processor", cores: 1 });
    expect(inventory.cpuId).toEqual({ vendor: "AuthenticAMD", family: 25, model: 1 });
  });

  it("arm64: the core named from its implementer and part ids, as lscpu does; no CPUID, no core count", async () => {
    const inventory = await getHardwareInventory({ procRoot: proc("cpuinfo-graviton2"), os: fakeOs });
    expect(inventory).toEqual({
      brand: "Neoverse-N1",
      threads: 4,
      cores: null,
      memoryGB: 16,
      cpuId: { vendor: "ARM", family: 0x41, model: 0xd0c },
    });
  });

  it("an unknown ARM part or no /proc (macOS, Windows): node:os's model line, by the same rule", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlf-cpuinfo-"));
    writeFileSync(join(dir, "cpuinfo"), "processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: 0xfff\n");
    for (const procRoot of [dir, join(dir, "missing")]) {
      expect(await getHardwareInventory({ procRoot, os: fakeOs })).toMatchObject({
        brand: "Intel Xeon® Platinum 8370C",
        threads: 4,
        cores: null,
        memoryGB: 16,
      });
    }
    // the unknown part still carries its ids (the CPU model names it generic)
    expect((await getHardwareInventory({ procRoot: dir, os: fakeOs })).cpuId).toEqual({
      vendor: "ARM",
      family: 0x41,
      model: 0xfff,
    });
  });

  it("macOS and Windows ask systeminformation (loaded only there); Linux never does", async () => {
    const asked: string[] = [];
    const si = (manufacturer: string, brand: string) => () => {
      asked.push(brand);
      return Promise.resolve({
        cpu: () => Promise.resolve({ manufacturer, brand, physicalCores: 6 }),
      });
    };
    const missing = join(tmpdir(), "mlf-no-proc");
    const mac = await getHardwareInventory({
      procRoot: missing,
      os: fakeOs,
      platform: "darwin",
      systemInformation: si("Apple", "M1"),
    });
    expect(mac).toMatchObject({ brand: "Apple M1", cores: 6, threads: 4 });
    const win = await getHardwareInventory({
      procRoot: missing,
      os: fakeOs,
      platform: "win32",
      systemInformation: si("Intel", "Xeon® Platinum 8272CL"),
    });
    expect(win.brand).toBe("Intel Xeon® Platinum 8272CL");
    const linux = await getHardwareInventory({
      procRoot: proc("cpuinfo-epyc-7763"),
      os: fakeOs,
      platform: "linux",
      systemInformation: si("x", "never"),
    });
    expect(linux.brand).toBe("AMD EPYC 7763 64-Core Processor");
    expect(asked).toEqual(["M1", "Xeon® Platinum 8272CL"]);
    // A failing systeminformation: node:os's model line, as before.
    const failing = await getHardwareInventory({
      procRoot: missing,
      os: fakeOs,
      platform: "darwin",
      systemInformation: () => Promise.reject(new Error("no sysctl")),
    });
    expect(failing).toMatchObject({ brand: "Intel Xeon® Platinum 8370C", cores: null });
  });

  it("counts CPUs when availableParallelism is missing", async () => {
    const os: OsLike = { cpus: fakeOs.cpus, totalmem: fakeOs.totalmem };
    expect((await getHardwareInventory({ procRoot: proc("cpuinfo-epyc-7763"), os })).threads).toBe(8);
  });

  it("reads this machine once and caches it", async () => {
    const first = getHardwareInventory();
    expect(getHardwareInventory()).toBe(first);
    const inventory = await first;
    expect(inventory.threads).toBeGreaterThan(0);
    expect(inventory.memoryGB).toBeGreaterThan(0);
    expect(inventory.brand.length).toBeGreaterThan(0);
  });
});

// Expected labels are what systeminformation 5.33.23 gives for these model lines: its own cpuManufacturer and
// cpuBrandManufacturer from lib/cpu.js, run on each line (and on 11 more, all identical to brandLabel) after
// the dependency was dropped, 2026-11-30. So base reports made with it still name the same hardware.
describe("brandLabel (systeminformation's rule)", () => {
  it.each([
    ["Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz", "Intel Xeon® Platinum 8370C"],
    ["Intel(R) Xeon(R) CPU E5-2673 v4 @ 2.30GHz", "Intel Xeon® E5-2673 v4"],
    ["AMD EPYC 7763 64-Core Processor", "AMD EPYC 7763 64-Core Processor"],
    ["AMD EPYC", "AMD EPYC"],
    ["Apple M1 (Virtual)", "Apple M1 (Virtual)"],
    ["Intel(R) Core(TM) i7-9750H CPU @ 2.60GHz", "Intel Core™ i7-9750H"],
    ["QEMU Virtual CPU version 2.5+", "QEMU Virtual version 2.5+"],
    ["Neoverse-N1", "Neoverse-N1"],
    // no manufacturer known: systeminformation's rule keeps the whole line as the manufacturer and repeats
    // the words after the first (its manufacturer + brand); reproduced as it is, for the same label
    ["Xen Virtual Processor", "Xen Virtual Processor Virtual Processor"],
    ["", ""],
  ])("%j → %j", (line, label) => {
    expect(brandLabel(line)).toBe(label);
  });

  it("parses CPUID vendor, family and model", () => {
    expect(parseCpuId("AMD", "23", "49")).toEqual({ vendor: "AuthenticAMD", family: 23, model: 49 });
    expect(parseCpuId("GenuineIntel", "6", "85")).toEqual({ vendor: "GenuineIntel", family: 6, model: 85 });
    expect(parseCpuId("AuthenticAMD", "", "1")).toBeNull();
    expect(parseCpuId(undefined, "25", "1")).toBeNull();
  });
});
