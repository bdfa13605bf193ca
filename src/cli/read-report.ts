/** Reading a report file given on the command line: size-capped, validated, errors name the argument. */
import { readFile, stat } from "node:fs/promises";
import { parseReportJson, ReportValidationError, type Report } from "../model/report.js";
import { InputError } from "../model/units.js";
import { stripTerminalControls } from "../report/escape.js";

/** Report files larger than this are refused (a report is a few kB; 1,000 phases stay far below). */
export const MAX_REPORT_BYTES = 10 * 1024 * 1024;

/**
 * Bytes of report files one command reads in all (`compare`, `history`, `export`): each file is capped at
 * MAX_REPORT_BYTES, and a command that reads many must stay bounded too (20 files of 9.4 MiB took 2.5 GB of
 * memory). 64 MiB holds thousands of ordinary reports (a few kB each).
 */
export const MAX_TOTAL_REPORT_BYTES = 64 * 1024 * 1024;

/** The overall cap reached: never a file to skip, the command stops (a smaller set is not silently read). */
export class ReadCapError extends InputError {}

/** What one command has read so far, against its overall cap. */
export class ReadBudget {
  private used = 0;
  private files = 0;
  constructor(readonly maxBytes: number = MAX_TOTAL_REPORT_BYTES) {}
  take(bytes: number, inputName: string, path: string): void {
    if (this.used + bytes > this.maxBytes)
      throw new ReadCapError(
        `${inputName}: "${path}" would bring the reports read to ${this.used + bytes} bytes (${this.files + 1} files); at most ${this.maxBytes} bytes are read in all — give fewer or smaller reports`,
      );
    this.used += bytes;
    this.files += 1;
  }
}

export async function readReportFile(path: string, inputName: string, budget?: ReadBudget): Promise<Report> {
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
    budget?.take(info.size, inputName, path);
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

/**
 * Report files may come from anyone (a fork's artifact, a colleague's upload): what a command prints, and
 * its error message (which may name keys from the files), goes through stripTerminalControls, so no OSC 52
 * clipboard write, OSC 8 hidden link or cursor trick in a phase name reaches the terminal.
 */
export async function printed(make: () => Promise<string>): Promise<string> {
  try {
    return stripTerminalControls(await make());
  } catch (error) {
    if (error instanceof Error) error.message = stripTerminalControls(error.message);
    throw error;
  }
}
