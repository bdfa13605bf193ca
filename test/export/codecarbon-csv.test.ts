// CodeCarbon emissions.csv export: the exact header CodeCarbon writes, the report's figures in CodeCarbon's units
// (kWh with PUE, kg, s, W), CSV quoting of user strings and no formula injection; and the CLI end to end.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { codecarbonCsv, csvCell, CODECARBON_COLUMNS } from "../../src/export/codecarbon-csv.js";
import { parseReportJson, serializeReport, type Report } from "../../src/model/report.js";
import { runBundledCli } from "../support/cli.js";
import { runExport } from "../../src/cli/export.js";
import { InputError } from "../../src/model/units.js";
import { makeReport } from "../report/make-report.js";
import { localIdentity } from "../../src/report/build.js";
import { readCsv, readCsvRecords } from "./csv-reader.js";

// The header of CodeCarbon's own test fixture tests/test_data/emissions_valid_headers.csv (mlco2/codecarbon
// b05965e), i.e. the fields of EmissionsData in order; copied, not derived from our constant.
const CODECARBON_HEADER =
  "timestamp,project_name,run_id,experiment_id,duration,emissions,emissions_rate,cpu_power,gpu_power,ram_power,cpu_energy,gpu_energy,ram_energy,energy_consumed,water_consumed,country_name,country_iso_code,region,cloud_provider,cloud_region,os,python_version,codecarbon_version,cpu_count,cpu_model,gpu_count,gpu_model,longitude,latitude,ram_total_size,tracking_mode,cpu_utilization_percent,gpu_utilization_percent,ram_utilization_percent,ram_used_gb,on_cloud,pue,wue";

const fixture = (name: string): Report =>
  parseReportJson(readFileSync(`test/fixtures/reports/${name}.json`, "utf8"), name);

/** A report with a measured GPU: 30 Wh of GPU in train, on two GPUs of two models. */
function gpuReport(): Report {
  const report = makeReport({
    phases: { train: 10, eval: 2 },
    gpus: ["NVIDIA A100-SXM4-80GB", "NVIDIA A100-SXM4-80GB", "NVIDIA H100 80GB HBM3"],
  });
  const train = report.phases[0]!;
  const gpuWh = 30;
  train.components.push({
    component: "gpu",
    method: "nvidia-smi",
    provenance: "measured",
    energyWh: gpuWh,
    lowWh: gpuWh * 0.95,
    highWh: gpuWh * 1.05,
    meanPowerW: (gpuWh * 3_600) / train.durationS,
    peakPowerW: 300,
  });
  train.energyWh += gpuWh;
  train.meanGpuUtil = 0.5;
  report.energyWh += gpuWh;
  const carbon = report.carbon!;
  const g = (report.energyWh / 1_000) * carbon.pue.value * carbon.intensity.gPerKWh;
  carbon.emissions = { ...carbon.emissions, operationalG: g, embodiedG: 3, totalG: g + 3 };
  return report;
}

const num = (cell: string | undefined) => {
  expect(cell, "a number").toMatch(/^-?\d/);
  return Number(cell);
};

describe("CodeCarbon emissions.csv", () => {
  it("has exactly CodeCarbon's header, in order", () => {
    expect(CODECARBON_COLUMNS.join(",")).toBe(CODECARBON_HEADER);
    expect(codecarbonCsv([]).trimEnd()).toBe(CODECARBON_HEADER);
  });

  it("gives the report's figures in CodeCarbon's units: kWh with PUE, kg, kg/s, s, W, GB, percent", () => {
    const report = gpuReport();
    const [row] = readCsvRecords(codecarbonCsv([report]));
    const carbon = report.carbon!;
    const pue = carbon.pue.value;
    const wh = (component: string) =>
      report.phases
        .flatMap((p) => p.components)
        .reduce((s, c) => s + (c.component === component ? c.energyWh : 0), 0);

    expect(num(row!.duration)).toBeCloseTo(report.durationS, 9);
    expect(num(row!.energy_consumed)).toBeCloseTo((report.energyWh / 1_000) * pue, 12);
    expect(num(row!.cpu_energy)).toBeCloseTo((wh("cpu") / 1_000) * pue, 12);
    expect(num(row!.gpu_energy)).toBeCloseTo((30 / 1_000) * pue, 12);
    expect(num(row!.ram_energy)).toBeCloseTo((wh("memory") / 1_000) * pue, 12);
    expect(num(row!.cpu_energy) + num(row!.gpu_energy) + num(row!.ram_energy)).toBeCloseTo(
      num(row!.energy_consumed),
      12,
    );
    // Operational emissions only (CodeCarbon's quantity): the 3 g embodied share is not in the column.
    expect(num(row!.emissions)).toBeCloseTo(carbon.emissions.operationalG / 1_000, 12);
    expect(num(row!.emissions) / num(row!.energy_consumed)).toBeCloseTo(carbon.intensity.gPerKWh / 1_000, 9);
    expect(num(row!.emissions_rate)).toBeCloseTo(num(row!.emissions) / report.durationS, 15);
    // Mean power in W, without PUE: energy over the whole duration.
    expect(num(row!.gpu_power)).toBeCloseTo((30 * 3_600) / report.durationS, 9);
    expect(num(row!.cpu_power)).toBeCloseTo((wh("cpu") * 3_600) / report.durationS, 9);
    expect(num(row!.ram_total_size)).toBe(16);
    expect(num(row!.cpu_count)).toBe(4);
    expect(num(row!.gpu_count)).toBe(3);
    expect(row!.gpu_model).toBe("2 x NVIDIA A100-SXM4-80GB, 1 x NVIDIA H100 80GB HBM3");
    expect(num(row!.cpu_utilization_percent)).toBeCloseTo(80, 9);
    // GPU utilization known for train only: the train phase's 50 %.
    expect(num(row!.gpu_utilization_percent)).toBeCloseTo(50, 9);
    expect(num(row!.pue)).toBe(1.18);
    expect(row).toMatchObject({
      timestamp: "2026-11-20T10:00:00",
      project_name: "acme/models",
      run_id: "acme/models/1001/1/train",
      experiment_id: "train",
      country_name: "United States",
      country_iso_code: "USA",
      cloud_provider: "azure",
      cloud_region: "eastus",
      on_cloud: "Y",
      os: "Linux-X64",
      tracking_mode: "machine",
      python_version: "",
      longitude: "",
      ram_used_gb: "",
      water_consumed: "", // unknown, not "no water"
      wue: "",
    });
  });

  it("one row per report; a report without carbon accounting has empty emissions and PUE 1", () => {
    const records = readCsvRecords(codecarbonCsv([fixture("base"), fixture("head"), fixture("no-carbon")]));
    expect(records).toHaveLength(3);
    expect(num(records[1]!.energy_consumed)).toBeCloseTo((54.3 / 1_000) * 1.18, 12);
    expect(records[2]).toMatchObject({
      emissions: "",
      emissions_rate: "",
      pue: "1",
      on_cloud: "N",
      country_iso_code: "",
    });
    expect(num(records[2]!.energy_consumed)).toBeCloseTo(44 / 1_000, 12);
  });

  it("country regions give the country's ISO alpha-3 code and no cloud", () => {
    const report = makeReport();
    report.carbon!.region = { id: "FR", name: "France", source: "input", provenance: "assumed" };
    const [row] = readCsvRecords(codecarbonCsv([report]));
    expect(row).toMatchObject({
      country_iso_code: "FRA",
      country_name: "France",
      cloud_provider: "",
      on_cloud: "N",
    });
  });

  it("quotes commas, quotes and line breaks, and defuses spreadsheet formulas in user strings", () => {
    const report = makeReport({ cpu: '=HYPERLINK("http://x.example","click")', key: "a,b" });
    report.identity.repository = 'acme/"models"\nsecond line';
    report.hardware.gpus = [];
    const csv = codecarbonCsv([report]);
    const rows = readCsv(csv);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toHaveLength(CODECARBON_COLUMNS.length);
    const [row] = readCsvRecords(csv);
    expect(row!.cpu_model).toBe(`'=HYPERLINK("http://x.example","click")`);
    expect(row!.project_name).toBe('acme/"models"\nsecond line');
    expect(row!.experiment_id).toBe("a,b");
    for (const start of ["=", "+", "-", "@", "\t", "\r"]) expect(csvCell(`${start}1+1`)).toMatch(/^"?'/);
    expect(csvCell(-0.5)).toBe("-0.5"); // numbers are never prefixed
    expect(csvCell(Number.NaN)).toBe("");
    expect(csvCell(3.4e-5)).toBe("0.000034");
  });

  it("defuses formulas behind leading blanks, line breaks and invisible characters, and full-width signs", () => {
    const hidden = [
      " =1+1",
      "  +1",
      "\n=1+1",
      "\r\n@SUM(A1)",
      "\u200B=1+1",
      "\uFEFF=1",
      "\u2060-1",
      "\u00A0=1",
      "\uFF1D1+1",
    ];
    for (const text of hidden) {
      const cell = csvCell(text);
      const [[read]] = readCsv(`${cell}\n`) as [[string]];
      expect(read, JSON.stringify(text)).toBe(`'${text}`);
    }
    // ordinary text, also with inner signs or leading blanks before a letter, is left alone
    for (const text of ["a=b", " AMD EPYC", "x-1", "acme/models", "\u200Bname"])
      expect(csvCell(text)).toBe(text);
  });

  it("rounds numbers to 12 significant digits: no float noise such as 6.999999999999999", () => {
    expect(csvCell(6.999999999999999)).toBe("7");
    expect(csvCell(0.1 + 0.2)).toBe("0.3");
    expect(csvCell(0.0123456789012345)).toBe("0.0123456789012");
    expect(csvCell(1e-7)).toBe("1e-7");
    const report = makeReport();
    report.durationS = 6.999999999999999;
    const [row] = readCsvRecords(codecarbonCsv([report]));
    expect(row!.duration).toBe("7");
    for (const cell of Object.values(row!)) {
      if (!/^-?[\d.]+(e-?\d+)?$/.test(cell)) continue;
      const significant = cell.replace(/e.*$/, "").replace(/[-.]/g, "").replace(/^0+/, "");
      expect(significant.length, cell).toBeLessThanOrEqual(12);
    }
  });

  it("run_id is unique per report, project_name and experiment_id say which repository and key", () => {
    const ci = (runId: string, attempt: string, key: string) => {
      const r = makeReport({ key });
      r.identity = { ...r.identity, runId, runAttempt: attempt };
      return r;
    };
    const local = (key: string, createdAt: string) => {
      const r = makeReport({ key, createdAt });
      r.identity = localIdentity(key);
      return r;
    };
    const reports = [
      ci("1001", "1", "train"),
      ci("1001", "1", "eval"),
      ci("1001", "2", "train"),
      ci("1002", "1", "train"),
      local("run", "2026-11-20T10:00:00.000Z"),
      local("run", "2026-11-20T10:00:00.001Z"),
      local("train", "2026-11-20T10:00:00.000Z"),
    ];
    const rows = readCsvRecords(codecarbonCsv(reports));
    expect(new Set(rows.map((r) => r.run_id)).size).toBe(reports.length);
    expect(rows[0]).toMatchObject({
      project_name: "acme/models",
      run_id: "acme/models/1001/1/train",
      experiment_id: "train",
    });
    expect(rows[4]).toMatchObject({
      project_name: "local",
      run_id: "local/run/2026-11-20T10:00:00.000Z",
      experiment_id: "run",
    });
  });
});

describe("ml-footprint export --format codecarbon-csv", () => {
  it(
    "prints to stdout, writes --out, appends with --append under one header, and names a bad format",
    { timeout: 120_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "mlf-export-"));
      const base = join(dir, "base.json");
      const head = join(dir, "head.json");
      writeFileSync(base, serializeReport(fixture("base")));
      writeFileSync(head, serializeReport(gpuReport()));

      const printed = await runBundledCli(["export", base, head, "--format", "codecarbon-csv"]);
      expect(printed.code, printed.stderr).toBe(0);
      expect(printed.stdout).toBe(codecarbonCsv([fixture("base"), gpuReport()]));

      const out = join(dir, "emissions.csv");
      const written = await runBundledCli(["export", base, "--format", "codecarbon-csv", "--out", out]);
      expect(written.code, written.stderr).toBe(0);
      expect(written.stdout).toBe("");
      const appended = await runBundledCli([
        "export",
        head,
        "--format",
        "codecarbon-csv",
        "--out",
        out,
        "--append",
      ]);
      expect(appended.code, appended.stderr).toBe(0);
      expect(readFileSync(out, "utf8")).toBe(printed.stdout);

      // Refusals, in process (the same code path without another process start).
      writeFileSync(join(dir, "other.csv"), "a,b\n1,2\n");
      await expect(
        runExport([head], { format: "codecarbon-csv", out: join(dir, "other.csv"), append: true }),
      ).rejects.toThrow(/--append: .*other\.csv" does not start with CodeCarbon's/);
      await expect(runExport([head], { format: "parquet" })).rejects.toThrow(
        /--format: "parquet" is not known; accepted: codecarbon-csv, otlp/,
      );
      await expect(runExport([head], { format: "codecarbon-csv", append: true })).rejects.toThrow(InputError);
    },
  );
});
