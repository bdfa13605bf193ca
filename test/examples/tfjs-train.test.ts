// Runs the TensorFlow.js example as a real child process with tiny settings:
// the demo and `validate:real` depend on its output, exit codes and metrics file.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readWorkMetrics } from "../../src/report/work.js";

const SCRIPT = resolve(import.meta.dirname, "../../examples/tfjs/train.mjs");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function train(args: string[], env: Record<string, string> = {}): Promise<Run> {
  // Drop inherited EXAMPLE_* so a developer's shell cannot change the test's settings.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("EXAMPLE_")));
  delete base.ML_FOOTPRINT_METRICS;
  return new Promise((done) => {
    execFile(
      process.execPath,
      [SCRIPT, ...args],
      // A bound for a hang, not a speed check: tiny runs take ~2 s quiet, but over 15 s on a loaded 2-core box.
      { env: { ...base, ...env }, timeout: 150_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

function lossLines(stdout: string): { epoch: number; of: number; loss: number }[] {
  return [...stdout.matchAll(/^epoch (\d+)\/(\d+) loss=(\d+\.\d+) /gm)].map((m) => ({
    epoch: Number(m[1]),
    of: Number(m[2]),
    loss: Number(m[3]),
  }));
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlfp-tfjs-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("examples/tfjs/train.mjs", () => {
  it("trains, prints one loss line per epoch and writes the work counts", async () => {
    const metrics = join(dir, "metrics.json");
    const run = await train(["--epochs", "3", "--samples", "256", "--batch-size", "64"], {
      ML_FOOTPRINT_METRICS: metrics,
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);

    const lines = lossLines(run.stdout);
    expect(lines.map((l) => `${l.epoch}/${l.of}`)).toEqual(["1/3", "2/3", "3/3"]);
    for (const l of lines) expect(l.loss).toBeGreaterThan(0);
    // Binary cross-entropy of an untrained model starts near ln 2 ≈ 0.693.
    expect(lines[0]!.loss).toBeLessThan(1.5);
    expect(run.stdout).toMatch(/^done: final loss=\d+\.\d+ .*steps=12 samples seen=768 /m);

    // Same reader the report uses: an object of non-negative numbers.
    const read = await readWorkMetrics(metrics);
    expect(read.warning).toBeNull();
    expect(read.units).toEqual({ samples: 768, steps: 12, epochs: 3, epochs_total: 30 });
  });

  it("is deterministic for a given seed and differs for another seed", async () => {
    const args = ["--epochs", "2", "--samples", "128"];
    const [a, b, c] = await Promise.all([train(args), train(args), train([...args, "--seed", "7"])]);
    const losses = (r: Run) => lossLines(r.stdout).map((l) => l.loss);
    expect(losses(a)).toHaveLength(2);
    expect(losses(b)).toEqual(losses(a));
    expect(losses(c)).not.toEqual(losses(a));
  });

  it("counts a last partial batch as a step and takes settings from the environment", async () => {
    const metrics = join(dir, "m.json");
    const run = await train([], {
      EXAMPLE_EPOCHS: "2",
      EXAMPLE_SAMPLES: "100",
      EXAMPLE_BATCH_SIZE: "32",
      ML_FOOTPRINT_METRICS: metrics,
    });
    expect(run.code).toBe(0);
    // ceil(100 / 32) = 4 steps per epoch.
    expect(JSON.parse(await readFile(metrics, "utf8"))).toEqual({
      samples: 200,
      steps: 8,
      epochs: 2,
      epochs_total: 30,
    });
  });

  it.each([
    [["--epochs", "0"], /--epochs: got "0", expected an integer >= 1/],
    [["--samples", "abc"], /--samples: got "abc", expected an integer >= 2/],
    [["--idle-seconds", "-1"], /idle-seconds/],
    [["--lr", "0"], /--lr: got "0", expected a number > 0/],
    [["--no-such-flag"], /no-such-flag/],
  ])("rejects %j with exit 2, a message and no metrics file", async (args, message) => {
    const metrics = join(dir, "metrics.json");
    const run = await train(args, { ML_FOOTPRINT_METRICS: metrics });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/usage: /);
    expect(run.stdout).not.toMatch(/^epoch /m);
    await expect(stat(metrics)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("names the environment variable when the bad value came from there", async () => {
    const run = await train([], { EXAMPLE_HIDDEN: "wide" });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/EXAMPLE_HIDDEN: got "wide", expected an integer >= 1/);
  });
});
