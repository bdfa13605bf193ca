/**
 * The action's main step (measure mode). The first footprint step of a job starts the detached sampler
 * and owns the post step that reports; later steps mark phase boundaries; a `run:` step wraps a command.
 */
import { appendFileSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { getActionConfig, type ActionConfig } from "../inputs.js";
import { State } from "../constants.js";
import {
  isAlive,
  markBackgroundPhase,
  readSamplerPid,
  SAMPLES_FILE,
  startBackgroundSampler,
} from "../../measure/background.js";
import { runCommand } from "../../measure/run-command.js";

/** The slice of @actions/core the flows use (injected, so tests can drive the flow without a runner). */
export interface CoreLike {
  getInput(name: string): string;
  setOutput(name: string, value: string): void;
  saveState(name: string, value: string): void;
  getState(name: string): string;
  setSecret(secret: string): void;
  info(message: string): void;
  /** shown only with step debug logging; optional so small test doubles need not provide it */
  debug?(message: string): void;
  warning(message: string, properties?: { title?: string }): void;
  error(message: string, properties?: { title?: string }): void;
  setFailed(message: string): void;
}

export interface ActionEnv {
  core: CoreLike;
  env: Record<string, string | undefined>;
  /** path of dist/cli.js, which runs the detached sampler */
  cliPath: string;
}

/** Job-scoped state directory: RUNNER_TEMP is per job on GitHub runners. */
export function stateDirFor(env: Record<string, string | undefined>): string {
  const base = env.RUNNER_TEMP || env.TMPDIR || "/tmp";
  return join(base, "ml-footprint");
}

export function readConfigMaskingSecrets(core: CoreLike): ActionConfig {
  const config = getActionConfig((name) => core.getInput(name));
  if (config.electricityMapsToken) core.setSecret(config.electricityMapsToken);
  if (config.githubToken) core.setSecret(config.githubToken);
  return config;
}

function defaultPhase(config: ActionConfig, first: boolean): string {
  if (config.phase) return config.phase;
  if (config.run) return (config.run.trim().split(/\s+/)[0] ?? "run").slice(0, 100);
  return first ? "train" : "step";
}

const PHASES_FILE = "phases.txt";
const STEP_BUDGETS_FILE = "step-budgets.ndjson";

/** Budgets set on a `run:` step apply to that step's phase; the owner's post step evaluates them. */
export interface StepBudgets {
  phase: string;
  budgets: Omit<ActionConfig["budgets"], "phase">;
  failOnBudget: boolean;
}

export function recordStepBudgets(dir: string, entry: StepBudgets): void {
  appendFileSync(join(dir, STEP_BUDGETS_FILE), `${JSON.stringify(entry)}\n`);
}

/** The budgets later `run:` steps recorded; a line that does not parse is skipped (our own file). */
export function readStepBudgets(dir: string): StepBudgets[] {
  let text = "";
  try {
    text = readFileSync(join(dir, STEP_BUDGETS_FILE), "utf8");
  } catch {
    return [];
  }
  const out: StepBudgets[] = [];
  for (const line of text.split("\n")) {
    try {
      const v = JSON.parse(line) as Partial<StepBudgets>;
      if (typeof v.phase === "string" && typeof v.budgets === "object" && v.budgets !== null) {
        out.push({ phase: v.phase, budgets: v.budgets, failOnBudget: v.failOnBudget !== false });
      }
    } catch {
      // empty last line, or a line cut short
    }
  }
  return out;
}

/**
 * Phases are matched with the base branch by name, so one report must not hold two phases of one name
 * (two `phase: eval` steps, or the "rest-of-job" after each of two `run:` steps): a repeat gets "-2", "-3".
 * The names used so far are kept in the state directory, one a line.
 */
export function claimPhaseName(dir: string, wanted: string): string {
  let used: string[] = [];
  try {
    used = readFileSync(join(dir, PHASES_FILE), "utf8").split("\n");
  } catch {
    // first phase of the job
  }
  const clean = wanted.replace(/[\r\n]+/g, " ");
  let name = clean;
  for (let n = 2; used.includes(name); n++) name = `${clean.slice(0, 95)}-${n}`;
  appendFileSync(join(dir, PHASES_FILE), `${name}\n`);
  return name;
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
  env: ActionEnv["env"],
): Promise<string | null> {
  try {
    mkdirSync(dir, { recursive: true });
    const pid = readSamplerPid(dir);
    const running = pid !== null && isAlive(pid);
    // A new measurement starts clean: outside Actions (local-action, no RUNNER_TEMP) the state directory is
    // reused, and the sampler appends, so an old run's samples and phase names would join this report.
    if (!running) {
      for (const file of [PHASES_FILE, SAMPLES_FILE, STEP_BUDGETS_FILE])
        rmSync(join(dir, file), { force: true });
    }
    const phase = claimPhaseName(dir, defaultPhase(config, !running));
    if (!running) {
      const started = await startBackgroundSampler({
        dir,
        intervalMs: config.intervalMs,
        phase,
        cliPath,
        env: { ...process.env, ...env },
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

export async function runActionMain({ core, env, cliPath }: ActionEnv): Promise<void> {
  const config = readConfigMaskingSecrets(core);
  if (config.mode !== "measure") return; // report/publish modes do their work in the post step
  const dir = stateDirFor(env);
  const phase = await startOrMarkPhase(core, config, dir, cliPath, env);

  if (config.run) {
    if (phase !== null && Object.keys(config.budgets).length > 0) {
      recordStepBudgets(dir, { phase, budgets: config.budgets, failOnBudget: config.failOnBudget });
    }
    const result = await runCommand(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", config.run], {
      cwd: config.workingDirectory ?? undefined,
      env: {
        ...process.env,
        ...env,
        ...(phase !== null
          ? { ML_FOOTPRINT_METRICS: env.ML_FOOTPRINT_METRICS || join(dir, "metrics.json") }
          : {}),
      },
    });
    // What follows the wrapped command belongs to the rest of the job, not to this phase.
    if (phase !== null) markBackgroundPhase(dir, claimPhaseName(dir, "rest-of-job"));
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

/**
 * The main step with the real @actions/core, for runners that import an entry point and call its `run()`
 * (`npx @github/local-action run . src/action/steps/main.ts .env --post src/action/steps/post.ts`). The
 * default CLI path is the committed bundle, because the sampler runs as `node dist/cli.js sampler run`.
 */
export async function run(
  cliPath = fileURLToPath(new URL("../../dist/cli.js", import.meta.url)),
): Promise<void> {
  const core = await import("@actions/core");
  try {
    await runActionMain({ core, env: process.env, cliPath });
  } catch (error) {
    core.setFailed(`ml-footprint: ${(error as Error).message}`);
  }
}
