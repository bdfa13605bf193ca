/**
 * `ml-footprint export REPORT... --format codecarbon-csv [--out FILE [--append]]` and
 * `ml-footprint export REPORT... --format otlp [--endpoint URL] [--headers k=v,...]`: reports in other tools' formats.
 * File handling is here; the formats are pure functions in src/export/; the OpenTelemetry SDK is loaded only for otlp.
 */
import { open, readFile, stat, writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { InputError } from "../model/units.js";
import { codecarbonCsv, codecarbonHeader, codecarbonRows } from "../export/codecarbon-csv.js";
import { printed, ReadBudget, readReportFile } from "./read-report.js";
import type { Report } from "../model/report.js";
import { endpointForLog, resolveOtlpTarget } from "../export/otlp-target.js";

export const EXPORT_FORMATS = ["codecarbon-csv", "otlp"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportFlags {
  format?: string;
  out?: string;
  append?: boolean;
  endpoint?: string;
  headers?: string;
}

export function parseExportFormat(text: string | undefined): ExportFormat {
  if (text === undefined)
    throw new InputError(`export: --format is required; accepted: ${EXPORT_FORMATS.join(", ")}`);
  const format = EXPORT_FORMATS.find((f) => f === text.trim().toLowerCase());
  if (!format)
    throw new InputError(
      `--format: "${text.slice(0, 50)}" is not known; accepted: ${EXPORT_FORMATS.join(", ")}`,
    );
  return format;
}

/** The first line of an existing file, or null when it is absent or empty. */
async function firstLine(path: string): Promise<string | null> {
  try {
    if ((await stat(path)).size === 0) return null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const handle = await open(path, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    const text = buffer.subarray(0, bytesRead).toString("utf8");
    const end = text.search(/\r?\n/);
    return end < 0 ? text : text.slice(0, end);
  } finally {
    await handle.close();
  }
}

async function writeCsv(reports: Report[], out: string, append: boolean): Promise<void> {
  try {
    if (!append) return await writeFile(out, codecarbonCsv(reports));
    const header = await firstLine(out);
    if (header === null) return await writeFile(out, codecarbonCsv(reports));
    if (header !== codecarbonHeader().trimEnd())
      throw new InputError(
        `--append: "${out}" does not start with CodeCarbon's current emissions.csv header; write a new file or append to one this version wrote`,
      );
    const existing = await readFile(out, "utf8");
    const separator = existing.endsWith("\n") ? "" : "\n";
    await writeFile(out, separator + codecarbonRows(reports), { flag: "a" });
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new InputError(`--out: cannot write "${out}" (${code}); give a path in a writable directory`);
  }
}

/** Run `export`; returns what goes to stdout ("" when written to a file). */
export async function runExport(paths: string[], flags: ExportFlags): Promise<string> {
  const format = parseExportFormat(flags.format);
  if (flags.append && !flags.out) throw new InputError("--append: needs --out FILE to append to");
  if (format === "otlp" && flags.out)
    throw new InputError("--out: not used with --format otlp (it sends over HTTP)");
  if (format !== "otlp" && (flags.endpoint !== undefined || flags.headers !== undefined))
    throw new InputError("--endpoint/--headers: only used with --format otlp");
  // Check where to send before reading anything.
  const target =
    format === "otlp"
      ? resolveOtlpTarget(flags, process.env, { endpoint: "--endpoint", headers: "--headers" })
      : null;
  const reports: Report[] = [];
  const budget = new ReadBudget();
  for (const path of paths) reports.push(await readReportFile(path, "export", budget));
  switch (format) {
    case "codecarbon-csv":
      if (!flags.out) return codecarbonCsv(reports);
      await writeCsv(reports, flags.out, flags.append === true);
      process.stderr.write(
        `ml-footprint: ${reports.length} row(s) ${flags.append ? "appended to" : "written to"} ${flags.out}\n`,
      );
      return "";
    case "otlp": {
      const { sendOtlp } = await import("../export/otlp-send.js");
      try {
        const sent = await sendOtlp(reports, target!);
        process.stderr.write(
          `ml-footprint: sent ${sent.points} metric point(s) of ${sent.reports} report(s) over OTLP/HTTP (${target!.protocol}) to ${target!.url ? endpointForLog(target!.url) : "the OTEL_EXPORTER_OTLP_* endpoint"}\n`,
        );
      } catch (error) {
        throw new OtlpSendError(`OTLP export failed: ${(error as Error).message}`);
      }
      return "";
    }
  }
}

/** The collector refused or could not be reached (exit 1, not an input error). */
export class OtlpSendError extends Error {
  override name = "OtlpSendError";
}

export function registerExportCommand(
  program: Command,
  write: (text: string) => void = (text) => void process.stdout.write(text),
): void {
  program
    .command("export")
    .description(
      "export reports to other tools: ml-footprint export <report.json...> --format codecarbon-csv",
    )
    .argument("<reports...>", "report JSON files written by ml-footprint")
    .option("--format <format>", `output format: ${EXPORT_FORMATS.join(", ")}`)
    .option("--out <file>", "write to this file instead of stdout")
    .option("--append", "append rows to an existing emissions.csv (same header) instead of replacing it")
    .option(
      "--endpoint <url>",
      "otlp: collector base URL (/v1/metrics is appended); default OTEL_EXPORTER_OTLP_ENDPOINT",
    )
    .option(
      "--headers <k=v,...>",
      "otlp: extra HTTP headers, e.g. x-api-key=...; merged over OTEL_EXPORTER_OTLP_HEADERS",
    )
    .action(async (paths: string[], flags: ExportFlags) => {
      // what goes to stdout and every error message: no OSC 52/OSC 8/CSI or other control from a report
      const text = await printed(() => runExport(paths, flags));
      if (text) write(text);
    });
}
