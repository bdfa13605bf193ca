import { describe, expect, it } from "vitest";
import { getHardwareInventory, parseCpuId } from "../../src/measure/inventory.js";
import type { OsLike, SiLike } from "../../src/measure/inventory.js";

const GiB = 2 ** 30;
const fakeOs: OsLike = {
  cpus: () => Array.from({ length: 8 }, () => ({ model: "Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz" })),
  totalmem: () => 16 * GiB,
  availableParallelism: () => 4,
};

function fakeSi(overrides: Partial<SiLike> = {}): SiLike {
  return {
    cpu: async () => ({
      manufacturer: "AMD",
      brand: "EPYC 7763 64-Core Processor",
      physicalCores: 2,
      cores: 4,
    }),
    mem: async () => ({ total: 16.77 * GiB }),
    ...overrides,
  };
}

describe("getHardwareInventory", () => {
  it("combines manufacturer and brand, uses the job's usable threads and memory in GB", async () => {
    expect(await getHardwareInventory({ si: fakeSi(), os: fakeOs })).toEqual({
      brand: "AMD EPYC 7763 64-Core Processor",
      threads: 4,
      cores: 2,
      memoryGB: 16.77,
    });
  });

  it('keeps the CPUID vendor/family/model for a brand without a model number ("AMD EPYC", family 25 model 1)', async () => {
    const si = fakeSi({
      cpu: async () => ({
        manufacturer: "AMD",
        brand: "EPYC",
        physicalCores: 2,
        cores: 4,
        vendor: "AuthenticAMD",
        family: "25",
        model: "1",
      }),
    });
    const inventory = await getHardwareInventory({ si, os: fakeOs });
    expect(inventory.brand).toBe("AMD EPYC");
    expect(inventory.cpuId).toEqual({ vendor: "AuthenticAMD", family: 25, model: 1 });
    expect(parseCpuId("AMD", "23", "49")).toEqual({ vendor: "AuthenticAMD", family: 23, model: 49 });
    expect(parseCpuId("Intel", "6", "85")).toEqual({ vendor: "GenuineIntel", family: 6, model: 85 });
    expect(parseCpuId("AuthenticAMD", "", "1")).toBeNull();
    expect(parseCpuId(undefined, "25", "1")).toBeNull();
  });

  it("does not repeat the manufacturer already in the brand", async () => {
    const si = fakeSi({
      cpu: async () => ({ manufacturer: "Apple", brand: "Apple M1 (Virtual)", physicalCores: 3, cores: 3 }),
    });
    expect((await getHardwareInventory({ si, os: fakeOs })).brand).toBe("Apple M1 (Virtual)");
  });

  it("falls back to node:os when systeminformation fails", async () => {
    const si = fakeSi({ mem: async () => Promise.reject(new Error("boom")) });
    expect(await getHardwareInventory({ si, os: fakeOs })).toEqual({
      brand: "Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz",
      threads: 4,
      cores: null,
      memoryGB: 16,
    });
  });

  it("falls back when systeminformation hangs, within the bound", async () => {
    const si = fakeSi({ cpu: () => new Promise(() => {}) });
    const inventory = await getHardwareInventory({ si, os: fakeOs, timeoutMs: 50 });
    expect(inventory.cores).toBeNull();
    expect(inventory.memoryGB).toBe(16);
  });

  it("counts CPUs when availableParallelism is missing", async () => {
    const os: OsLike = { cpus: fakeOs.cpus, totalmem: fakeOs.totalmem };
    expect((await getHardwareInventory({ si: fakeSi(), os })).threads).toBe(8);
  });

  it("reads this machine through systeminformation once and caches it", async () => {
    const first = getHardwareInventory();
    expect(getHardwareInventory()).toBe(first);
    const inventory = await first;
    expect(inventory.threads).toBeGreaterThan(0);
    expect(inventory.memoryGB).toBeGreaterThan(0);
    expect(inventory.brand.length).toBeGreaterThan(0);
  });
});
