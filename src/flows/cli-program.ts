/**
 * The `ml-footprint` command line: commander program with `run`, `sampler`, and the carbon and report
 * commands. Returns an exit code instead of calling process.exit, so tests can drive it.
 */
import { Command, CommanderError, Option } from "commander";
import { access, mkdir, writeFile } from "node:fs/promises";
import { constants } from "node:fs";
import { dirname, resolve } from "node:path";
import {
  InputError,
  MAX_CARBON_INTENSITY_G_PER_KWH,
  parseIntervalMs,
  parsePositiveNumber,
} from "../config/units.js";
import { Sampler } from "../measure/sampler.js";
import {
  markBackgroundPhase,
  SAMPLES_FILE,
  startBackgroundSampler,
  stopBackgroundSampler,
} from "../measure/background.js";
import { serializeReport } from "../report/schema.js";
import { renderTextSummary } from "../report/render-text.js";
import { registerCarbonCommands } from "../carbon/commands.js";
import { parseRegion } from "../carbon/index.js";
import { registerReportCommands } from "../report/commands.js";
import { registerSchemaCommand } from "../cli/schema.js";
import { registerExportCommand } from "../cli/export.js";
import { TOOL_VERSION } from "../version.js";
import { measureCommand } from "./run.js";
import { createProgressPrinter } from "./progress.js";
import { carbonForMeasurement, type CarbonInputs } from "./carbon.js";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

interface RunFlags {
  label: string;
  interval: string;
  out: string;
  json?: boolean;
  region?: string;
  carbonIntensity?: string;
  pue?: string;
  cpuTdp?: string;
  gpu: boolean;
  progress: boolean;
}

/** Roots and paths tests inject through the environment (fake /proc, /sys, nvidia-smi). */
function injectedRoots(env: NodeJS.ProcessEnv) {
  return {
    procRoot: env.ML_FOOTPRINT_PROC_ROOT || undefined,
    sysRoot: env.ML_FOOTPRINT_SYS_ROOT || undefined,
    nvidiaSmi: env.ML_FOOTPRINT_NVIDIA_SMI || undefined,
  };
}

async function checkWritable(path: string, inputName: string): Promise<void> {
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
    pue: flags.pue === undefined ? undefined : parsePue(flags.pue),
  };
  const cpuTdpW =
    flags.cpuTdp === undefined
      ? undefined
      : parsePositiveNumber(flags.cpuTdp, "--cpu-tdp", "a positive number of watts, e.g. 280");
  await checkWritable(flags.out, "--out");
  const roots = injectedRoots(process.env);
  const { report, command: result } = await measureCommand({
    command,
    label: flags.label,
    intervalMs,
    env: process.env,
    ...roots,
    nvidiaSmi: flags.gpu ? roots.nvidiaSmi : null,
    cpuTdpW,
    progress: flags.progress ? createProgressPrinter(process.stderr) : null,
    carbon: carbonForMeasurement(carbonInputs, process.env),
  });
  await writeFile(flags.out, serializeReport(report));
  if (result.startError)
    process.stderr.write(`ml-footprint: could not start ${command[0]}: ${result.startError}\n`);
  if (flags.json) process.stdout.write(serializeReport(report));
  else process.stderr.write(renderTextSummary(report));
  process.stderr.write(`ml-footprint: report written to ${flags.out}\n`);
  return result.exitCode;
}

export function parsePue(text: string): number {
  const value = parsePositiveNumber(text, "--pue", "a number ≥ 1.0, e.g. 1.1");
  if (value < 1)
    throw new InputError(
      `--pue: "${text}" is below 1.0; a PUE is total facility power over IT power, accepted: a number ≥ 1.0`,
    );
  // One range for the CLI and the action input (parsePueInput in src/config/action-config.ts: 1.0 to 5.0).
  if (value > 5)
    throw new InputError(
      `--pue: "${text}" is above 5.0; a PUE is total facility power over IT power, accepted: 1.0 to 5.0`,
    );
  return value;
}

function addSamplerCommands(program: Command): void {
  const sampler = program
    .command("sampler")
    .description("background measurement for CI (used by the action)");
  sampler
    .command("start")
    .description("start a detached sampler that writes <dir>/samples.ndjson until `sampler stop`")
    .requiredOption("--dir <dir>", "state directory")
    .option("--interval <duration>", "sampling interval, 100ms to 60s", "1s")
    .option("--phase <name>", "name of the first phase", "train")
    .action(async (flags: { dir: string; interval: string; phase: string }) => {
      const intervalMs = parseIntervalMs(flags.interval, "--interval");
      await mkdir(flags.dir, { recursive: true });
      const pid = await startBackgroundSampler({
        dir: flags.dir,
        intervalMs,
        phase: flags.phase,
        cliPath: fileURLToPath(import.meta.url),
      });
      process.stderr.write(
        `ml-footprint: sampler started (pid ${pid}), writing ${join(flags.dir, SAMPLES_FILE)}\n`,
      );
    });
  sampler
    .command("phase")
    .description("mark a phase boundary in a running background measurement")
    .requiredOption("--dir <dir>", "state directory")
    .argument("<name>", "phase name")
    .action((name: string, flags: { dir: string }) => markBackgroundPhase(flags.dir, name));
  sampler
    .command("stop")
    .description("stop the background sampler")
    .requiredOption("--dir <dir>", "state directory")
    .action(async (flags: { dir: string }) => {
      const outcome = await stopBackgroundSampler(flags.dir);
      process.stderr.write(`ml-footprint: sampler ${outcome}\n`);
    });
  sampler
    .command("run", { hidden: true })
    .requiredOption("--dir <dir>")
    .option("--interval <duration>", "", "1s")
    .option("--phase <name>", "", "train")
    .action(async (flags: { dir: string; interval: string; phase: string }) => {
      const roots = injectedRoots(process.env);
      const instance = new Sampler({
        samplesPath: join(flags.dir, SAMPLES_FILE),
        intervalMs: parseIntervalMs(flags.interval, "--interval"),
        phase: flags.phase,
        ...roots,
      });
      await instance.start();
      await new Promise<void>((resolveStop) => {
        const stop = () => void instance.stop().then(() => resolveStop());
        process.once("SIGTERM", stop);
        process.once("SIGINT", stop);
      });
    });
}

export function buildProgram(): Command {
  const program = new Command("ml-footprint")
    .description("Measure the energy and CO2e of ML jobs; compare a PR with its base branch.")
    .version(TOOL_VERSION, "-V, --version")
    .enablePositionalOptions()
    .showHelpAfterError("(run with --help for usage)");
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
    .option("--cpu-tdp <watts>", "override the CPU package TDP used by the CPU power model")
    .option("--no-gpu", "do not start nvidia-smi")
    .addOption(new Option("--no-progress", "no progress line"))
    .action(async (command: string[], flags: RunFlags) => {
      process.exitCode = await runAction(command, flags);
    });
  addSamplerCommands(program);
  registerCarbonCommands(program);
  registerReportCommands(program);
  registerSchemaCommand(program);
  registerExportCommand(program);
  return program;
}

/** Parse argv and run; returns the process exit code. Bad input → one line on stderr and exit 2. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  for (const sub of program.commands) sub.exitOverride();
  try {
    process.exitCode = 0;
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
      )
        return 0;
      return 2; // commander already printed the message
    }
    if (error instanceof InputError) {
      process.stderr.write(`ml-footprint: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`ml-footprint: error: ${(error as Error).message}\n`);
    return 1;
  }
}
