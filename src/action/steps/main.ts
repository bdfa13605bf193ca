/**
 * The action's main step (measure mode). The first footprint step of a job starts the detached sampler
 * and owns the post step that reports; later steps mark phase boundaries; a `run:` step wraps a command.
 */
import { markBackgroundPhase, samplerProcess, startBackgroundSampler } from "../../measure/background.js";
import { runCommand } from "../../measure/run-command.js";
import { commandEnv, samplerEnv } from "../child-env.js";
import { State } from "../constants.js";
import type { CoreLike, StepEnv } from "../core.js";
import type { ActionConfig } from "../inputs.js";
import { clearMetrics, startPhaseMetrics } from "../metrics.js";
import {
  claimPhaseName,
  clearMeasurementState,
  ensurePrivateDir,
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
 * Returns the phase name, or null when measurement could not be set up: a full or read-only RUNNER_TEMP
 * must never be the reason a training job fails, so that is a warning and the job goes on unmeasured.
 */
async function startOrMarkPhase(
  core: CoreLike,
  config: ActionConfig,
  dir: string,
  cliPath: string,
  env: StepEnv["env"],
): Promise<string | null> {
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
      core.saveState(State.StateDir, dir);
      core.info(
        `ml-footprint: measuring this job (sampler pid ${started}, every ${config.intervalMs} ms); the report comes in the post step`,
      );
    } else {
      markBackgroundPhase(dir, phase);
      core.info(`ml-footprint: phase "${phase}" starts`);
    }
    return phase;
  } catch (error) {
    core.warning(
      `ml-footprint: measurement could not start in ${dir} (${(error as Error).message}); the job goes on unmeasured — check that RUNNER_TEMP is writable and not full`,
    );
    return null;
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

export async function mainStep({ core, env, cliPath, config }: MainInput): Promise<void> {
  const dir = stateDirFor(env);
  const phase = await startOrMarkPhase(core, config, dir, cliPath, env);
  const metricsPath = phase === null ? null : phaseMetrics(core, env, dir, phase);

  if (config.run) {
    if (phase !== null && Object.keys(config.budgets).length > 0) {
      recordStepBudgets(dir, { phase, budgets: config.budgets, failOnBudget: config.failOnBudget });
    }
    const result = await runCommand(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", config.run], {
      cwd: config.workingDirectory ?? undefined,
      env: {
        ...commandEnv({ ...process.env, ...env }),
        ...(metricsPath !== null ? { ML_FOOTPRINT_METRICS: metricsPath } : {}),
      },
    });
    // What follows the wrapped command belongs to the rest of the job, not to this phase.
    if (phase !== null) {
      const rest = claimPhaseName(dir, "rest-of-job");
      markBackgroundPhase(dir, rest);
      phaseMetrics(core, env, dir, rest);
    }
    if (result.startError) throw new Error(`run: could not start bash: ${result.startError}`);
    if (result.exitCode !== 0) {
      core.setFailed(
        result.signal
          ? `run: the command was killed by ${result.signal}`
          : `run: the command exited with code ${result.exitCode}`,
      );
    }
  }
}
