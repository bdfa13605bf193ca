/** `ml-footprint run [options] -- <command...>`: measure one command and write its report. */
import { Option, type Command } from "commander";
import { access, stat, writeFile } from "node:fs/promises";
import { constants } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { serializeReport } from "../model/report.js";
import { InputError, truncate } from "../model/units.js";
import { SHARED_OPTIONS, type SharedOptionName } from "../action/shared-options.js";
import { localIdentity } from "../report/build.js";
import { carbonForMeasurement, type CarbonInputs } from "../pipeline/carbon.js";
import { measureCommand } from "../pipeline/measure-command.js";
import { renderTextSummary } from "../report/render-text.js";
import { createProgressPrinter } from "./progress.js";
import { injectedRoots } from "./roots.js";
import { gpuSelectionFrom } from "../measure/gpu-select.js";

type RunFlags = { [K in SharedOptionName]?: string } & {
  label: string;
  interval: string;
  out: string;
  json?: boolean;
  liveIntensity?: boolean;
  gpu: boolean;
  progress: boolean;
};

/** A flag from the shared table (src/action/shared-options.ts), parsed as the action parses its input. */
function shared<K extends SharedOptionName>(
  flags: RunFlags,
  name: K,
): ReturnType<(typeof SHARED_OPTIONS)[K]["parse"]> | undefined {
  const text = flags[name];
  const option = SHARED_OPTIONS[name];
  return text === undefined
    ? undefined
    : (option.parse(text, option.flag) as ReturnType<(typeof SHARED_OPTIONS)[K]["parse"]>);
}

/** Longest phase label (the action's `phase` input takes as many). */
const MAX_LABEL_LENGTH = 100;

function parseLabel(text: string): string {
  const label = text.trim();
  const control = [...label].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
  if (label === "" || label.length > MAX_LABEL_LENGTH || control) {
    throw new InputError(
      `--label: "${truncate(text)}" is not valid; accepted: 1 to ${MAX_LABEL_LENGTH} characters without control characters, e.g. train`,
    );
  }
  return label;
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
  // Every flag is checked before the command runs, not after an hour of training.
  const label = parseLabel(flags.label);
  const intervalMs = SHARED_OPTIONS.interval.parse(flags.interval, SHARED_OPTIONS.interval.flag);
  const key = shared(flags, "key") ?? label;
  const region = shared(flags, "region");
  const carbonInputs: CarbonInputs = {
    region,
    carbonIntensityGPerKWh: shared(flags, "carbonIntensity"),
    pue: shared(flags, "pue"),
    // Live intensity is opt-in: an Electricity Maps token from the environment (never a flag: argv is visible to
    // other processes), or --live-intensity for the public GB grid API.
    electricityMapsToken: process.env.ML_FOOTPRINT_ELECTRICITY_MAPS_TOKEN || undefined,
    liveIntensity: flags.liveIntensity === true,
  };
  const cpuTdpW = shared(flags, "cpuTdp");
  if (flags.gpus !== undefined) shared(flags, "gpus");
  const gpuSelection = gpuSelectionFrom(flags.gpus, process.env, SHARED_OPTIONS.gpus.flag);
  const cpuPackageThreads = shared(flags, "cpuThreadsPerPackage");
  const wattsPerVcpu = shared(flags, "cpuWattsPerVcpu");
  await checkWritable(flags.out, "--out");
  const roots = injectedRoots(process.env);
  const { report, command: result } = await measureCommand({
    command,
    label,
    identity: localIdentity(key),
    intervalMs,
    env: process.env,
    ...roots,
    nvidiaSmi: flags.gpu ? roots.nvidiaSmi : null,
    ...(flags.gpu ? {} : { amdSmi: null }),
    gpuSelection,
    cpuTdpW,
    ...(cpuPackageThreads !== undefined ? { cpuPackageThreads } : {}),
    ...(wattsPerVcpu !== undefined
      ? { cpuMinWattsPerVcpu: wattsPerVcpu.min, cpuMaxWattsPerVcpu: wattsPerVcpu.max }
      : {}),
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

export function registerRunCommand(program: Command): void {
  const run = program
    .command("run")
    .description("run a command and measure its energy: ml-footprint run [options] -- <command...>")
    .argument("[command...]", "the command to measure, after --")
    .passThroughOptions()
    .option("--label <name>", "phase label", "run")
    .option("--out <file>", "where to write the report JSON", "ml-footprint-report.json")
    .option("--json", "print the report JSON to stdout instead of the summary")
    .option(
      "--live-intensity",
      "use the public GB grid API when the region is in GB (an Electricity Maps token in ML_FOOTPRINT_ELECTRICITY_MAPS_TOKEN opts in on its own)",
    )
    .option("--no-gpu", "do not start nvidia-smi");
  for (const option of Object.values(SHARED_OPTIONS)) {
    const flag = `${option.flag} <${option.valueName}>`;
    const help = `${option.help} (action input: ${option.input})`;
    if (option === SHARED_OPTIONS.interval) run.option(flag, help, "1s");
    else run.option(flag, help);
  }
  run
    .addOption(new Option("--no-progress", "no progress line"))
    .action(async (command: string[], flags: RunFlags) => {
      process.exitCode = await runAction(command, flags);
    });
}
