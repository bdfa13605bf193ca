/**
 * Reports as rows of CodeCarbon's `emissions.csv`, so CodeCarbon's dashboard (carbonboard) and anything that reads its
 * files take our runs. Pure: reports in, CSV text out.
 *
 * Columns, order and units follow CodeCarbon's own source (mlco2/codecarbon at b05965e, August 2026):
 * `codecarbon/output_methods/emissions_data.py` (the `EmissionsData` dataclass: the CSV header is its fields in
 * declaration order, written by `output_methods/file.py` through pandas `DataFrame.to_csv`) and
 * `emissions_tracker.py` `_prepare_emissions_data` / `_do_measurements`:
 * - duration in s; emissions in kg CO2e; emissions_rate in kg/s (emissions / duration);
 * - cpu_power, gpu_power, ram_power: mean power in W (not PUE-scaled);
 * - cpu_energy, gpu_energy, ram_energy, energy_consumed in kWh, *with PUE applied* (CodeCarbon multiplies each
 *   component's energy by the PUE before adding it up), so emissions = energy_consumed × intensity;
 * - ram_total_size in GB; *_utilization_percent in percent (0–100); water_consumed in litres (= WUE × kWh);
 * - country_iso_code is ISO 3166-1 alpha-3 ("FRA"); on_cloud is "Y" or "N".
 *
 * Where ml-footprint and CodeCarbon differ:
 * - emissions is our *operational* emissions (energy × PUE × intensity), the quantity CodeCarbon computes; our
 *   embodied share has no CodeCarbon column and is left out;
 * - energy of the "other" component (a fixed wattage input) counts in energy_consumed only, as it has no column;
 * - unknowns are empty cells (pandas reads NaN), never an invented 0: python_version, codecarbon_version,
 *   longitude, latitude, ram_utilization_percent, ram_used_gb, water_consumed and wue (we have no water
 *   figure; CodeCarbon's own 0 means "WUE not set", which a reader would take as "no water");
 *   gpu_utilization_percent without GPUs;
 * - timestamp is the report's creation time in UTC, in CodeCarbon's format (`%Y-%m-%dT%H:%M:%S`, no zone);
 * - project_name is the repository ("owner/repo"), or "local" outside CI; experiment_id the measurement key (the
 *   job and its matrix values in CI, `--key` or the label locally), which stays the same from run to run;
 *   run_id is unique per report, which CodeCarbon's "update" mode relies on: "<repository>/<run id>/<attempt>/<key>"
 *   in CI (a key is unique per job of a workflow run), "local/<key>/<created at, ISO 8601 UTC>" elsewhere;
 * - numbers are rounded to 12 significant digits: far finer than any measurement, and without float noise such
 *   as 6.999999999999999;
 * - gpu_model is "N x name" per model as CodeCarbon writes it, joined with ", " when models differ.
 *
 * Strings a spreadsheet would run as a formula (starting with = + - @, tab, CR or LF, also behind leading blanks or
 * invisible characters: FORMULA_START) get a leading apostrophe (OWASP's CSV-injection advice); fields are quoted
 * as Python's csv module does by default (QUOTE_MINIMAL).
 */
import { DATASET } from "../carbon/dataset.js";
import type { Component, Report } from "../model/report.js";

/** CodeCarbon's emissions.csv header, in order (EmissionsData fields, codecarbon b05965e). */
export const CODECARBON_COLUMNS = [
  "timestamp",
  "project_name",
  "run_id",
  "experiment_id",
  "duration",
  "emissions",
  "emissions_rate",
  "cpu_power",
  "gpu_power",
  "ram_power",
  "cpu_energy",
  "gpu_energy",
  "ram_energy",
  "energy_consumed",
  "water_consumed",
  "country_name",
  "country_iso_code",
  "region",
  "cloud_provider",
  "cloud_region",
  "os",
  "python_version",
  "codecarbon_version",
  "cpu_count",
  "cpu_model",
  "gpu_count",
  "gpu_model",
  "longitude",
  "latitude",
  "ram_total_size",
  "tracking_mode",
  "cpu_utilization_percent",
  "gpu_utilization_percent",
  "ram_utilization_percent",
  "ram_used_gb",
  "on_cloud",
  "pue",
  "wue",
] as const;

export type CodecarbonColumn = (typeof CODECARBON_COLUMNS)[number];
/** One CSV row: numbers in CodeCarbon's units, strings, or null for an empty cell. */
export type CodecarbonRecord = Record<CodecarbonColumn, number | string | null>;

const CLOUD_PROVIDERS = new Set(["aws", "azure", "gcp"]);

interface Location {
  countryName: string | null;
  countryIsoCode: string | null;
  region: string | null;
  cloudProvider: string;
  cloudRegion: string;
}

/** Country (alpha-3 and name), region and cloud from the report's region id: "azure:eastus", "FR", "world". */
function locate(report: Report): Location {
  const region = report.carbon?.region;
  const none: Location = {
    countryName: null,
    countryIsoCode: null,
    region: null,
    cloudProvider: "",
    cloudRegion: "",
  };
  if (!region || region.id === "world") return none;
  const id = region.id.toLowerCase();
  const colon = id.indexOf(":");
  const provider = colon > 0 ? id.slice(0, colon) : "";
  if (CLOUD_PROVIDERS.has(provider)) {
    const entry = DATASET.regions.find((r) => r.id === id);
    const country = entry ? DATASET.countries.find((c) => c.alpha2 === entry.country) : undefined;
    return {
      countryName: country?.name ?? null,
      countryIsoCode: country?.alpha3 ?? null,
      region: entry?.location ?? region.name,
      cloudProvider: provider,
      cloudRegion: id.slice(colon + 1),
    };
  }
  const upper = region.id.toUpperCase();
  const country = DATASET.countries.find((c) => c.alpha2 === upper || c.alpha3 === upper);
  if (country) return { ...none, countryName: country.name, countryIsoCode: country.alpha3 };
  return { ...none, region: region.name };
}

function componentWh(report: Report, component: Component): number {
  let wh = 0;
  for (const phase of report.phases)
    for (const c of phase.components) if (c.component === component) wh += c.energyWh;
  return wh;
}

/** Duration-weighted mean of a per-phase utilization (0..1) as a percent; null when no phase has it. */
function meanUtilPercent(
  report: Report,
  pick: (p: Report["phases"][number]) => number | null,
): number | null {
  let weighted = 0;
  let seconds = 0;
  for (const phase of report.phases) {
    const util = pick(phase);
    if (util === null) continue;
    weighted += util * phase.durationS;
    seconds += phase.durationS;
  }
  if (seconds > 0) return (weighted / seconds) * 100;
  const known = report.phases.map(pick).filter((u): u is number => u !== null);
  return known.length ? (known.reduce((a, b) => a + b, 0) / known.length) * 100 : null;
}

function gpuModel(report: Report): string {
  const counts = new Map<string, number>();
  for (const gpu of report.hardware.gpus) counts.set(gpu.name, (counts.get(gpu.name) ?? 0) + 1);
  return [...counts].map(([name, n]) => `${n} x ${name}`).join(", ");
}

/** UTC `YYYY-MM-DDTHH:MM:SS` (CodeCarbon's strftime format, which carries no zone). */
function codecarbonTimestamp(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19);
}

/** One report as one CodeCarbon row, in CodeCarbon's units. */
export function toCodecarbonRecord(report: Report): CodecarbonRecord {
  const pue = report.carbon?.pue.value ?? 1;
  const kWhWithPue = (wh: number) => (wh / 1_000) * pue;
  const meanW = (wh: number) => (report.durationS > 0 ? (wh * 3_600) / report.durationS : 0);
  const cpuWh = componentWh(report, "cpu");
  const gpuWh = componentWh(report, "gpu");
  const ramWh = componentWh(report, "memory");
  const emissionsKg = report.carbon ? report.carbon.emissions.operationalG / 1_000 : null;
  const place = locate(report);
  const { identity } = report;
  const key = identity.key || "run";
  const runId =
    identity.runId !== ""
      ? [identity.repository || "local", identity.runId, identity.runAttempt || "1", key].join("/")
      : `local/${key}/${new Date(report.createdAt).toISOString()}`;
  return {
    timestamp: codecarbonTimestamp(report.createdAt),
    project_name: identity.repository || "local",
    run_id: runId,
    experiment_id: key,
    duration: report.durationS,
    emissions: emissionsKg,
    emissions_rate: emissionsKg === null ? null : report.durationS > 0 ? emissionsKg / report.durationS : 0,
    cpu_power: meanW(cpuWh),
    gpu_power: meanW(gpuWh),
    ram_power: meanW(ramWh),
    cpu_energy: kWhWithPue(cpuWh),
    gpu_energy: kWhWithPue(gpuWh),
    ram_energy: kWhWithPue(ramWh),
    energy_consumed: kWhWithPue(report.energyWh),
    water_consumed: null, // unknown: we have no water figure
    country_name: place.countryName,
    country_iso_code: place.countryIsoCode,
    region: place.region,
    cloud_provider: place.cloudProvider,
    cloud_region: place.cloudRegion,
    os: [report.runner.os, report.runner.arch].filter(Boolean).join("-"),
    python_version: null,
    codecarbon_version: null,
    cpu_count: report.hardware.cpu.threads,
    cpu_model: report.hardware.cpu.brand,
    gpu_count: report.hardware.gpus.length,
    gpu_model: gpuModel(report),
    longitude: null,
    latitude: null,
    ram_total_size: report.hardware.memoryGB,
    tracking_mode: "machine",
    cpu_utilization_percent: meanUtilPercent(report, (p) => p.meanCpuUtil),
    gpu_utilization_percent: meanUtilPercent(report, (p) => p.meanGpuUtil),
    ram_utilization_percent: null,
    ram_used_gb: null,
    on_cloud: place.cloudProvider ? "Y" : "N",
    pue,
    wue: null,
  };
}

/**
 * Text a spreadsheet may run as a formula: one that starts with = + - @ (or their full-width forms), tab, CR
 * or LF (OWASP, "CSV Injection"), also after leading spaces, line breaks or invisible characters (zero-width
 * space and joiners, BOM, word joiner and other format characters), which some spreadsheets strip first.
 */
const FORMULA_START = /^[\s\p{Cf}]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r\n]/u;

/** Significant digits of a number cell: above float noise (~16), far below any measurement's precision. */
const CELL_SIGNIFICANT_DIGITS = 12;

/** One CSV cell: rounded numbers, apostrophe before formula starts, quotes only where needed. */
export function csvCell(value: number | string | null): string {
  if (value === null) return "";
  if (typeof value === "number")
    return Number.isFinite(value) ? String(Number(value.toPrecision(CELL_SIGNIFICANT_DIGITS))) : "";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function codecarbonHeader(): string {
  return `${CODECARBON_COLUMNS.join(",")}\n`;
}

/** CSV rows (no header) for the reports, one per report, "\n" line ends as pandas writes on Linux. */
export function codecarbonRows(reports: readonly Report[]): string {
  return reports
    .map((report) => {
      const record = toCodecarbonRecord(report);
      return `${CODECARBON_COLUMNS.map((column) => csvCell(record[column])).join(",")}\n`;
    })
    .join("");
}

/** A whole emissions.csv: header and one row per report. */
export function codecarbonCsv(reports: readonly Report[]): string {
  return codecarbonHeader() + codecarbonRows(reports);
}
