/** `ml-footprint history <dir>`: the energy trend of a directory of reports, as text or markdown. */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { pointOf, shortSha, trendMermaid, trendTable, type TrendPoint } from "../report/chart.js";
import { formatDelta, formatDuration, formatEnergy, formatMass } from "../report/format.js";
import type { Report } from "../model/report.js";
import { InputError } from "../model/units.js";
import { stripTerminalControls } from "../report/escape.js";
import { printed, ReadBudget, ReadCapError, readReportFile } from "./read-report.js";
import { textTable } from "./table.js";

export interface HistoryFlags {
  key?: string;
  markdown?: boolean;
}

/** `history`: every *.json report in `dir` (one key), oldest first, as a trend table. */
export async function runHistory(
  dir: string,
  flags: HistoryFlags,
  note: (line: string) => void = (line) => void process.stderr.write(`ml-footprint: ${line}\n`),
  budget: ReadBudget = new ReadBudget(),
): Promise<string> {
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
  // A directory of reports may hold other JSON (package-lock.json, a config): skipped with a note, not fatal.
  const reports: Report[] = [];
  const skipped: string[] = [];
  for (const name of names) {
    try {
      reports.push(await readReportFile(join(dir, name), "history", budget));
    } catch (error) {
      // the overall cap is not a file to skip: reading on would judge a silently smaller history
      if (!(error instanceof InputError) || error instanceof ReadCapError) throw error;
      skipped.push(name);
    }
  }
  if (skipped.length > 0) {
    const shown =
      skipped.slice(0, 5).join(", ") + (skipped.length > 5 ? `, and ${skipped.length - 5} more` : "");
    note(
      stripTerminalControls(
        `history: skipped ${skipped.length} JSON file${skipped.length === 1 ? "" : "s"} that ${skipped.length === 1 ? "is" : "are"} not an ml-footprint report: ${shown}`,
      ),
    );
  }
  if (reports.length === 0)
    throw new InputError(
      `history: "${dir}" has no ml-footprint report among its ${names.length} *.json files`,
    );
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
  const points: TrendPoint[] = chosen.map((r) => pointOf(r, false));
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
      shortSha(r.identity.sha) || "—",
      formatEnergy(r.energyWh),
      r.carbon ? formatMass(r.carbon.emissions.totalG) : "—",
      formatDuration(r.durationS),
      delta === null || !prev
        ? "—"
        : formatDelta(delta, prev.energyWh > 0 ? (delta / prev.energyWh) * 100 : null, formatEnergy),
    ]);
  });
  return `${textTable(rows)}\n`;
}

/** Add `history` to the CLI; output goes to `write` (stdout by default). */
export function registerHistoryCommand(
  program: Command,
  write: (text: string) => void = (text) => void process.stdout.write(text),
): void {
  program
    .command("history")
    .description("print the energy trend of a directory of reports")
    .argument("<dir>", "a directory of report JSON files")
    .option("--key <key>", "only reports with this measurement key")
    .option("--markdown", "print the Mermaid chart and markdown table")
    .action(async (dir: string, flags: HistoryFlags) => write(await printed(() => runHistory(dir, flags))));
}
