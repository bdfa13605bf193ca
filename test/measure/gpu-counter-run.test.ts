/**
 * The NVML reader end to end (issues 12 and 25): the bundled CLI and the fake libnvidia-ml.so.1 on
 * LD_LIBRARY_PATH, whose counter for GPU 0 grows at 400 W while its power readings say 300 W: the energy drawn
 * in bursts between samples that sampled power never shows. The one NVML helper reads power, utilisation,
 * memory and the counter; the fake nvidia-smi (300 W + 150 W) runs only where NVML cannot. No timing
 * assertion: the truth is the counter's power × the duration the report states.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseReportJson, type Report } from "../../src/model/report.js";
import { fastRunArgs, runBundledCli } from "../support/cli.js";
import { SAMPLES_FILE } from "../../src/measure/background.js";
import { integrateSamplesFile } from "../../src/measure/read-samples.js";
import { models, waitFor } from "../reliability/helpers.js";
import { buildFakeNvml, STEADY_UUIDS } from "../support/fake-nvml.js";

const FAKE_SMI = join(process.cwd(), "test", "fixtures", "bin", "nvidia-smi");
const STEADY = join(process.cwd(), "test", "fixtures", "nvidia-smi", "steady-300-150.csv");
const built = buildFakeNvml();
const [UUID0, UUID1] = STEADY_UUIDS;

function gpuParts(report: Report, method: "nvml-counter" | "nvml-power" | "nvidia-smi") {
  const parts = report.phases.flatMap((p) =>
    p.components.filter((c) => c.component === "gpu" && c.method === method),
  );
  return {
    wh: parts.reduce((s, c) => s + c.energyWh, 0),
    lowWh: parts.reduce((s, c) => s + c.lowWh, 0),
    highWh: parts.reduce((s, c) => s + c.highWh, 0),
  };
}

async function run(devices: string[], seconds = 3, extra: Record<string, string> = {}) {
  const fake = built.fake!;
  const dir = mkdtempSync(join(tmpdir(), "mlf-nvml-"));
  const out = join(dir, "report.json");
  const smiPids = join(dir, "nvidia-smi.pids");
  const result = await runBundledCli(fastRunArgs(out, ["sleep", String(seconds)]), {
    ML_FOOTPRINT_NVIDIA_SMI: FAKE_SMI,
    FAKE_NVIDIA_SMI_FIXTURE: STEADY,
    FAKE_NVIDIA_SMI_PIDFILE: smiPids,
    LD_LIBRARY_PATH: fake.libDir,
    FAKE_NVML_CONFIG: fake.config(devices),
    ...extra,
  });
  expect(result.stderr).toContain("report written to");
  expect(result.code).toBe(0);
  return {
    report: parseReportJson(readFileSync(out, "utf8"), out),
    stderr: result.stderr,
    smiStarted: existsSync(smiPids),
  };
}

/** What a failed energy assertion prints: per phase, each GPU component and the warnings. */
const diagnose = (report: Report) =>
  JSON.stringify({
    durationS: report.durationS,
    gpu: report.phases.flatMap((p) =>
      p.components
        .filter((c) => c.component === "gpu")
        .map((c) => [c.method, c.energyWh * 3_600, c.heldS, c.bridgedS, c.detail]),
    ),
    gaps: report.phases.flatMap((p) => p.gaps),
    warnings: report.warnings,
  });
const gpuMethods = (report: Report) => report.hardware.gpus.map((g) => [g.index, g.energyMethod]);

describe.skipIf(built.fake === null)(
  `NVML energy counter through the CLI ${built.skipReason ?? ""}`,
  // One run at a time: the counter is read by a helper process, and each reading stands at the midpoint of its
  // question and answer; on a loaded machine, runs side by side stretch those answers to tens of ms, which on a
  // 3 s run is over the 1 % this file checks (seen: -1.1 % with 6 runs at once beside 3 other test files).
  () => {
    it("one reader: follows the counter within 1 % where it grows faster than sampled power; NOT_SUPPORTED uses NVML's power; no nvidia-smi", async () => {
      const { report, stderr, smiStarted } = await run(
        // GPU 1 has no counter and no averaged power field (before Ampere): NVML's power usage
        [`${UUID0} 400000 ok sampled=300000`, `${UUID1} 150000 not-supported avg=na`],
        3,
      );
      const counter = gpuParts(report, "nvml-counter");
      const stream = gpuParts(report, "nvml-power");
      const truth0Wh = (400 * report.durationS) / 3_600;
      const truth1Wh = (150 * report.durationS) / 3_600;
      expect(Math.abs(counter.wh - truth0Wh) / truth0Wh, diagnose(report)).toBeLessThan(0.01);
      expect(counter.lowWh).toBeLessThanOrEqual(truth0Wh);
      expect(counter.highWh).toBeGreaterThanOrEqual(truth0Wh);
      expect(Math.abs(stream.wh - truth1Wh) / truth1Wh).toBeLessThan(0.05);
      expect(gpuMethods(report)).toEqual([
        [0, "nvml-counter"],
        [1, "nvml-power"],
      ]);
      expect(report.hardware.gpus.map((g) => g.powerField)).toEqual(["power.draw.average", "power.draw"]);
      expect(stderr).toContain(`GPU ${UUID1}: energy counter unavailable (NVML_ERROR_NOT_SUPPORTED)`);
      expect(report.warnings.join("\n")).not.toMatch(/NVML/);
      // Two processes reading the same GPUs are one too many: the stream is the fallback only.
      expect(smiStarted).toBe(false);
    }, 120_000);

    it("the NVML helper dying mid-run: a warning and a gap, and the nvidia-smi stream reads the GPUs from there", async () => {
      const { report, smiStarted } = await run([`${UUID0} 400000 ok`, `${UUID1} 150000 ok`], 3, {
        FAKE_NVML_EXIT_AFTER: "8",
      });
      expect(smiStarted).toBe(true);
      expect(report.warnings.join("\n")).toMatch(/GPU reader \(NVML\) lost \(the NVML helper exited/);
      expect(gpuMethods(report)).toEqual([
        [0, "nvml-counter+nvidia-smi"],
        [1, "nvml-counter+nvidia-smi"],
      ]);
      expect(gpuParts(report, "nvml-counter").wh).toBeGreaterThan(0);
      expect(gpuParts(report, "nvidia-smi").wh).toBeGreaterThan(0);
    }, 120_000);

    it("the NVML helper alive but silent: the watchdog takes the ticks, and after three misses the stream takes over", async () => {
      const { report, smiStarted } = await run([`${UUID0} 400000 ok`, `${UUID1} 150000 ok`], 9, {
        FAKE_NVML_HANG_AFTER: "5",
      });
      expect(smiStarted).toBe(true);
      expect(report.warnings.join("\n")).toMatch(
        /GPU reader \(NVML\) lost \(no answer to 3 readings in a row\)/,
      );
      expect(gpuMethods(report).map(([, m]) => m)).toEqual([
        "nvml-counter+nvidia-smi",
        "nvml-counter+nvidia-smi",
      ]);
    }, 120_000);

    it("a counter that resets: the two intervals around it come from sampled power, with a warning", async () => {
      const { report } = await run([`${UUID0} 400000 reset 8 sampled=300000`, `${UUID1} 150000 ok`]);
      expect(gpuMethods(report)).toEqual([
        [0, "nvml-counter+nvml-power"],
        [1, "nvml-counter"],
      ]);
      expect(report.warnings.join("\n")).toMatch(/energy counter went back from \d+ to \d+ mJ/);
      // Everything but two 100 ms intervals at 300 W instead of 400 W: far closer than the sampled 450 W.
      const totalWh = gpuParts(report, "nvml-counter").wh + gpuParts(report, "nvml-power").wh;
      const truthWh = (550 * report.durationS) / 3_600;
      expect(Math.abs(totalWh - truthWh) / truthWh).toBeLessThan(0.03);
    }, 120_000);

    it("a GPU that disappears: its counter is dropped with one warning, its last reading held to the end", async () => {
      const { report } = await run([`${UUID0} 400000 lost 5`, `${UUID1} 150000 ok`]);
      // The tick the counter failed still read power; from the next on, neither answers.
      expect(gpuMethods(report)).toEqual([
        [0, "nvml-counter+nvml-power"],
        [1, "nvml-counter"],
      ]);
      const lost = report.warnings.filter((w) => w.includes("stopped answering"));
      expect(lost).toEqual([
        `GPU ${UUID0}: energy counter stopped answering (NVML_ERROR_GPU_IS_LOST); its energy from here on comes from sampled power (NVML power readings)`,
      ]);
      expect(report.phases.flatMap((p) => p.components).some((c) => (c.heldS ?? 0) > 0)).toBe(true);
    }, 120_000);

    it("no python3: the stream measures every GPU, with one info line and no warning", async () => {
      const { report, stderr } = await run([`${UUID0} 400000 ok`, `${UUID1} 150000 ok`], 1, {
        ML_FOOTPRINT_PYTHON: "/nonexistent/python3",
      });
      expect(gpuMethods(report)).toEqual([
        [0, "nvidia-smi"],
        [1, "nvidia-smi"],
      ]);
      expect(stderr.match(/NVML/g)).toHaveLength(1);
      expect(stderr).toContain("NVML unavailable (/nonexistent/python3 not found)");
      expect(report.warnings.join("\n")).not.toMatch(/NVML/);
    }, 120_000);

    /** `sampler start` … `phase eval` … `stop` (the action's path) with the fake library; the samples integrated. */
    async function background(extra: Record<string, string>) {
      const fake = built.fake!;
      const dir = mkdtempSync(join(tmpdir(), "mlf-nvml-bg-"));
      const env = {
        ML_FOOTPRINT_NVIDIA_SMI: FAKE_SMI,
        FAKE_NVIDIA_SMI_FIXTURE: STEADY,
        LD_LIBRARY_PATH: fake.libDir,
        FAKE_NVML_CONFIG: fake.config([`${UUID0} 400000 ok`, `${UUID1} 150000 not-supported`]),
        ...extra,
      };
      const samples = join(dir, SAMPLES_FILE);
      const counted = () => (readFileSync(samples, "utf8").match(/"e":\d/g) ?? []).length;
      expect((await runBundledCli(["sampler", "start", "--dir", dir, "--interval", "100ms"], env)).code).toBe(
        0,
      );
      await waitFor("10 counter readings", () => counted() >= 10, 120_000);
      expect((await runBundledCli(["sampler", "phase", "--dir", dir, "eval"], env)).code).toBe(0);
      const atPhase = counted();
      await waitFor("10 more counter readings", () => counted() >= atPhase + 10, 120_000);
      expect((await runBundledCli(["sampler", "stop", "--dir", dir], env)).code).toBe(0);
      const result = await integrateSamplesFile(samples, { models, defaultPhase: "train" });
      expect(result.gpus.find((g) => g.index === 0)?.energyMethod).toMatch(/^nvml-counter/);
      const evalCounter = result.phases
        .find((p) => p.name === "eval")
        ?.components.find((c) => c.component === "gpu" && c.method === "nvml-counter");
      expect(evalCounter?.meanPowerW).toBeGreaterThan(400 * 0.99);
      expect(evalCounter?.meanPowerW).toBeLessThan(400 * 1.01);
      return { log: readFileSync(join(dir, "sampler.log"), "utf8") };
    }

    it("background mode (sampler start … stop, the action's path): NVML read inside the sampler process, no python3 and no nvidia-smi, phases split exactly", async () => {
      const smiPids = join(mkdtempSync(join(tmpdir(), "mlf-nvml-bg-smi-")), "nvidia-smi.pids");
      // No python3 and nvidia-smi recording its starts: a counter reading can only come from the sampler itself.
      const { log } = await background({
        ML_FOOTPRINT_PYTHON: "/nonexistent/python3",
        FAKE_NVIDIA_SMI_PIDFILE: smiPids,
      });
      expect(log).not.toMatch(/python3 helper|NVML unavailable/);
      expect(existsSync(smiPids)).toBe(false);
    }, 240_000);

    it("background mode with ML_FOOTPRINT_NVML_READER=helper: the python3 helper next to the bundle reads NVML", async () => {
      // python3 behind a wrapper that notes each start: the helper must be started, once.
      const bin = mkdtempSync(join(tmpdir(), "mlf-nvml-bg-py-"));
      const wrapper = join(bin, "python3");
      writeFileSync(wrapper, `#!/bin/sh\necho started >> '${join(bin, "starts")}'\nexec python3 "$@"\n`, {
        mode: 0o755,
      });
      const { log } = await background({ ML_FOOTPRINT_NVML_READER: "helper", ML_FOOTPRINT_PYTHON: wrapper });
      expect(log).not.toMatch(/NVML unavailable/);
      expect(readFileSync(join(bin, "starts"), "utf8")).toBe("started\n");
    }, 240_000);
  },
);
