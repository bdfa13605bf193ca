/**
 * NVML read in process (src/measure/sources/nvml-ffi.ts, through the vendored Koffi binary) against the fake
 * libnvidia-ml.so.1 (test/fixtures/fake-nvml/fake_nvml.c), side by side with the python3 helper on the same
 * scripted devices: both readers must answer the same facts. The library is loaded into this test process by
 * its path (LD_LIBRARY_PATH is read by the loader at process start only); the fake reads FAKE_NVML_CONFIG at
 * nvmlInit_v2, set here through process.env. The end-to-end path (the detached sampler loading it by soname) is in
 * test/measure/gpu-counter-run.test.ts.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  koffiBinaryPath,
  koffiTriplet,
  loadKoffi,
  openNvmlInProcess,
  type NvmlInProcess,
} from "../../../src/measure/sources/nvml-ffi.js";
import { startNvmlReader } from "../../../src/measure/sources/nvml.js";
import { nvmlReaderChoice } from "../../../src/measure/sampler-process.js";
import { buildFakeNvml } from "../../support/fake-nvml.js";

const built = buildFakeNvml();
const koffi = loadKoffi();
const opened: NvmlInProcess[] = [];
const savedEnv = { ...process.env };

afterEach(() => {
  for (const nvml of opened.splice(0)) nvml.close();
  for (const key of ["FAKE_NVML_CONFIG", "FAKE_NVML_INIT"]) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
});

async function openFake(config: string[], extra: Record<string, string> = {}) {
  const fake = built.fake!;
  if (!koffi.ok) throw new Error(koffi.reason);
  process.env.FAKE_NVML_CONFIG = fake.config(config);
  Object.assign(process.env, extra);
  const result = await openNvmlInProcess(koffi.koffi, join(fake.libDir, "libnvidia-ml.so.1"));
  if (result.ok) opened.push(result.nvml);
  return result;
}

const onThisPlatform = process.platform === "linux" && ["x64", "arm64"].includes(process.arch);

describe("the Koffi binary", () => {
  it.runIf(onThisPlatform)(
    "is found beside the sources (vendor/koffi) and loads, at the version vendored",
    async () => {
      const path = koffiBinaryPath();
      expect(path).toMatch(new RegExp(`vendor/koffi/${koffiTriplet()}/koffi\\.node$`));
      expect(koffi.ok).toBe(true);
      const manifest = (await import("../../../vendor/koffi/manifest.json", { with: { type: "json" } }))
        .default;
      expect(koffi.ok && koffi.koffi.version).toBe(manifest.version);
    },
  );

  it("is looked for beside a bundle's entry and one level up from a chunk", () => {
    const vendor = new URL("../../../vendor/", import.meta.url);
    const triplet = koffiTriplet();
    // vendor/ holds koffi/<triplet>/: an entry in vendor/ finds it at ./koffi, a "chunk" in vendor/koffi at ../koffi
    if (onThisPlatform) {
      expect(koffiBinaryPath(new URL("entry.js", vendor).href)).toMatch(/vendor\/koffi\/.+\/koffi\.node$/);
      expect(koffiBinaryPath(new URL("koffi/chunk.js", vendor).href)).toMatch(
        /vendor\/koffi\/.+\/koffi\.node$/,
      );
    }
    expect(koffiBinaryPath(new URL("entry.js", vendor).href, "plan9_mips")).toBeNull();
    expect(triplet).toBe(`${process.platform}_${process.arch}`);
  });

  it("not shipped, or not loadable: a reason, never an error (the caller uses the python3 helper)", () => {
    expect(loadKoffi(null)).toEqual({
      ok: false,
      reason: `no in-process NVML reader for ${koffiTriplet()} (Koffi binary not shipped)`,
    });
    const broken = loadKoffi(new URL("../../fixtures/fake-nvml/fake_nvml.c", import.meta.url).pathname);
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.reason).toMatch(/^Koffi could not be loaded \(/);
  });
});

describe("ML_FOOTPRINT_NVML_READER", () => {
  it("in-process by default; helper on request; anything else is an error naming the variable and the choices", () => {
    expect(nvmlReaderChoice({})).toBe("in-process");
    expect(nvmlReaderChoice({ ML_FOOTPRINT_NVML_READER: "" })).toBe("in-process");
    expect(nvmlReaderChoice({ ML_FOOTPRINT_NVML_READER: "helper" })).toBe("helper");
    expect(() => nvmlReaderChoice({ ML_FOOTPRINT_NVML_READER: "python" })).toThrow(
      'ML_FOOTPRINT_NVML_READER: "python" is not accepted; use "in-process" (the default) or "helper"',
    );
  });
});

describe.skipIf(built.fake === null || !koffi.ok)(
  `NVML in process with the fake library ${built.skipReason ?? (koffi.ok ? "" : koffi.reason)}`,
  () => {
    it("answers what the python3 helper answers: devices, power (averaged field first), utilisation, memory, counter codes", async () => {
      const config = [
        "GPU-a 400000 ok sampled=312500 name=NVIDIA_H100_80GB_HBM3 limit=700000 mem=81559 util=45",
        "GPU-b 150000 not-supported avg=na util=101",
        "GPU-c 300000 lost 1 limit=350000 mem=40536",
      ];
      const inProcess = await openFake(config);
      expect(inProcess.ok).toBe(true);
      if (!inProcess.ok) return;
      const helper = startNvmlReader({
        env: {
          PATH: process.env.PATH,
          LD_LIBRARY_PATH: built.fake!.libDir,
          FAKE_NVML_CONFIG: process.env.FAKE_NVML_CONFIG,
        },
        readyTimeoutMs: 60_000,
      });
      try {
        const hello = await helper.ready;
        expect(hello).toEqual({ ok: true, uuids: inProcess.nvml.uuids, devices: inProcess.nvml.devices });
        expect(inProcess.nvml.devices[0]).toEqual({
          name: "NVIDIA H100 80GB HBM3",
          limitW: 700,
          memTotalMiB: 81559,
          powerField: "power.draw.average",
        });
        // Two readings each: GPU-c is lost after its first counter read, in both processes.
        const helperReads = [await helper.read(60_000, true), await helper.read(60_000, true)];
        const inReads = [inProcess.nvml.read(), inProcess.nvml.read()];
        for (const [i, read] of inReads.entries()) {
          expect(read.power).toEqual(helperReads[i]!.power);
          expect(read.err).toEqual(helperReads[i]!.err);
          expect(read.e.map((e) => e === null)).toEqual(helperReads[i]!.e.map((e) => e === null));
        }
        expect(inReads[0]!.power).toEqual({
          w: [312.5, 150, 300],
          u: [0.45, null, 0.5], // 101 % is not a utilisation: null, as the helper's replies are read
          memUsedMiB: [Math.floor(81559 / 4), Math.floor(81559 / 4), Math.floor(40536 / 4)],
          averaged: [true, false, true],
        });
        expect(inReads[0]!.err).toEqual([0, 3, 0]);
        expect(inReads[1]!.err).toEqual([0, 3, 15]);
        // A tick reads power before the counter (as the helper does): the lost GPU's power fails a tick later.
        expect(inReads[1]!.power!.w[2]).toBe(300);
        expect(inProcess.nvml.read().power!.w[2]).toBeNull();
        // The counter: mJ since the (fake) driver's zero, growing.
        expect(inReads[0]!.e[0]).toBeGreaterThanOrEqual(1e9);
        expect(inReads[1]!.e[0]!).toBeGreaterThanOrEqual(inReads[0]!.e[0]!);
      } finally {
        await helper.stop();
      }
    }, 120_000);

    it("counts past 2^32 mJ exactly (the counter is an unsigned 64-bit value, read as two halves)", async () => {
      // 20 MW from 1e9 mJ: the fake's counter passes 2^32 mJ (4.29e9) about 0.17 s after nvmlInit; read until it
      // does (its power readings stay at 300 W).
      const result = await openFake(["GPU-big 20000000000 ok sampled=300000"]);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      let last = result.nvml.read().e[0]!;
      const deadline = Date.now() + 60_000;
      while (last < 2 ** 32 && Date.now() < deadline) {
        const next = result.nvml.read().e[0]!;
        expect(next).toBeGreaterThanOrEqual(last);
        last = next;
      }
      expect(last).toBeGreaterThan(2 ** 32);
      expect(last).toBeLessThan(2 ** 53);
    }, 120_000);

    it("after close (nvmlShutdown), every device answers NVML_ERROR_UNINITIALIZED and no reading", async () => {
      const result = await openFake(["GPU-a 400000 ok"]);
      if (!result.ok) throw new Error(result.reason);
      result.nvml.close();
      expect(result.nvml.read()).toEqual({
        e: [null],
        err: [1],
        power: { w: [null], u: [null], memUsedMiB: [null], averaged: [false] },
      });
    });

    it("NVML unusable: the reason and code, as the helper gives them (no library; nvmlInit_v2 failing)", async () => {
      if (!koffi.ok) return;
      const missing = await openNvmlInProcess(koffi.koffi, "/nonexistent/libnvidia-ml.so.1");
      expect(missing.ok).toBe(false);
      expect(!missing.ok && missing.reason).toMatch(
        /^\/nonexistent\/libnvidia-ml\.so\.1 could not be loaded \(/,
      );
      const init = await openFake(["GPU-a 400000 ok"], { FAKE_NVML_INIT: "9" });
      expect(init).toEqual({ ok: false, reason: "nvmlInit_v2 returned 9", code: 9 });
    });
  },
);
