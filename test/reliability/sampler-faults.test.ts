/**
 * Faults injected into a real Sampler (in process, real /proc, fake nvidia-smi script), then the samples
 * file is integrated the way the report does. Requirement: measurement goes on, gaps and warnings reach
 * the integration result, nothing throws. Stream-level behaviour of each nvidia-smi fault is in
 * test/measure/sources/nvidia-smi-stream.test.ts; this file checks what reaches the report.
 */
import { appendFileSync, copyFileSync, readFileSync, truncateSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { Sampler } from "../../src/measure/sampler.js";
import { integrateSamplesFile } from "../../src/measure/read-samples.js";
import { parseLine, type SamplesFileLine } from "../../src/measure/samples.js";
import { alive, FAKE_SMI, fixture, models, sleep, tmp, waitFor } from "./helpers.js";

/** pids the fake nvidia-smi wrote (FAKE_NVIDIA_SMI_PIDFILE, next to the samples file). */
function pidsIn(samplesPath: string): number[] {
  try {
    return readFileSync(join(dirname(samplesPath), "pids"), "utf8")
      .trim()
      .split("\n")
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function lines(path: string): SamplesFileLine[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => parseLine(l))
    .flatMap((p) => (p.ok ? [p.line] : []));
}

/** Run a Sampler for `ms` (or until `until` holds) with the fake nvidia-smi configured by `env`. */
async function sample(
  env: Record<string, string>,
  ms: number,
  opts: {
    nvidiaSmi?: string | null;
    until?: (path: string) => boolean;
    during?: (path: string) => void;
  } = {},
) {
  const dir = tmp();
  const samplesPath = join(dir, "samples.ndjson");
  const sampler = new Sampler({
    // the fake nvidia-smi's settings go to its process only, so the tests can run concurrently
    env: { ...process.env, FAKE_NVIDIA_SMI_PIDFILE: join(dir, "pids"), ...env },
    samplesPath,
    intervalMs: 100,
    phase: "train",
    sysRoot: join(dir, "no-sys"),
    nvidiaSmi: opts.nvidiaSmi === undefined ? FAKE_SMI : opts.nvidiaSmi,
    // nvidia-smi's faults only: no NVML helper, whose start-up would shift the start against the fake's timing
    nvml: null,
  });
  await sampler.start();
  if (opts.until) await waitFor("the condition", () => opts.until!(samplesPath), ms);
  else await sleep(ms);
  opts.during?.(samplesPath);
  const stats = await sampler.stop();
  const integration = await integrateSamplesFile(samplesPath, { models, defaultPhase: "train" });
  const pids = pidsIn(samplesPath);
  return { dir, samplesPath, stats, integration, pids };
}

const gpuComponent = (r: Awaited<ReturnType<typeof sample>>) =>
  r.integration.phases.flatMap((p) => p.components).find((c) => c.component === "gpu");

describe.concurrent("nvidia-smi faults, through the Sampler into the integration", () => {
  it("nvidia-smi missing: CPU and memory measured, GPU not measured, no warning, no crash", async () => {
    const r = await sample({}, 60_000, {
      nvidiaSmi: "/nonexistent/bin/nvidia-smi",
      until: (path) => lines(path).filter((l) => l.t === "s").length >= 4,
    });
    expect(r.stats.ticks).toBeGreaterThanOrEqual(3);
    expect(r.stats.gpuPresent).toBe(false);
    expect(r.integration.samples).toBeGreaterThanOrEqual(3);
    expect(r.integration.energyWh).toBeGreaterThan(0);
    expect(gpuComponent(r)).toBeUndefined();
    expect(r.integration.warnings.filter((w) => /nvidia/i.test(w))).toEqual([]);
  });

  it("nvidia-smi hanging at start (prints nothing, ignores SIGTERM): sampling goes on, stop kills it", async () => {
    const r = await sample(
      { FAKE_NVIDIA_SMI_MODE: "hang", FAKE_NVIDIA_SMI_FIXTURE: fixture("h100x8.csv") },
      60_000,
      // ready when the hung child has started (its pid file) and the CPU went on sampling
      { until: (path) => pidsIn(path).length === 1 && lines(path).filter((l) => l.t === "s").length >= 4 },
    );
    expect(r.integration.samples).toBeGreaterThanOrEqual(3);
    expect(gpuComponent(r)).toBeUndefined();
    expect(r.pids.length).toBe(1);
    await waitFor("the hung child to be gone", () => !alive(r.pids[0]!));
  });

  it("nvidia-smi printing garbage: warned in the report, GPU not measured, CPU still measured", async () => {
    const r = await sample(
      { FAKE_NVIDIA_SMI_MODE: "garbage", FAKE_NVIDIA_SMI_FIXTURE: fixture("h100x8.csv") },
      60_000,
      {
        until: (path) =>
          readFileSync(path, "utf8").includes("unparsable line ignored") &&
          lines(path).filter((l) => l.t === "s").length >= 4,
      },
    );
    expect(r.integration.samples).toBeGreaterThanOrEqual(3);
    expect(r.integration.warnings.join("\n")).toMatch(/nvidia-smi: unparsable line ignored/);
    expect(gpuComponent(r)).toBeUndefined();
    expect(r.integration.energyWh).toBeGreaterThan(0);
  });

  it("nvidia-smi exiting mid-run and restarting with a different GPU count: gap, warning, latest inventory", async () => {
    const dir = tmp();
    const live = join(dir, "fixture.csv");
    copyFileSync(fixture("h100x8.csv"), live);
    let swapped = false;
    // 10 blocks (1 s) before the exit: the start (first block + settle) is inside the first child even on a
    // loaded machine, so the inventory goes 8 → 1.
    const r = await sample({ FAKE_NVIDIA_SMI_FIXTURE: live, FAKE_NVIDIA_SMI_DIE_AFTER: "10" }, 60_000, {
      until: (path) => {
        const seen = lines(path);
        if (!swapped && seen.some((l) => l.t === "gap")) {
          // The next child (after the 1 s backoff) sees one A100 instead of eight H100s.
          copyFileSync(fixture("a100-idle-load.csv"), live);
          swapped = true;
        }
        return seen.some((l) => l.t === "hw" && l.gpus.length === 1);
      },
    });
    const gaps = r.integration.phases.flatMap((p) => p.gaps).filter((g) => g.source === "nvidia-smi");
    expect(gaps.length).toBeGreaterThanOrEqual(1);
    // Under load a starved tick can add a "no power reading" gap first; the restart's gap must be among them.
    expect(gaps.map((g) => g.reason).join("\n")).toMatch(
      /exited with code 1: Unable to determine the device handle/,
    );
    expect(r.integration.warnings.join("\n")).toMatch(
      /GPUs seen by nvidia-smi changed after a restart \(8 → 1\)/,
    );
    expect(r.integration.gpus.map((g) => g.name)).toEqual(["NVIDIA A100-SXM4-40GB"]);
    expect(r.integration.gpuIndices).toContain(0);
    expect(gpuComponent(r)!.energyWh).toBeGreaterThan(0);
    expect(r.pids.length).toBeGreaterThanOrEqual(2);
    for (const pid of r.pids) await waitFor(`nvidia-smi ${pid} to be gone`, () => !alive(pid));
  });
});

describe("samples file faults", () => {
  it("a samples file truncated mid-line (crash during a write) still integrates, with a warning", async () => {
    const r = await sample({}, 400, { nvidiaSmi: null });
    const whole = r.integration;
    appendFileSync(r.samplesPath, '{"t":"s","ts":17325216');
    const cut = await integrateSamplesFile(r.samplesPath, { models });
    expect(cut.rejectedLines).toBe(1);
    expect(cut.warnings.join("\n")).toMatch(/1 line\(s\) of the samples file could not be read.*truncated/);
    expect(cut.energyWh).toBeCloseTo(whole.energyWh, 12);
    // Cut at every byte of the last third: never throws, never negative.
    const size = statSync(r.samplesPath).size;
    for (let at = Math.floor((size * 2) / 3); at < size; at += 7) {
      truncateSync(r.samplesPath, at);
      const part = await integrateSamplesFile(r.samplesPath, { models });
      expect(part.energyWh).toBeGreaterThanOrEqual(0);
      expect(part.energyWh).toBeLessThanOrEqual(whole.energyWh + 1e-12);
    }
  });

  it("samples directory missing: the Sampler never throws; the report says nothing was recorded", async () => {
    const dir = tmp();
    const samplesPath = join(dir, "gone", "samples.ndjson");
    const sampler = new Sampler({ samplesPath, intervalMs: 100, phase: "train", nvidiaSmi: null });
    await sampler.start();
    await waitFor("2 ticks", () => sampler.tickCount >= 2);
    const stats = await sampler.stop();
    expect(stats.ticks).toBeGreaterThanOrEqual(2);
    expect(stats.writeFailures).toBeGreaterThanOrEqual(stats.ticks);
    expect(stats.writeError).toBe("ENOENT");
    const result = await integrateSamplesFile(samplesPath, { models });
    expect(result.energyWh).toBe(0);
    expect(result.warnings.join("\n")).toMatch(/does not exist; nothing was recorded/);
    expect(result.warnings.join("\n")).toMatch(/no samples were recorded/);
  });

  it.each([
    ["disk full (/dev/full)", "/dev/full", /ENOSPC/],
    ["read-only file (/proc/version)", "/proc/version", /EIO|EACCES|EROFS|EPERM/],
  ])("%s: the Sampler never throws from write and counts what it lost", async (_, samplesPath, code) => {
    const sampler = new Sampler({ samplesPath, intervalMs: 100, phase: "train", nvidiaSmi: null });
    await sampler.start();
    await waitFor("2 ticks", () => sampler.tickCount >= 2);
    const stats = await sampler.stop();
    expect(stats.ticks).toBeGreaterThanOrEqual(2);
    expect(stats.writeFailures).toBeGreaterThanOrEqual(stats.ticks);
    expect(stats.writeError).toMatch(code);
  });
});
