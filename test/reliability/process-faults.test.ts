/**
 * Process-level faults against the bundled CLI (the way the runner and users run it): the detached
 * sampler SIGKILLed mid-job, and measured commands that are killed by a signal or flood stdout.
 * Not found / non-zero / SIGTERM forwarding are in test/flows/cli-run.test.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PID_FILE, SAMPLES_FILE } from "../../src/measure/background.js";
import { integrateSamplesFile } from "../../src/measure/read-samples.js";
import { integrateEnergy } from "../../src/measure/integrate.js";
import { parseReportJson } from "../../src/model/report.js";
import { fastRunArgs, runBundledCli } from "../support/cli.js";
import { alive, lineCount, models, tmp, waitFor } from "./helpers.js";

const cli = runBundledCli;

describe.concurrent("detached sampler killed with SIGKILL mid-job", () => {
  it("stop says not-running and the samples recorded before the kill still integrate", async () => {
    const dir = tmp();
    const started = await cli(["sampler", "start", "--dir", dir, "--interval", "100ms"]);
    expect(started.code).toBe(0);
    expect(started.stderr).toMatch(/sampler started \(pid \d+\)/);
    const pid = Number(readFileSync(join(dir, PID_FILE), "utf8").trim());
    await waitFor("a meta line and 4 samples", () => lineCount(join(dir, SAMPLES_FILE)) >= 5);
    process.kill(pid, "SIGKILL");
    await waitFor("the sampler to die", () => !alive(pid));

    const stopped = await cli(["sampler", "stop", "--dir", dir]);
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain("ml-footprint: sampler not-running");

    const text = readFileSync(join(dir, SAMPLES_FILE), "utf8");
    expect(text).not.toContain('"t":"end"');
    const result = await integrateSamplesFile(join(dir, SAMPLES_FILE), { models, defaultPhase: "train" });
    expect(result.samples).toBeGreaterThanOrEqual(3);
    expect(result.energyWh).toBeGreaterThan(0);
    // ticks are scheduled on absolute times at 100 ms: late under load, never early, so the span covers the samples
    expect(result.durationS).toBeGreaterThanOrEqual((result.samples - 1) * 0.1 * 0.9);
    // src/action/steps/post.ts turns "not-running" into the report warning
    // "the sampler was not running at the end of the job (killed?); the report covers what it recorded".
  });

  it("a phase marked after the kill is kept and adds no invented energy", async () => {
    const dir = tmp();
    expect((await cli(["sampler", "start", "--dir", dir, "--interval", "100ms"])).code).toBe(0);
    const pid = Number(readFileSync(join(dir, PID_FILE), "utf8").trim());
    await waitFor("a meta line and 3 samples", () => lineCount(join(dir, SAMPLES_FILE)) >= 4);
    process.kill(pid, "SIGKILL");
    await waitFor("the sampler to die", () => !alive(pid));
    const before = await integrateSamplesFile(join(dir, SAMPLES_FILE), { models });
    expect((await cli(["sampler", "phase", "--dir", dir, "eval"])).code).toBe(0);
    const after = await integrateSamplesFile(join(dir, SAMPLES_FILE), { models });
    expect(after.energyWh).toBeCloseTo(before.energyWh, 12);
  });
});

describe.concurrent("the measured command", () => {
  it("killed by SIGKILL: exit 137 and the signal are propagated, the report is still written", async () => {
    const dir = tmp();
    const out = join(dir, "r.json");
    const result = await cli(fastRunArgs(out, ["sh", "-c", "sleep 0.3; kill -9 $$"]));
    expect(result.code).toBe(137);
    const report = parseReportJson(readFileSync(out, "utf8"));
    expect(report.exitCode).toBe(137);
    expect(report.signal).toBe("SIGKILL");
    expect(report.samples).toBeGreaterThanOrEqual(2);
  });

  it("printing 8 MiB on stdout: every byte passes through, exit 0, report written", async () => {
    const dir = tmp();
    const out = join(dir, "r.json");
    const bytes = 8 * 1024 * 1024;
    const result = await cli(
      fastRunArgs(out, [
        process.execPath,
        "-e",
        `const b=Buffer.alloc(65536,120);let n=${bytes / 65536};(function w(){while(n>0){n--;if(!process.stdout.write(b))return process.stdout.once("drain",w)}})()`,
      ]),
    );
    expect(result.code).toBe(0);
    expect(result.stdoutBytes).toBe(bytes);
    expect(existsSync(out)).toBe(true);
    expect(parseReportJson(readFileSync(out, "utf8")).exitCode).toBe(0);
  });
});

describe("RAPL counters (integrator, exact or flagged)", () => {
  const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);
  const MAX = 262_143_328_850;
  const trace = (a: number, b: number, max?: number) =>
    integrateEnergy(
      [
        {
          t: "meta",
          v: 1,
          startMs: T0,
          intervalMs: 1_000,
          ...(max ? { raplMaxUj: { "package-0": max } } : {}),
        },
        { t: "s", ts: T0, cpu: null, rapl: { "package-0": a } },
        { t: "s", ts: T0 + 1_000, cpu: 0.5, rapl: { "package-0": b } },
      ],
      { models },
    );

  it("a counter that goes backwards by a little (reset), with a known range, is flagged, not read as a 262 kJ wrap", () => {
    const result = trace(5_000_000_000, 4_999_000_000, MAX);
    expect(result.energyWh).toBeLessThan(1);
    expect(result.energyWh).toBeGreaterThanOrEqual(0);
    expect(result.warnings.join("\n")).toMatch(
      /1 RAPL counter readings went backwards \(not a plausible wraparound\) and were skipped/,
    );
  });

  it("a true wrap (near the top of the range to near zero) is exact", () => {
    const result = trace(MAX - 30_000_000, 20_000_000, MAX);
    const cpu = result.phases[0]!.components.find((c) => c.component === "cpu");
    expect(cpu?.method).toBe("rapl");
    expect(cpu!.energyWh * 3_600).toBeCloseTo(50, 9); // + 2 J of modelled memory in the total
    expect(result.warnings).toEqual([]);
  });
});
