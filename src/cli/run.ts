/** `ml-footprint run [options] -- <command...>`: measure one command and write its report. */
import { Option, type Command } from "commander";
import { access, stat, writeFile } from "node:fs/promises";
import { constants } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseRegion } from "../carbon/context.js";
import { serializeReport } from "../model/report.js";
import {
  InputError,
  MAX_CARBON_INTENSITY_G_PER_KWH,
  parseIntervalMs,
  parsePositiveNumber,
  parsePue,
} from "../model/units.js";
import { carbonForMeasurement, type CarbonInputs } from "../pipeline/carbon.js";
import { measureCommand } from "../pipeline/measure-command.js";
import { renderTextSummary } from "../report/render-text.js";
import { createProgressPrinter } from "./progress.js";
import { injectedRoots } from "./roots.js";
import { GPUS_HELP, gpuSelectionFrom } from "../measure/gpu-select.js";

interface RunFlags {
  label: string;
  interval: string;
  out: string;
  json?: boolean;
  region?: string;
  carbonIntensity?: string;
  pue?: string;
  cpuTdp?: string;
  cpuThreadsPerPackage?: string;
  liveIntensity?: boolean;
  gpu: boolean;
  gpus?: string;
  progress: boolean;
}

async function checkWritable(path: string, inputName: string): Promise<void> {
  // An existing directory would take the command's whole run and then refuse the report (EISDIR).
  if ((await stat(path).catch(() => null))?.isDirectory()) {
    throw new InputError(
      `${inputName}: "${path}" is a directory; give a file path, e.g. ${join(path, "ml-footprint-report.json")}`,
    );
  }
  const dir = dirname(resolve(path));
  try {
    // Only check: creating directories on the user's behalf hides typos (and recursive mkdir can hang on /proc).
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new InputError(
      `${inputName}: "${path}" is not writable (${(error as NodeJS.ErrnoException).code ?? "error"}); give a path in a writable directory`,
    );
  }
}

async function runAction(command: string[], flags: RunFlags): Promise<number> {
  if (command.length === 0) {
    throw new InputError("run: no command given; usage: ml-footprint run [options] -- <command...>");
  }
  const intervalMs = parseIntervalMs(flags.interval, "--interval");
  // Check the region before the command runs, not after an hour of training.
  if (flags.region !== undefined) parseRegion(flags.region, "--region");
  const carbonInputs: CarbonInputs = {
    region: flags.region,
    carbonIntensityGPerKWh:
      flags.carbonIntensity === undefined
        ? undefined
        : parsePositiveNumber(
            flags.carbonIntensity,
            "--carbon-intensity",
            "a positive number of gCO2e/kWh, e.g. 120",
            MAX_CARBON_INTENSITY_G_PER_KWH,
          ),
    pue: flags.pue === undefined ? undefined : parsePue(flags.pue, "--pue"),
    // Live intensity is opt-in: an Electricity Maps token from the environment (never a flag: argv is visible to
    // other processes), or --live-intensity for the public GB grid API.
    electricityMapsToken: process.env.ML_FOOTPRINT_ELECTRICITY_MAPS_TOKEN || undefined,
    liveIntensity: flags.liveIntensity === true,
  };
  const cpuTdpW =
    flags.cpuTdp === undefined
      ? undefined
      : parsePositiveNumber(flags.cpuTdp, "--cpu-tdp", "a positive number of watts, e.g. 280");
  const gpuSelection = gpuSelectionFrom(flags.gpus, process.env, "--gpus");
  const cpuPackageThreads =
    flags.cpuThreadsPerPackage === undefined
      ? undefined
      : parseWholeNumber(flags.cpuThreadsPerPackage, "--cpu-threads-per-package", 1, 4_096);
  await checkWritable(flags.out, "--out");
  const roots = injectedRoots(process.env);
  const { report, command: result } = await measureCommand({
    command,
    label: flags.label,
    intervalMs,
    env: process.env,
    ...roots,
    nvidiaSmi: flags.gpu ? roots.nvidiaSmi : null,
    ...(flags.gpu ? {} : { amdSmi: null }),
    gpuSelection,
    cpuTdpW,
    ...(cpuPackageThreads !== undefined ? { cpuPackageThreads } : {}),
    onInfo: (message) => process.stderr.write(`ml-footprint: ${message}\n`),
    progress: flags.progress ? createProgressPrinter(process.stderr) : null,
    carbon: carbonForMeasurement(carbonInputs, process.env),
  });
  // The command has run: a disk that fills up now must not lose the measurement. The summary (or the JSON
  // with --json) still goes out, a warning says why there is no file, and the command's exit code stands.
  let written = true;
  try {
    await writeFile(flags.out, serializeReport(report));
  } catch (error) {
    written = false;
    process.stderr.write(
      `ml-footprint: warning: the report could not be written to ${flags.out} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); ${flags.json ? "the report JSON is on stdout" : "the summary below has the numbers (--json prints the whole report on stdout)"}\n`,
    );
  }
  if (result.startError)
    process.stderr.write(`ml-footprint: could not start ${command[0]}: ${result.startError}\n`);
  if (flags.json) process.stdout.write(serializeReport(report));
  else process.stderr.write(renderTextSummary(report));
  if (written) process.stderr.write(`ml-footprint: report written to ${flags.out}\n`);
  return result.exitCode;
}

function parseWholeNumber(text: string, flag: string, min: number, max: number): number {
  const v = text.trim();
  if (!/^[0-9]+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new InputError(`${flag}: "${text}" is not valid; accepted: a whole number from ${min} to ${max}`);
  }
  return Number(v);
}

export function registerRunCommand(program: Command): void {
  program
    .command("run")
    .description("run a command and measure its energy: ml-footprint run [options] -- <command...>")
    .argument("[command...]", "the command to measure, after --")
    .passThroughOptions()
    .option("--label <name>", "phase label", "run")
    .option("--interval <duration>", "sampling interval, 100ms to 60s", "1s")
    .option("--out <file>", "where to write the report JSON", "ml-footprint-report.json")
    .option("--json", "print the report JSON to stdout instead of the summary")
    .option("--region <region>", "azure:eastus, aws:us-east-1, gcp:europe-west1, FR, …")
    .option("--carbon-intensity <gPerKWh>", "grid intensity in gCO2e/kWh (skips region lookup)")
    .option("--pue <number>", "data-centre PUE (≥ 1.0)")
    .option("--cpu-tdp <watts>", "TDP of the whole CPU package; the job gets its vCPU share of it")
    .option("--cpu-threads-per-package <n>", "logical CPUs of that package, when the CPU is not in the table")
    .option(
      "--live-intensity",
      "use the public GB grid API when the region is in GB (an Electricity Maps token in ML_FOOTPRINT_ELECTRICITY_MAPS_TOKEN opts in on its own)",
    )
    .option("--no-gpu", "do not start nvidia-smi")
    .option("--gpus <list>", GPUS_HELP)
    .addOption(new Option("--no-progress", "no progress line"))
    .action(async (command: string[], flags: RunFlags) => {
      process.exitCode = await runAction(command, flags);
    });
}
