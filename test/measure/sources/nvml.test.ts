/**
 * The NVML helper (src/measure/sources/nvml_reader.py, python3 + ctypes) against the fake libnvidia-ml.so.1
 * compiled from test/fixtures/fake-nvml/fake_nvml.c and found through LD_LIBRARY_PATH, the production path.
 * Every wait is bounded by a readiness signal (the helper's answers), never a sleep.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startNvmlReader, type NvmlReader } from "../../../src/measure/sources/nvml.js";
import { buildFakeNvml } from "../../support/fake-nvml.js";

const built = buildFakeNvml();
const readers: NvmlReader[] = [];

function reader(config: string[] | null, extraEnv: Record<string, string> = {}, python?: string) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...extraEnv };
  if (built.fake) {
    env.LD_LIBRARY_PATH = built.fake.libDir;
    if (config) env.FAKE_NVML_CONFIG = built.fake.config(config);
  }
  const r = startNvmlReader({ env, python, readyTimeoutMs: 60_000 });
  readers.push(r);
  return r;
}

afterEach(async () => {
  await Promise.all(readers.splice(0).map((r) => r.stop()));
});

describe.skipIf(built.fake === null)(`NVML helper with the fake library ${built.skipReason ?? ""}`, () => {
  it("lists devices by UUID and reads counters that grow; NOT_SUPPORTED and a lost GPU answer their codes", async () => {
    const r = reader(["GPU-a 400000 ok", "GPU-b 150000 not-supported", "GPU-c 300000 lost 1"]);
    expect(await r.ready).toMatchObject({ ok: true, uuids: ["GPU-a", "GPU-b", "GPU-c"] });
    const first = await r.read(60_000);
    const second = await r.read(60_000);
    expect(first?.err).toEqual([0, 3, 0]);
    expect(first?.e[0]).toBeGreaterThanOrEqual(1e9);
    expect(first?.e[1]).toBeNull();
    expect(second!.e[0]!).toBeGreaterThanOrEqual(first!.e[0]!);
    expect(second?.err).toEqual([0, 3, 15]);
    expect(second?.e[2]).toBeNull();
  }, 120_000);

  it("one answer per tick: power (the averaged field where it answers), utilisation, memory and the counter", async () => {
    const r = reader([
      "GPU-a 400000 ok sampled=312500 name=NVIDIA_H100_80GB_HBM3 limit=700000 mem=81559 util=45",
      "GPU-b 150000 not-supported avg=na",
    ]);
    expect(await r.ready).toEqual({
      ok: true,
      uuids: ["GPU-a", "GPU-b"],
      devices: [
        { name: "NVIDIA H100 80GB HBM3", limitW: 700, memTotalMiB: 81559, powerField: "power.draw.average" },
        { name: "Fake GPU", limitW: 700, memTotalMiB: 81559, powerField: "power.draw" },
      ],
    });
    const read = await r.read(60_000, true);
    expect(read?.power).toEqual({
      w: [312.5, 150],
      u: [0.45, 0.5],
      memUsedMiB: [Math.floor(81559 / 4), Math.floor(81559 / 4)],
      averaged: [true, false],
    });
    expect(read?.err).toEqual([0, 3]);
    // Without asking for power: the counter only (the older request, still understood).
    expect((await r.read(60_000))?.power).toBeUndefined();
  }, 120_000);

  it("a delayed read is answered when it falls due (the reader is the tick's clock); a newer read replaces one still waiting", async () => {
    const r = reader(["GPU-a 400000 ok"]);
    expect((await r.ready).ok).toBe(true);
    const replaced = r.read(60_000, true, 60_000);
    const atOnce = await r.read(60_000, true);
    expect(atOnce?.power?.w).toEqual([400]);
    expect(await replaced).toBeNull();
    const askedAt = performance.now();
    const due = await r.read(60_000, true, 300);
    expect(due?.err).toEqual([0]);
    // A lower bound only: the answer never comes before it falls due (a loaded machine only makes it later).
    expect(performance.now() - askedAt).toBeGreaterThanOrEqual(290);
  }, 120_000);

  it("a subscription answers every period (the same request, nothing more to write) until a read replaces it", async () => {
    const r = reader(["GPU-a 400000 ok"]);
    expect((await r.ready).ok).toBe(true);
    const answers: (number | null)[] = [];
    await new Promise<void>((resolve) =>
      r.subscribe(0, 50, (read) => {
        answers.push(read?.e[0] ?? null);
        if (answers.length === 3) resolve();
      }),
    );
    expect(answers.every((e) => e !== null)).toBe(true);
    expect(answers[2]!).toBeGreaterThanOrEqual(answers[0]!);
    expect((await r.read(60_000, true))?.err).toEqual([0]);
    const counted = answers.length;
    // Six periods later (a delayed read is answered no earlier), the replaced subscription has not answered.
    expect((await r.read(60_000, true, 300))?.err).toEqual([0]);
    expect(answers.length).toBe(counted);
  }, 120_000);

  it("nvmlInit failing is 'unavailable' with the code, not an error", async () => {
    const r = reader(["GPU-a 1 ok"], { FAKE_NVML_INIT: "9" });
    expect(await r.ready).toEqual({ ok: false, reason: "nvmlInit_v2 returned 9" });
    expect(await r.read(1_000)).toBeNull();
  }, 120_000);
});

describe("NVML helper without NVML", () => {
  it("no libnvidia-ml.so.1 on the loader's path: unavailable, with the loader's reason", async () => {
    const r = startNvmlReader({ env: { PATH: process.env.PATH }, readyTimeoutMs: 60_000 });
    readers.push(r);
    const hello = await r.ready;
    expect(hello.ok).toBe(false);
    expect(!hello.ok && hello.reason).toMatch(/libnvidia-ml\.so\.1 could not be loaded/);
  }, 120_000);

  it("no python3: unavailable, 'not found'", async () => {
    const r = reader(null, {}, "/nonexistent/python3");
    expect(await r.ready).toEqual({ ok: false, reason: "/nonexistent/python3 not found" });
    expect(await r.read(1_000)).toBeNull();
  }, 120_000);
});
