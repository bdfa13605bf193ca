/**
 * CLI commands over report files: `compare <base.json> <head.json>` prints the diff (text, the PR comment
 * markdown, or JSON) and `history <dir>` prints the base-branch trend. File reading is here, at the edge;
 * everything else is the pure compare/render core. Bad input throws InputError (the CLI exits 2).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { InputError, parsePercent } from "../config/units.js";
import { shortSha, trendMermaid, trendTable, type TrendPoint } from "./chart.js";
import { compareReports, type Comparison } from "./compare.js";
import { formatDelta, formatDuration, formatEnergy, formatMass, formatSignedPercent } from "./format.js";
import { stripTerminalControls } from "./escape.js";
import { buildCommentModel } from "./render-model.js";
import { renderComment } from "./render-markdown.js";
import { parseReportJson, ReportValidationError, type Report } from "./schema.js";

/** Report files larger than this are refused (a report is a few kB; 1,000 phases stay far below). */
export const MAX_REPORT_BYTES = 10 * 1024 * 1024;

export async function readReportFile(path: string, inputName: string): Promise<Report> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile())
      throw new InputError(`${inputName}: "${path}" is not a file; give a report JSON file`);
    if (info.size > MAX_REPORT_BYTES) {
      throw new InputError(
        `${inputName}: "${path}" is ${info.size} bytes; reports over ${MAX_REPORT_BYTES} bytes are refused`,
      );
    }
    text = await readFile(path, "utf8");
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new InputError(
      `${inputName}: cannot read "${path}" (${code}); give a report JSON written by ml-footprint`,
    );
  }
  try {
    return parseReportJson(text, `${inputName} "${path}"`);
  } catch (error) {
    if (error instanceof ReportValidationError) throw new InputError(error.message);
    throw error;
  }
}

function pad(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, col) => Math.max(...rows.map((r) => (r[col] ?? "").length)));
  return rows
    .map((r) =>
      r
        .map((cell, col) => cell.padEnd(widths[col] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** A readable plain-text table of a comparison (terminal output; no markdown). */
export function comparisonText(comparison: Comparison): string {
  const rows: string[][] = [["phase", "base", "head", "Δ energy", "Δ emissions", "Δ duration", "verdict"]];
  for (const row of [...comparison.phases, comparison.total]) {
    rows.push([
      row.name.replace(/\s+/g, " ").slice(0, 40),
      row.base ? formatEnergy(row.base.energyWh) : "—",
      row.head ? formatEnergy(row.head.energyWh) : "—",
      row.deltaEnergyWh === null ? "—" : formatDelta(row.deltaEnergyWh, row.deltaEnergyPercent, formatEnergy),
      row.deltaEmissionsG === null
        ? "—"
        : formatDelta(row.deltaEmissionsG, row.deltaEmissionsPercent, formatMass),
      row.deltaDurationS === null ? "—" : formatDuration(row.deltaDurationS),
      row.verdict + (row.bandPercent === null ? "" : ` (band ±${row.bandPercent.toFixed(1)} %)`),
    ]);
  }
  const lines = [pad(rows)];
  const work = comparison.total.work;
  if (work) {
    lines.push(
      `per 1k ${work.unit}: ${formatEnergy(work.baseWhPer1k)} → ${formatEnergy(work.headWhPer1k)} (${formatSignedPercent(work.deltaPercent)}); the total's verdict uses it`,
    );
  }
  for (const d of comparison.hardwareDifferences) lines.push(`different hardware: ${d}`);
  lines.push(`noise rule: ${comparison.noiseRule}`);
  return `${lines.join("\n")}\n`;
}

export interface CompareFlags {
  markdown?: boolean;
  json?: boolean;
  tolerance?: string;
}

/** `compare`: what it prints, as a string. */
export async function runCompare(basePath: string, headPath: string, flags: CompareFlags): Promise<string> {
  if (flags.markdown && flags.json)
    throw new InputError("compare: --markdown and --json are exclusive; choose one");
  const tolerance = flags.tolerance === undefined ? undefined : parsePercent(flags.tolerance, "--tolerance");
  const base = await readReportFile(basePath, "base");
  const head = await readReportFile(headPath, "head");
  const comparison = compareReports(head, [base], { defaultTolerancePercent: tolerance });
  if (flags.json) return `${JSON.stringify(comparison, null, 2)}\n`;
  if (flags.markdown) {
    const model = buildCommentModel({
      key: head.identity.key || "local",
      reports: [{ head, comparison, history: [base] }],
      budgets: [],
      baseRef: base.identity.headRef || base.identity.ref || "base",
      baseSha: base.identity.sha || null,
      toolVersion: head.tool.version,
    });
    return renderComment(model);
  }
  return comparisonText(comparison);
}

export interface HistoryFlags {
  key?: string;
  markdown?: boolean;
}

/** `history`: every *.json report in `dir` (one key), oldest first, as a trend table. */
export async function runHistory(dir: string, flags: HistoryFlags): Promise<string> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith(".json")).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new InputError(
      `history: cannot read directory "${dir}" (${code}); give a directory of report JSON files`,
    );
  }
  if (names.length === 0) throw new InputError(`history: "${dir}" has no *.json report files`);
  const reports: Report[] = [];
  for (const name of names) reports.push(await readReportFile(join(dir, name), "history"));
  const keys = [...new Set(reports.map((r) => r.identity.key))].sort();
  let chosen = reports;
  if (flags.key !== undefined) {
    chosen = reports.filter((r) => r.identity.key === flags.key);
    if (chosen.length === 0)
      throw new InputError(`--key: "${flags.key}" matches no report; keys in "${dir}": ${keys.join(", ")}`);
  } else if (keys.length > 1) {
    throw new InputError(
      `history: "${dir}" holds reports for several keys (${keys.join(", ")}); choose one with --key`,
    );
  }
  chosen.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const points: TrendPoint[] = chosen.map((r) => ({
    label: shortSha(r.identity.sha),
    createdAt: r.createdAt,
    energyWh: r.energyWh,
    emissionsG: r.carbon?.emissions.totalG ?? null,
    isHead: false,
  }));
  if (flags.markdown)
    return `${trendMermaid(points, `${chosen[0]?.identity.key ?? ""} trend`)}\n\n${trendTable(points)}\n`;
  const rows: string[][] = [
    ["date (UTC)", "commit", "energy", "emissions", "duration", "Δ energy vs previous"],
  ];
  chosen.forEach((r, i) => {
    const prev = chosen[i - 1];
    const delta = prev ? r.energyWh - prev.energyWh : null;
    rows.push([
      r.createdAt.slice(0, 16).replace("T", " "),
      shortSha(r.identity.sha),
      formatEnergy(r.energyWh),
      r.carbon ? formatMass(r.carbon.emissions.totalG) : "—",
      formatDuration(r.durationS),
      delta === null || !prev
        ? "—"
        : formatDelta(delta, prev.energyWh > 0 ? (delta / prev.energyWh) * 100 : null, formatEnergy),
    ]);
  });
  return `${pad(rows)}\n`;
}

/**
 * Report files may come from anyone (a fork's artifact, a colleague's upload): what a command prints, and
 * its error message (which may name keys from the files), goes through stripTerminalControls, so no OSC 52
 * clipboard write, OSC 8 hidden link or cursor trick in a phase name reaches the terminal.
 */
async function printed(make: () => Promise<string>): Promise<string> {
  try {
    return stripTerminalControls(await make());
  } catch (error) {
    if (error instanceof Error) error.message = stripTerminalControls(error.message);
    throw error;
  }
}

/** Add `compare` and `history` to the CLI; output goes to `write` (stdout by default). */
export function registerReportCommands(
  program: Command,
  write: (text: string) => void = (text) => void process.stdout.write(text),
): void {
  program
    .command("compare")
    .description("compare two reports: ml-footprint compare <base.json> <head.json>")
    .argument("<base>", "the base report JSON")
    .argument("<head>", "the head report JSON")
    .option("--markdown", "print the PR comment it would post")
    .option("--json", "print the comparison as JSON")
    .option("--tolerance <percent>", "noise band with one base run, e.g. 10%")
    .action(async (base: string, head: string, flags: CompareFlags) =>
      write(await printed(() => runCompare(base, head, flags))),
    );
  program
    .command("history")
    .description("print the energy trend of a directory of reports")
    .argument("<dir>", "a directory of report JSON files")
    .option("--key <key>", "only reports with this measurement key")
    .option("--markdown", "print the Mermaid chart and markdown table")
    .action(async (dir: string, flags: HistoryFlags) => write(await printed(() => runHistory(dir, flags))));
}
