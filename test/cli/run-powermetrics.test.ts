/**
 * Apple silicon through the production path: `ml-footprint run` (the bundled CLI) starts ONE powermetrics
 * stream (here the fake, replaying a recorded-format fixture) and the report's powermetrics energy matches the
 * fixture's own totals.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseReportJson } from "../../src/model/report.js";
import {
  createPowermetricsParser,
  type PowermetricsWindow,
} from "../../src/measure/sources/powermetrics-parse.js";
import { fastRunArgs, runBundledCli } from "../support/cli.js";

const FAKE = join(process.cwd(), "test", "fixtures", "bin", "powermetrics");
const FIXTURE = join(process.cwd(), "test", "fixtures", "powermetrics", "m2-cpu-gpu-ane.txt");

/** The fixture's windows, read independently of the sampler: energy in Wh = Σ combined mW × elapsed ms. */
function fixtureWindows(): PowermetricsWindow[] {
  const windows: PowermetricsWindow[] = [];
  const parser = createPowermetricsParser((w) => windows.push(w));
  for (const line of readFileSync(FIXTURE, "utf8").split("\n")) parser.line(line);
  parser.end();
  return windows;
}
const wh = (ws: PowermetricsWindow[]) => ws.reduce((s, w) => s + w.combinedMw * w.elapsedMs, 0) / 3.6e9;

/**
 * The measured command: it says "go" (the measurement has started; the fake holds its windows after the first until
 * then) and ends once the fake has printed every window. Readiness signals, not sleeps.
 */
const goThenWaitFor = (go: string, done: string) => [
  process.execPath,
  "-e",
  `const fs=require("fs");fs.writeFileSync(${JSON.stringify(go)},"");` +
    `const t=setInterval(()=>{if(fs.existsSync(${JSON.stringify(done)}))clearInterval(t)},10)`,
];

describe("ml-footprint run with powermetrics (fake, recorded format)", () => {
  it("measures CPU, GPU and ANE energy from one stream, within 1 % of the fixture's totals", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlf-pm-"));
    const out = join(dir, "report.json");
    const done = join(dir, "done");
    const pids = join(dir, "pids");
    const go = join(dir, "go");
    const result = await runBundledCli(fastRunArgs(out, goThenWaitFor(go, done)), {
      ML_FOOTPRINT_POWERMETRICS: FAKE,
      FAKE_POWERMETRICS_FIXTURE: FIXTURE,
      FAKE_POWERMETRICS_GO: go,
      FAKE_POWERMETRICS_DONE: done,
      FAKE_POWERMETRICS_PIDFILE: pids,
    });
    expect(result.code, result.stderr).toBe(0);
    const report = parseReportJson(readFileSync(out, "utf8"), out);
    const components = report.phases.flatMap((p) => p.components);
    const measured = components.filter((c) => c.method === "powermetrics");
    expect(measured.map((c) => c.component).sort()).toEqual(["cpu", "gpu"]);
    // The measurement starts once the first window has arrived, and the fake prints the others only after the
    // command started: it covers windows 2 to 6, whatever the machine's load.
    const expected = wh(fixtureWindows().slice(1));
    const got = measured.reduce((s, c) => s + c.energyWh, 0);
    expect(Math.abs(got - expected) / expected).toBeLessThan(0.01);
    const windows = fixtureWindows().slice(1);
    const aneWh = windows.reduce((s, w) => s + w.aneMw * w.elapsedMs, 0) / 3.6e9;
    expect(measured.find((c) => c.component === "gpu")!.detail).toContain(`${aneWh.toPrecision(3)} Wh`);
    expect(readFileSync(pids, "utf8").trim().split("\n")).toHaveLength(1);
  });

  it("falls back to the CPU model, and says why, when sudo -n may not run powermetrics", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlf-pm-"));
    const out = join(dir, "report.json");
    const result = await runBundledCli(fastRunArgs(out, [process.execPath, "-e", ""]), {
      ML_FOOTPRINT_POWERMETRICS: FAKE,
      FAKE_POWERMETRICS_MODE: "sudo-denied",
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /Apple silicon power not measured: powermetrics exited \(code 1: sudo: a password is required\)/,
    );
    const report = parseReportJson(readFileSync(out, "utf8"), out);
    const cpu = report.phases[0]!.components.find((c) => c.component === "cpu")!;
    expect(cpu.method).not.toBe("powermetrics");
  });
});
