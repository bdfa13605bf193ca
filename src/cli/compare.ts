/**
 * `ml-footprint compare BASE... HEAD`: the head report (the last argument) against one or more base
 * reports (every other argument; a directory stands for the *.json reports in it), as text, the PR comment
 * markdown, or JSON (the plain `Comparison`, whose top-level `verdict` scripts read). Base runs are judged
 * as in the action: only those on the head's hardware count, newest first, up to `--history`.
 * File reading is here, at the edge; everything else is the pure compare/render core.
 */
import { commentCarbonExtras } from "../carbon/advice.js";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import type { Report } from "../model/report.js";
import { InputError, parsePercent } from "../model/units.js";
import { compareReports, poolEntriesFor, type Comparison } from "../report/compare.js";
import type { PoolEntry } from "../report/noise.js";
import {
  formatDelta,
  formatDuration,
  formatEnergy,
  formatMass,
  formatSigned,
  formatSignedPercent,
} from "../report/format.js";
import { renderComment } from "../report/render-markdown.js";
import { buildCommentModel } from "../report/render-model.js";
import { stripTerminalControls } from "../report/escape.js";
import { printed, ReadBudget, readReportFile } from "./read-report.js";
import { textTable } from "./table.js";

/** Base reports read from one directory at most (a history, not an archive). */
export const MAX_BASE_REPORTS = 200;

/** A readable plain-text table of a comparison (terminal output; no markdown). */
export function comparisonText(comparison: Comparison): string {
  const rows: string[][] = [
    ["phase", "base", "head", "Δ energy", "Δ range", "Δ emissions", "Δ duration", "verdict"],
  ];
  for (const row of [...comparison.phases, comparison.total]) {
    rows.push([
      row.name.replace(/\s+/g, " ").slice(0, 40),
      row.base ? formatEnergy(row.base.energyWh) : "—",
      row.head ? formatEnergy(row.head.energyWh) : "—",
      row.deltaEnergyWh === null ? "—" : formatDelta(row.deltaEnergyWh, row.deltaEnergyPercent, formatEnergy),
      row.deltaEnergyLowWh === null || row.deltaEnergyHighWh === null
        ? "—"
        : `${formatSigned(row.deltaEnergyLowWh, formatEnergy)} … ${formatSigned(row.deltaEnergyHighWh, formatEnergy)}`,
      row.deltaEmissionsG === null
        ? "—"
        : formatDelta(row.deltaEmissionsG, row.deltaEmissionsPercent, formatMass),
      row.deltaDurationS === null ? "—" : formatDuration(row.deltaDurationS),
      row.verdict + (row.bandPercent === null ? "" : ` (band ±${row.bandPercent.toFixed(1)} %)`),
    ]);
  }
  const lines = [textTable(rows)];
  const work = comparison.total.work;
  if (work) {
    lines.push(
      `per 1k ${work.unit}: ${formatEnergy(work.baseWhPer1k)} → ${formatEnergy(work.headWhPer1k)} (${formatSignedPercent(work.deltaPercent)}); the total's verdict uses it`,
    );
  }
  lines.push(`verdict: ${comparison.total.verdictWords}`);
  lines.push(
    `base runs used: ${comparison.baseRuns}` +
      (comparison.baseRunsSkipped.length
        ? `; skipped on other hardware: ${comparison.baseRunsSkipped.length} (${comparison.baseRunsSkipped[0]!.hardwareDifferences.join("; ")}${comparison.baseRunsSkipped.length > 1 ? ", …" : ""})`
        : ""),
  );
  for (const d of comparison.hardwareDifferences) lines.push(`different hardware: ${d}`);
  lines.push(`noise rule: ${comparison.noiseRule}`);
  return `${lines.join("\n")}\n`;
}

export interface CompareFlags {
  markdown?: boolean;
  json?: boolean;
  tolerance?: string;
  history?: string;
  /** compare with base reports of another key (another job) anyway */
  anyKey?: boolean;
}

const regionOf = (r: Report): string => r.carbon?.region.id ?? "none (energy only)";

/**
 * Like with like: base reports of another key measured another job (train vs eval is not a regression), so
 * they are refused unless --any-key; base reports from another region are compared with a warning, as
 * energy (the primary figure) does not depend on the grid but the emissions delta does.
 */
function checkLikeWithLike(
  head: Report,
  bases: Report[],
  anyKey: boolean,
  warn: (line: string) => void,
): void {
  const otherKeys = [...new Set(bases.map((b) => b.identity.key))].filter((k) => k !== head.identity.key);
  if (otherKeys.length > 0) {
    const message = `the head's key is "${head.identity.key}" but ${otherKeys.length === 1 ? "the base key is" : "base keys are"} ${otherKeys
      .sort()
      .map((k) => `"${k}"`)
      .join(", ")}: they measured different jobs`;
    if (!anyKey)
      throw new InputError(
        `compare: ${message}; compare reports of one key (ml-footprint run --key NAME sets it), or pass --any-key to compare anyway`,
      );
    warn(`warning: ${message} (--any-key)`);
  }
  const otherRegions = [...new Set(bases.map(regionOf))].filter((r) => r !== regionOf(head));
  if (otherRegions.length > 0) {
    warn(
      `warning: the head ran in region ${regionOf(head)} but base runs in ${otherRegions.sort().join(", ")}: the emissions delta reflects the grid as well as the code; compare energy`,
    );
  }
}

/** A base argument: a report file, or a directory whose *.json files are reports. */
async function readBases(path: string, budget: ReadBudget): Promise<Report[]> {
  let isDir = false;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch {
    // readReportFile names the problem
  }
  if (!isDir) return [await readReportFile(path, "base", budget)];
  const names = (await readdir(path)).filter((n) => n.endsWith(".json")).sort();
  if (names.length === 0) throw new InputError(`base: directory "${path}" has no *.json report files`);
  if (names.length > MAX_BASE_REPORTS) {
    throw new InputError(
      `base: directory "${path}" has ${names.length} report files; at most ${MAX_BASE_REPORTS} are read — give a directory of recent reports`,
    );
  }
  const out: Report[] = [];
  for (const name of names) out.push(await readReportFile(join(path, name), "base", budget));
  return out;
}

function parseHistory(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 1 || n > 1_000) {
    throw new InputError(
      `--history: "${value}" is not valid; accepted: a whole number of base runs from 1 to 1000`,
    );
  }
  return n;
}

/** Pool entries of every other key among `reports`: each key's newest report stands for its hardware. */
function otherKeysPool(reports: Report[], headKey: string): PoolEntry[] {
  const byKey = new Map<string, Report[]>();
  for (const r of reports) {
    if (r.identity.key === headKey) continue;
    byKey.set(r.identity.key, [...(byKey.get(r.identity.key) ?? []), r]);
  }
  return [...byKey.values()].flatMap((runs) => {
    const sorted = [...runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return poolEntriesFor(sorted[0]!, sorted);
  });
}

/** `compare`: what it prints, as a string. `paths`: base reports or directories, then the head report. */
export async function runCompare(
  paths: string[],
  flags: CompareFlags,
  warn: (line: string) => void = (line) => void process.stderr.write(`ml-footprint: ${line}\n`),
  budget: ReadBudget = new ReadBudget(),
): Promise<string> {
  if (flags.markdown && flags.json)
    throw new InputError("compare: --markdown and --json are exclusive; choose one");
  if (paths.length < 2) {
    throw new InputError(
      "compare: give at least one base report and the head report: ml-footprint compare BASE... HEAD (a directory stands for its *.json reports)",
    );
  }
  const tolerance = flags.tolerance === undefined ? undefined : parsePercent(flags.tolerance, "--tolerance");
  const history = parseHistory(flags.history);
  const head = await readReportFile(paths.at(-1)!, "head", budget);
  const all: Report[] = [];
  for (const p of paths.slice(0, -1)) all.push(...(await readBases(p, budget)));
  // A directory may hold other jobs' reports: keep the head's key when it has any, else all of them (which
  // checkLikeWithLike refuses unless --any-key).
  const sameKey = all.filter((r) => r.identity.key === head.identity.key);
  const bases = (sameKey.length ? sameKey : all).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  checkLikeWithLike(head, bases, flags.anyKey === true, (line) => warn(stripTerminalControls(line)));
  // Other jobs' reports in the same directories teach the noise model what is typical here (the pool).
  const pool = otherKeysPool(all, head.identity.key);
  const comparison = compareReports(head, bases, { priorNoisePercent: tolerance, history, pool });
  if (flags.json) return `${JSON.stringify(comparison, null, 2)}\n`;
  if (flags.markdown) {
    const newest = bases[0]!;
    const model = buildCommentModel({
      key: head.identity.key || "local",
      reports: [{ head, comparison, history: bases }],
      budgets: [],
      baseRef: newest.identity.headRef || newest.identity.ref || "base",
      baseSha: newest.identity.sha || null,
      toolVersion: head.tool.version,
      ...commentCarbonExtras([head]),
    });
    return renderComment(model);
  }
  return comparisonText(comparison);
}

/** Add `compare` to the CLI; output goes to `write` (stdout by default). */
export function registerCompareCommand(
  program: Command,
  write: (text: string) => void = (text) => void process.stdout.write(text),
): void {
  program
    .command("compare")
    .description(
      "compare a head report with base reports: ml-footprint compare BASE... HEAD (a directory stands for its *.json reports)",
    )
    .argument("<reports...>", "base report files or directories, then the head report file")
    .option("--markdown", "print the PR comment it would post")
    .option("--json", "print the comparison as JSON (top-level `verdict`)")
    .option(
      "--tolerance <percent>",
      "the prior run-to-run spread (σ) before base runs measure it, e.g. 4% (our default assumption)",
    )
    .option("--history <n>", "use at most n base runs on the head's hardware, newest first")
    .option("--any-key", "compare with base reports of another key (another job) anyway")
    .action(async (reports: string[], flags: CompareFlags) =>
      write(await printed(() => runCompare(reports, flags))),
    );
}
