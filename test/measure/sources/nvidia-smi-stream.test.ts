/**
 * The real stream against a fake nvidia-smi (test/fixtures/bin/nvidia-smi, a node script replaying
 * fixture files). Every wait is bounded; every test checks that no child is left running.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { startNvidiaSmiStream } from "../../../src/measure/sources/nvidia-smi.js";
import type { NvidiaSmiRow, NvidiaSmiStream } from "../../../src/measure/sources/nvidia-smi.js";

const FAKE = fileURLToPath(new URL("../../fixtures/bin/nvidia-smi", import.meta.url));
const fixture = (name: string) =>
  fileURLToPath(new URL(`../../fixtures/nvidia-smi/${name}`, import.meta.url));

async function waitFor(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Harness {
  stream: NvidiaSmiStream;
  rows: NvidiaSmiRow[];
  gaps: string[];
  warns: string[];
  pids(): number[];
}

// The cases run concurrently (each mostly waits on its own fake child): streams are stopped when all are done.
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function start(
  env: Record<string, string>,
  extra: Partial<Parameters<typeof startNvidiaSmiStream>[0]> = {},
): Harness {
  const dir = mkdtempSync(join(tmpdir(), "nvsmi-"));
  const pidFile = join(dir, "pids");
  const rows: NvidiaSmiRow[] = [];
  const gaps: string[] = [];
  const warns: string[] = [];
  const stream = startNvidiaSmiStream({
    binary: FAKE,
    intervalMs: 50,
    backoffMs: 20,
    env: { ...process.env, FAKE_NVIDIA_SMI_PIDFILE: pidFile, ...env },
    onRow: (row) => rows.push(row),
    onGap: (reason) => gaps.push(reason),
    onWarn: (message) => warns.push(message),
    ...extra,
  });
  const pids = () => {
    try {
      return readFileSync(pidFile, "utf8").trim().split("\n").filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  cleanups.push(async () => {
    await stream.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return { stream, rows, gaps, warns, pids };
}

describe.concurrent("startNvidiaSmiStream", () => {
  it("asks for power.draw.average where --help-query-gpu lists it; [N/A] keeps power.draw, per GPU", async () => {
    const h = start({
      FAKE_NVIDIA_SMI_FIXTURE: fixture("steady-300-150.csv"),
      FAKE_NVIDIA_SMI_AVERAGE: "310.5;[N/A]",
    });
    await waitFor("two blocks", () => h.rows.length >= 4);
    expect(h.rows.slice(0, 2).map((r) => [r.index, r.powerW, r.powerField])).toEqual([
      [0, 310.5, "power.draw.average"],
      [1, 150, "power.draw"],
    ]);
    expect(h.warns).toEqual([]);
  });

  it("an older driver (no power.draw.average listed) or a refused query: power.draw, without a gap", async () => {
    const old = start({ FAKE_NVIDIA_SMI_FIXTURE: fixture("steady-300-150.csv") });
    const refused = start({
      FAKE_NVIDIA_SMI_FIXTURE: fixture("steady-300-150.csv"),
      FAKE_NVIDIA_SMI_AVERAGE: "310",
      FAKE_NVIDIA_SMI_REJECT_AVERAGE: "1",
    });
    await waitFor("rows from both", () => old.rows.length >= 2 && refused.rows.length >= 2);
    for (const h of [old, refused]) {
      expect(h.rows[0]).toMatchObject({ powerW: 300, powerField: "power.draw" });
      expect(h.gaps).toEqual([]);
      expect(h.warns).toEqual([]);
    }
  });

  it("streams one GPU from one long-running child and stops it cleanly", async () => {
    const h = start({ FAKE_NVIDIA_SMI_FIXTURE: fixture("a100-idle-load.csv") });
    expect(await h.stream.present).toBe(true);
    await waitFor("6 rows", () => h.rows.length >= 6);
    expect(h.rows.slice(0, 4).map((r) => r.powerW)).toEqual([61.23, 88.71, 287.4, 301.95]);
    expect(h.pids()).toHaveLength(1); // never one process per sample
    await h.stream.stop();
    expect(h.pids().every((pid) => !alive(pid))).toBe(true);
    const count = h.rows.length;
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(h.rows.length).toBe(count);
    expect(h.gaps).toEqual([]);
    expect(h.warns).toEqual([]);
  });

  it("streams 8 GPUs per interval", async () => {
    const h = start({ FAKE_NVIDIA_SMI_FIXTURE: fixture("h100x8.csv") });
    expect(await h.stream.present).toBe(true);
    await waitFor("two blocks", () => h.rows.length >= 16);
    expect(h.rows.slice(0, 8).map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(h.rows[8]?.utilization).toBeGreaterThan(0.9);
  });

  it("keeps rows whose power is [N/A] as data", async () => {
    const h = start({ FAKE_NVIDIA_SMI_FIXTURE: fixture("geforce-na-power.csv") });
    expect(await h.stream.present).toBe(true);
    await waitFor("rows", () => h.rows.length >= 2);
    expect(h.rows[0]).toMatchObject({ powerW: null, utilization: 0.37, name: "NVIDIA GeForce GTX 1650" });
    expect(h.warns).toEqual([]);
  });

  it("records a gap and restarts with backoff when the child dies, then gives up after maxRestarts", async () => {
    const h = start(
      { FAKE_NVIDIA_SMI_FIXTURE: fixture("a100-idle-load.csv"), FAKE_NVIDIA_SMI_DIE_AFTER: "2" },
      { maxRestarts: 2 },
    );
    expect(await h.stream.present).toBe(true);
    await waitFor("give-up warning", () => h.warns.some((w) => w.startsWith("GPU measurement stopped")));
    expect(h.gaps).toHaveLength(3);
    expect(h.gaps[0]).toMatch(/exited with code 1: Unable to determine the device handle/);
    expect(h.warns).toEqual([expect.stringMatching(/^GPU measurement stopped after 2 restarts: .*code 1/)]);
    expect(h.pids()).toHaveLength(3);
    expect(h.rows).toHaveLength(6);
    expect(h.pids().every((pid) => !alive(pid))).toBe(true);
  });

  it("restarts a child that stalls (alive but silent)", async () => {
    const h = start(
      {
        FAKE_NVIDIA_SMI_FIXTURE: fixture("a100-idle-load.csv"),
        FAKE_NVIDIA_SMI_DIE_AFTER: "1",
        FAKE_NVIDIA_SMI_MODE: "stall",
      },
      // Generous bounds: on a loaded 2-core CI machine a node child can take over a second to start.
      { stallMs: 1_500, maxRestarts: 3 },
    );
    expect(await h.stream.present).toBe(true);
    await waitFor("second child", () => h.pids().length >= 2 && h.rows.length >= 2, 20_000);
    expect(h.gaps[0]).toMatch(/printed no valid line for 1500 ms/);
    await h.stream.stop();
    expect(h.pids().every((pid) => !alive(pid))).toBe(true);
  });

  it("reports not present, without warnings, when the binary is missing", async () => {
    const h = start({}, { binary: join(tmpdir(), "no-such-dir", "nvidia-smi") });
    expect(await h.stream.present).toBe(false);
    expect(h.warns).toEqual([]);
    expect(h.gaps).toEqual([]);
    await h.stream.stop();
  });

  it("reports not present, with the reason, when nvidia-smi exists but fails at once", async () => {
    const h = start({ FAKE_NVIDIA_SMI_FIXTURE: "" });
    expect(await h.stream.present).toBe(false);
    expect(h.warns).toEqual([expect.stringMatching(/unusable.*code 2.*FAKE_NVIDIA_SMI_FIXTURE is not set/)]);
    expect(h.gaps).toEqual([]);
  });

  it("counts garbage lines, warns for the first few only, and gives up as not present", async () => {
    const h = start(
      { FAKE_NVIDIA_SMI_FIXTURE: fixture("a100-idle-load.csv"), FAKE_NVIDIA_SMI_MODE: "garbage" },
      // long enough for the fake to start and print on a loaded machine; quiet, it prints dozens of lines
      { presentTimeoutMs: 5_000 },
    );
    expect(await h.stream.present).toBe(false);
    expect(h.stream.badLines).toBeGreaterThanOrEqual(1);
    const lineWarns = h.warns.filter((w) => w.includes("unparsable line ignored"));
    expect(lineWarns).toHaveLength(Math.min(3, h.stream.badLines));
    expect(h.warns.at(-1)).toMatch(/no valid line within 5000 ms \(\d+ unparsable lines\)/);
    await h.stream.stop();
    expect(h.pids().every((pid) => !alive(pid))).toBe(true);
  });

  it("kills a child that ignores SIGTERM (SIGKILL after a bound) and leaves no process", async () => {
    const h = start({
      FAKE_NVIDIA_SMI_FIXTURE: fixture("a100-idle-load.csv"),
      FAKE_NVIDIA_SMI_MODE: "ignore-term",
    });
    expect(await h.stream.present).toBe(true);
    await h.stream.stop();
    expect(h.pids()).toHaveLength(1);
    expect(h.pids().every((pid) => !alive(pid))).toBe(true);
  });

  it("handles a hung child that never prints: not present, then killed", async () => {
    const h = start({ FAKE_NVIDIA_SMI_MODE: "hang" }, { presentTimeoutMs: 300 });
    expect(await h.stream.present).toBe(false);
    await h.stream.stop();
    // Under load the child may be killed before it wrote its pid; whatever started must be gone.
    expect(h.pids().filter(alive)).toEqual([]);
  });
});
