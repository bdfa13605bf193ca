/**
 * AMD GPUs through amd-smi (issue 24 item 5, behind the GPU reader interface of issue 25): the fake amd-smi
 * (test/fixtures/bin/amd-smi) prints amd-smi's documented watch-mode JSON (test/fixtures/amd-smi/README.md)
 * with counters that grow at each GPU's socket power, through the bundled CLI, the production path. No timing
 * assertion: the truth is the fixture's power × the duration the report states.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseReportJson, type Report } from "../../src/model/report.js";
import { amdSmiArgs, parseAmdSmiMetric } from "../../src/measure/sources/amd-smi.js";
import { gpuSelectionFrom } from "../../src/measure/gpu-select.js";
import { fastRunArgs, runBundledCli } from "../support/cli.js";

const FAKE_AMD_SMI = join(process.cwd(), "test", "fixtures", "bin", "amd-smi");
const fixture = (name: string) => join(process.cwd(), "test", "fixtures", "amd-smi", name);

async function run(name: string, extra: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "mlf-amd-"));
  const out = join(dir, "report.json");
  const result = await runBundledCli(fastRunArgs(out, ["sleep", "3"]), {
    ML_FOOTPRINT_NVIDIA_SMI: "/nonexistent/nvidia-smi",
    ML_FOOTPRINT_AMD_SMI: FAKE_AMD_SMI,
    FAKE_AMD_SMI_FIXTURE: fixture(name),
    FAKE_AMD_SMI_PERIOD_MS: "100",
    ...extra,
  });
  expect(result.stderr).toContain("report written to");
  expect(result.code).toBe(0);
  return parseReportJson(readFileSync(out, "utf8"), out);
}

const gpuWh = (report: Report, method?: string) =>
  report.phases
    .flatMap((p) => p.components)
    .filter((c) => c.component === "gpu" && (method === undefined || c.method === method))
    .reduce((s, c) => s + c.energyWh, 0);

describe("amd-smi output", () => {
  it("parses one iteration of the documented JSON: power, counter in mJ, GFX activity, VRAM; N/A is no counter", () => {
    const text = readFileSync(fixture("metric-2gpu-no-energy.json"), "utf8");
    const parsed = parseAmdSmiMetric(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.gpus.map((g) => g.row)).toEqual([
      expect.objectContaining({
        index: 0,
        powerW: 550,
        utilization: 0.97,
        memoryUsedMiB: 150021,
        memoryTotalMiB: 196592,
      }),
      expect.objectContaining({ index: 1, powerW: 300, utilization: 0.64, memoryUsedMiB: 90210 }),
    ]);
    expect(parsed.gpus[0]?.counter).toEqual({ rawMj: 8123456789, code: 0 });
    expect(parsed.gpus[1]?.counter?.rawMj).toBeNull();
    expect(parseAmdSmiMetric('{"gpu": 0}').ok).toBe(false);
    // Later versions: the same list inside {"cpu_data", "core_data", "gpu_data"} (combine_arrays_to_json).
    const wrapped = parseAmdSmiMetric(
      JSON.stringify({ cpu_data: [], core_data: [], gpu_data: JSON.parse(text) }, null, 4),
    );
    expect(wrapped.ok && wrapped.gpus.map((g) => g.row.powerW)).toEqual([550, 300]);
  });

  it("asks for power, energy, usage and memory in watch mode, whole seconds", () => {
    expect(amdSmiArgs(100)).toEqual([
      "metric",
      "--power",
      "--energy",
      "--usage",
      "--mem-usage",
      "--watch",
      "1",
      "--json",
    ]);
    expect(amdSmiArgs(5_000)).toContain("5");
  });

  it("ROCR_VISIBLE_DEVICES, then HIP_VISIBLE_DEVICES, select the job's GPUs", () => {
    expect(
      gpuSelectionFrom(undefined, { ROCR_VISIBLE_DEVICES: "1", HIP_VISIBLE_DEVICES: "0" }),
    ).toMatchObject({
      source: "ROCR_VISIBLE_DEVICES",
      ids: [{ kind: "index", index: 1 }],
    });
    expect(gpuSelectionFrom(undefined, { HIP_VISIBLE_DEVICES: "0,1" }).source).toBe("HIP_VISIBLE_DEVICES");
  });
});

describe("AMD GPUs through the CLI (fake amd-smi)", () => {
  it("the energy counter: within 1 % of the fixtures' totals, method amd-smi-counter", async () => {
    const report = await run("metric-2gpu-energy.json");
    const truthWh = ((550 + 300) * report.durationS) / 3_600;
    expect(Math.abs(gpuWh(report) - truthWh) / truthWh).toBeLessThan(0.01);
    expect(Math.abs(gpuWh(report, "amd-smi-counter") - truthWh) / truthWh).toBeLessThan(0.01);
    expect(report.hardware.gpus.map((g) => [g.index, g.energyMethod, g.powerField])).toEqual([
      [0, "amd-smi-counter", "socket_power"],
      [1, "amd-smi-counter", "socket_power"],
    ]);
  }, 120_000);

  it("later amd-smi versions' wrapped output ({gpu_data: [...]}) is read the same way", async () => {
    const report = await run("metric-2gpu-energy.json", { FAKE_AMD_SMI_WRAP: "1" });
    const truthWh = ((550 + 300) * report.durationS) / 3_600;
    expect(Math.abs(gpuWh(report, "amd-smi-counter") - truthWh) / truthWh).toBeLessThan(0.01);
  }, 120_000);

  it("amd-smi exiting mid-run: a warning and a gap, the counter exact up to its last reading", async () => {
    const report = await run("metric-2gpu-energy.json", { FAKE_AMD_SMI_DIE_AFTER: "10" });
    expect(report.warnings.join("\n")).toMatch(/GPU reader \(amd-smi\) lost \(amd-smi exited \(code 1\)\)/);
    expect(report.phases.flatMap((p) => p.gaps).some((g) => g.source === "amd-smi")).toBe(true);
    expect(gpuWh(report, "amd-smi-counter")).toBeGreaterThan(0);
  }, 120_000);

  it("a GPU without the counter (energy N/A): its power readings, method amd-smi; ROCR_VISIBLE_DEVICES counts one GPU", async () => {
    const report = await run("metric-2gpu-no-energy.json", { ROCR_VISIBLE_DEVICES: "1" });
    const truthWh = (300 * report.durationS) / 3_600;
    expect(Math.abs(gpuWh(report, "amd-smi") - truthWh) / truthWh).toBeLessThan(0.01);
    expect(gpuWh(report, "amd-smi-counter")).toBe(0);
    expect(report.hardware.gpuSelection).toEqual({ source: "ROCR_VISIBLE_DEVICES", value: "1" });
    expect(report.hardware.gpus.map((g) => [g.index, g.counted, g.energyMethod])).toEqual([
      [0, false, undefined],
      [1, true, "amd-smi"],
    ]);
  }, 120_000);
});
