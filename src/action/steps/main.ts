/**
 * The action's main step (measure mode). The first footprint step of a job starts the detached sampler
 * and owns the post step that reports; later steps mark phase boundaries; a `run:` step wraps a command.
 */
import { join, resolve } from "node:path";
import {
  markBackgroundPhase,
  samplerProcess,
  SAMPLES_FILE,
  startBackgroundSampler,
} from "../../measure/background.js";
import { runCommand } from "../../measure/run-command.js";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { integrateSamplesFile } from "../../measure/read-samples.js";
import { carbonForMeasurement } from "../../pipeline/carbon.js";
import type { CarbonStep } from "../../pipeline/report-from-samples.js";
import { loadMachine, type Machine } from "../../pipeline/machine.js";
import { commandEnv, samplerEnv } from "../child-env.js";
import { Outputs, State } from "../constants.js";
import { prepareRun, resolveShell } from "../shell.js";
import { carbonInputsFor, machineOptionsFor } from "../pipeline-options.js";
import type { CoreLike, StepEnv } from "../core.js";
import type { ActionConfig } from "../inputs.js";
import { clearMetrics, startPhaseMetrics } from "../metrics.js";
import {
  claimPhaseName,
  clearMeasurementState,
  recordMeasurementId,
  ensurePrivateDir,
  recordStartingInputs,
  recordStepBudgets,
  stateDirFor,
} from "../state.js";

export interface MainInput extends StepEnv {
  config: ActionConfig;
}

function defaultPhase(config: ActionConfig, first: boolean): string {
  if (config.phase) return config.phase;
  if (config.run) return (config.run.trim().split(/\s+/)[0] ?? "run").slice(0, 100);
  return first ? "train" : "step";
}

/**
 * Start the job's measurement (first footprint step) or mark a phase boundary (later steps).
 * Returns the phase name and whether this step started the sampler (it owns the measurement); the phase is
 * null when measurement could not be set up: a full or read-only RUNNER_TEMP must never be the reason a
 * training job fails, so that is a warning and the job goes on unmeasured.
 */
async function startOrMarkPhase(
  core: CoreLike,
  config: ActionConfig,
  dir: string,
  cliPath: string,
  env: StepEnv["env"],
): Promise<{ phase: string | null; started: boolean }> {
  try {
    ensurePrivateDir(dir);
    // A live, verified sampler of this directory (start time and command line): a stale pid file naming
    // some other process must not stop this job's measurement from starting.
    const running = samplerProcess(dir) !== null;
    if (!running) {
      clearMeasurementState(dir);
      clearMetrics(dir);
    }
    const phase = claimPhaseName(dir, defaultPhase(config, !running));
    if (!running) {
      const started = await startBackgroundSampler({
        dir,
        intervalMs: config.intervalMs,
        phase,
        cliPath,
        gpus: config.gpus,
        env: samplerEnv({ ...process.env, ...env }),
      });
      core.saveState(State.Owner, "true");
      core.saveState(State.MeasurementId, recordMeasurementId(dir));
      core.saveState(State.StateDir, dir);
      core.info(
        `ml-footprint: measuring this job (sampler pid ${started}, every ${config.intervalMs} ms); the report comes in a \`finish: true\` step or in this step's post step`,
      );
    } else {
      markBackgroundPhase(dir, phase);
      core.info(`ml-footprint: phase "${phase}" starts`);
    }
    return { phase, started: !running };
  } catch (error) {
    core.warning(
      `ml-footprint: measurement could not start in ${dir} (${(error as Error).message}); the job goes on unmeasured — check that RUNNER_TEMP is writable and not full`,
    );
    return { phase: null, started: false };
  }
}

/** The phase's own metrics file, exported to later steps; null (and a warning) when it cannot be set up. */
function phaseMetrics(core: CoreLike, env: StepEnv["env"], dir: string, phase: string): string | null {
  try {
    return startPhaseMetrics(core, env, dir, phase);
  } catch (error) {
    core.warning(
      `ml-footprint: no work-count file for phase "${phase}" (${(error as Error).message}); Wh per unit of work will be missing for it`,
    );
    return null;
  }
}

/**
 * A `run:` step's own outputs, set in its main step (post-step outputs never reach later steps or job
 * outputs): energy, emissions and range of its phase, and its command's duration. The phase is integrated
 * from the samples file once the sampler has written a sample past the boundary (bounded wait). Any
 * failure is a warning: outputs must never fail the step.
 */
async function setStepOutputs(
  core: CoreLike,
  dir: string,
  phase: string,
  durationMs: number,
  machine: Promise<Machine>,
  carbon: CarbonStep,
): Promise<void> {
  core.setOutput(Outputs.DurationS, (durationMs / 1_000).toFixed(3));
  try {
    const samplesPath = join(dir, SAMPLES_FILE);
    await waitForSampleAfterBoundary(samplesPath, 5_000);
    const models = (await machine).models;
    const integration = await integrateSamplesFile(samplesPath, { models });
    const own = integration.phases.find((p) => p.name === phase);
    if (!own) throw new Error(`phase "${phase}" not found in the samples`);
    core.setOutput(Outputs.EnergyWh, own.energyWh.toFixed(4));
    const m = await machine;
    const phaseOnly = {
      ...integration,
      phases: [own],
      energyWh: own.energyWh,
      lowWh: own.lowWh,
      highWh: own.highWh,
      durationS: own.durationS,
    };
    const c = await carbon(phaseOnly, { cpu: m.cpu, memoryGB: m.memoryGB, gpus: integration.gpus });
    core.setOutput(Outputs.EmissionsG, c ? c.emissions.totalG.toFixed(4) : "");
    core.setOutput(Outputs.EmissionsLowG, c ? c.emissions.lowG.toFixed(4) : "");
    core.setOutput(Outputs.EmissionsHighG, c ? c.emissions.highG.toFixed(4) : "");
  } catch (error) {
    core.warning(
      `ml-footprint: this step's energy outputs could not be computed (${(error as Error).message}); the job's report still comes in the post step`,
    );
  }
}

/** Wait (bounded) until the samples file holds a sample after its last phase line. */
async function waitForSampleAfterBoundary(path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = readFileSync(path, "utf8");
    const lastPhase = text.lastIndexOf('"t":"phase"');
    if (text.indexOf('"t":"s"', lastPhase) > lastPhase) return;
    if (Date.now() > deadline) return; // the sampler may be gone: integrate what there is
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function mainStep({ core, env, cwd, cliPath, config }: MainInput): Promise<void> {
  const dir = stateDirFor(env);
  const { phase, started: owner } = await startOrMarkPhase(core, config, dir, cliPath, env);
  const metricsPath = phase === null ? null : phaseMetrics(core, env, dir, phase);

  // Budgets on a step that does not own the measurement apply to the phase it starts (a `run:` step: its
  // command; a phase-marking step: until the next boundary); the owner's post step evaluates them. Without
  // a measurement they cannot apply: say so instead of ignoring them.
  if (Object.keys(config.budgets).length > 0 && (config.run || !owner)) {
    if (phase !== null) {
      recordStepBudgets(dir, { phase, budgets: config.budgets, failOnBudget: config.failOnBudget });
    } else {
      core.warning(
        "ml-footprint: this step's budgets cannot apply: measurement could not start (see the warning above)",
      );
    }
  }
  // The starting step's report inputs and job budgets, for a finish step (its post step has its own inputs).
  if (owner && phase !== null) {
    try {
      recordStartingInputs(dir, config);
    } catch (error) {
      core.warning(
        `ml-footprint: could not record this step's inputs for a finish step (${(error as Error).message}); a finish step will use only its own`,
      );
    }
  }

  if (config.run) {
    // Start what the step's outputs need while the command runs: the machine's power models and the region.
    const machine = phase !== null ? loadMachine(machineOptionsFor(config)) : null;
    machine?.catch(() => undefined);
    // `live-intensity` (the keyless GB lookup) stays the reporting step's; a token still asks Electricity Maps.
    const carbon =
      phase !== null ? carbonForMeasurement({ ...carbonInputsFor(config), liveIntensity: false }, env) : null;
    // The way a run: step runs it: the shell input (default bash where present, else pwsh), from a script file.
    const commandEnvironment = { ...process.env, ...env };
    const shell = resolveShell(config.shell, commandEnvironment);
    const argv = shell.binary
      ? prepareRun(
          { ...shell, binary: shell.binary },
          config.run,
          mkdtempSync(join(env.RUNNER_TEMP || tmpdir(), "ml-footprint-run-")),
          String(process.pid),
        )
      : [shell.shell];
    // `working-directory:` is relative to the step's directory (the workspace), like a `run:` step's
    const workDir = resolve(cwd ?? process.cwd(), config.workingDirectory ?? ".");
    const result = await runCommand(argv, {
      cwd: workDir,
      env: {
        ...commandEnv(commandEnvironment),
        ...(metricsPath !== null ? { ML_FOOTPRINT_METRICS: metricsPath } : {}),
      },
    });
    // What follows the wrapped command belongs to the rest of the job, not to this phase.
    if (phase !== null) {
      const rest = claimPhaseName(dir, "rest-of-job");
      markBackgroundPhase(dir, rest);
      phaseMetrics(core, env, dir, rest);
      await setStepOutputs(core, dir, phase, result.durationMs, machine!, carbon!);
    } else {
      core.setOutput(Outputs.DurationS, (result.durationMs / 1_000).toFixed(3));
    }
    if (result.startError)
      throw new Error(startErrorMessage(result.startError, workDir, config, shell.shell));
    if (result.exitCode !== 0) {
      core.setFailed(
        result.signal
          ? `run: the command was killed by ${result.signal}`
          : `run: the command exited with code ${result.exitCode}`,
      );
    }
  }
}

/** Why the shell did not start, naming the working directory when that is the reason (spawn says only ENOENT). */
function startErrorMessage(error: string, workDir: string, config: ActionConfig, shell: string): string {
  let isDir = false;
  try {
    isDir = statSync(workDir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir)
    return `working-directory: ${JSON.stringify(config.workingDirectory ?? ".")} (${workDir}) does not exist or is not a directory, so the command did not run; accepted: a directory relative to the workspace (check out the code first, or fix the path)`;
  return `run: could not start ${shell}: ${error}`;
}
