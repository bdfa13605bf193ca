/**
 * GPU energy end to end through the bundled CLI and the fake nvidia-smi (issue 12): a steady 300 W + 150 W
 * machine over a 6 s command. No timing assertion: the truth is 450 W × the duration the report states,
 * whatever the machine's load made that duration.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseReportJson, type Report } from "../../src/model/report.js";
import { fastRunArgs, runBundledCli } from "../support/cli.js";

const FAKE_SMI = join(process.cwd(), "test", "fixtures", "bin", "nvidia-smi");
const STEADY = join(process.cwd(), "test", "fixtures", "nvidia-smi", "steady-300-150.csv");

function gpuTotals(report: Report) {
  const parts = report.phases.flatMap((p) => p.components.filter((c) => c.component === "gpu"));
  return {
    wh: parts.reduce((s, c) => s + c.energyWh, 0),
    lowWh: parts.reduce((s, c) => s + c.lowWh, 0),
    highWh: parts.reduce((s, c) => s + c.highWh, 0),
    methods: [...new Set(parts.map((c) => c.method))],
  };
}

async function runSteady(args: string[], env: Record<string, string> = {}, seconds = 6) {
  const dir = mkdtempSync(join(tmpdir(), "mlf-gpu-"));
  const out = join(dir, "report.json");
  const command = ["sleep", String(seconds)];
  const run = fastRunArgs(out, command);
  const result = await runBundledCli([...run.slice(0, 1), ...args, ...run.slice(1)], {
    ML_FOOTPRINT_NVIDIA_SMI: FAKE_SMI,
    FAKE_NVIDIA_SMI_FIXTURE: STEADY,
    ...env,
  });
  expect(result.stderr).toContain("report written to");
  expect(result.code).toBe(0);
  return parseReportJson(readFileSync(out, "utf8"), out);
}

describe.concurrent("GPU energy of a wrapped command (fake nvidia-smi, 300 W + 150 W)", () => {
  it("a 6 s run comes out within 5 % of 450 W × duration, and the range contains it", async () => {
    const report = await runSteady(["--interval", "1s"]);
    const truthWh = (450 * report.durationS) / 3_600;
    const gpu = gpuTotals(report);
    expect(report.durationS).toBeGreaterThan(5.9);
    expect(gpu.methods).toEqual(["nvidia-smi"]);
    // the fake lists no power.draw.average in --help-query-gpu (an older driver): power.draw, recorded per GPU
    expect(report.hardware.gpus.map((g) => g.powerField)).toEqual(["power.draw", "power.draw"]);
    expect(Math.abs(gpu.wh - truthWh) / truthWh).toBeLessThan(0.05);
    expect(gpu.lowWh).toBeLessThanOrEqual(truthWh);
    expect(gpu.highWh).toBeGreaterThanOrEqual(truthWh);
  });

  it("CUDA_VISIBLE_DEVICES=1 counts the 150 W GPU only and lists the other as present, not counted", async () => {
    const report = await runSteady([], { CUDA_VISIBLE_DEVICES: "1" }, 2);
    const gpu = gpuTotals(report);
    const meanW = (gpu.wh * 3_600) / report.durationS;
    expect(meanW).toBeGreaterThan(150 * 0.95);
    expect(meanW).toBeLessThan(150 * 1.05);
    expect(report.hardware.gpus.map((g) => [g.index, g.counted])).toEqual([
      [0, false],
      [1, true],
    ]);
    expect(report.hardware.gpuSelection).toEqual({ source: "CUDA_VISIBLE_DEVICES", value: "1" });
  });

  it("--gpus wins over CUDA_VISIBLE_DEVICES; a bad --gpus is one clear line and exit 2", async () => {
    const report = await runSteady(["--gpus", "GPU-aaaaaaaa"], { CUDA_VISIBLE_DEVICES: "1" }, 2);
    const meanW = (gpuTotals(report).wh * 3_600) / report.durationS;
    expect(meanW).toBeGreaterThan(300 * 0.95);
    expect(meanW).toBeLessThan(300 * 1.05);
    expect(report.hardware.gpuSelection?.source).toBe("gpus-input");
    const bad = await runBundledCli(["run", "--gpus", "first", "--", "true"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--gpus: "first" in "first" is not a GPU; accepted: all, or/);
  });
});
