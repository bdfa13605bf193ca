/**
 * A wall-clock step during a job (NTP correction, `date -s`) must neither freeze the sampler nor change the
 * reported duration: intervals follow the monotonic clock. The wall clock is injected (the machine's own
 * cannot be stepped in a test); the sampler runs for real, with its real timers.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { integrateSamplesFile } from "../../src/measure/read-samples.js";
import { runCommand } from "../../src/measure/run-command.js";
import { Sampler } from "../../src/measure/sampler.js";
import { models, tmp, waitFor } from "../reliability/helpers.js";

const HOUR_MS = 3_600_000;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A wall clock that reads T0 once, then is stepped by `stepMs` (negative: backwards) for every later read. */
function steppedWallClock(stepMs: number): () => number {
  const t0 = Date.now();
  let reads = 0;
  return () => (reads++ === 0 ? t0 : Date.now() + stepMs);
}

const sampleTimes = (path: string): number[] =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.includes('"t":"s"'))
    .map((l) => (JSON.parse(l) as { ts: number }).ts);

describe("monotonic sampling", () => {
  it.each([
    ["back", -HOUR_MS],
    ["forward", HOUR_MS],
  ])(
    "a wall clock stepped an hour %s: the sampler keeps ticking and the duration is the real one",
    async (_, step) => {
      const dir = tmp("mlf-clock-");
      dirs.push(dir);
      const samplesPath = join(dir, "samples.ndjson");
      const sampler = new Sampler({
        samplesPath,
        intervalMs: 100,
        phase: "train",
        sysRoot: join(dir, "no-sys"),
        nvidiaSmi: null,
        now: steppedWallClock(step),
      });
      const started = performance.now();
      await sampler.start();
      await waitFor("5 samples", () => sampleTimes(samplesPath).length >= 5, 60_000);
      await sampler.stop();
      const elapsedS = (performance.now() - started) / 1_000;
      const times = sampleTimes(samplesPath);
      for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
      const integration = await integrateSamplesFile(samplesPath, { models, defaultPhase: "train" });
      expect(integration.durationS).toBeGreaterThan(0.3);
      expect(integration.durationS).toBeLessThanOrEqual(elapsedS + 0.01);
    },
  );

  it("a wrapped command's duration never goes negative or jumps on a wall-clock step", async () => {
    const back = await runCommand(["true"], { now: steppedWallClock(-HOUR_MS) });
    const forward = await runCommand(["true"], { now: steppedWallClock(HOUR_MS) });
    for (const r of [back, forward]) {
      expect(r.durationMs).toBeGreaterThanOrEqual(0);
      expect(r.durationMs).toBeLessThan(HOUR_MS / 2);
    }
  });
});
