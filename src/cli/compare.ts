/**
 * `ml-footprint compare <base.json> <head.json>`: the diff of two reports as text, the PR comment markdown,
 * or JSON. File reading is here, at the edge; everything else is the pure compare/render core.
 */
import type { Command } from "commander";
import { compareReports, type Comparison } from "../report/compare.js";
import {
  formatDelta,
  formatDuration,
  formatEnergy,
  formatMass,
  formatSignedPercent,
} from "../report/format.js";
import { buildCommentModel } from "../report/render-model.js";
import { renderComment } from "../report/render-markdown.js";
import { InputError, parsePercent } from "../model/units.js";
import { printed, readReportFile } from "./read-report.js";
import { textTable } from "./table.js";

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
  const lines = [textTable(rows)];
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

/** Add `compare` to the CLI; output goes to `write` (stdout by default). */
export function registerCompareCommand(
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
}
