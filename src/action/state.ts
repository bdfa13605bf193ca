/**
 * The job's state directory (RUNNER_TEMP/ml-footprint, per job on GitHub runners): the samples file, the
 * phase names used so far, and the budgets set on `run:` steps. Written by main steps, read by the post step.
 */
import {
  appendFileSync,
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { randomUUID } from "node:crypto";
import { tmpdir, userInfo } from "node:os";
import { dirname, join } from "node:path";
import * as z from "zod";
import { SAMPLES_FILE } from "../measure/background.js";
import { State } from "./constants.js";
import type { CoreLike } from "./core.js";
import type { ActionConfig } from "./inputs.js";

const PHASES_FILE = "phases.txt";
const STEP_BUDGETS_FILE = "step-budgets.ndjson";
const STARTING_INPUTS_FILE = "starting-inputs.json";
/** written by a finish step once it has reported: the starting step's post step then only cleans up */
const FINISHED_FILE = "finished.json";
/** the id of the measurement now in this directory (a new one replaces it) */
const MEASUREMENT_ID_FILE = "measurement-id";

/**
 * Job-scoped state directory: RUNNER_TEMP/ml-footprint (RUNNER_TEMP is per job on GitHub runners). Outside
 * Actions (local-action, other CI) one directory per user under TMPDIR, `ml-footprint-<uid>`, which
 * ensurePrivateDir creates 0700 or verifies: a shared /tmp must not let another user choose where we write.
 */
export function stateDirFor(
  env: Record<string, string | undefined>,
  user: string = String(process.getuid?.() ?? userInfo().username),
): string {
  if (env.RUNNER_TEMP) return join(env.RUNNER_TEMP, "ml-footprint");
  return join(env.TMPDIR || tmpdir(), `ml-footprint-${user.replace(/[^A-Za-z0-9._-]/g, "_")}`);
}

/**
 * The state directory of the measurement a post step belongs to: the one its main step saved, else the job's.
 * Saved state is a file that the wrapped command could also write (it no longer gets GITHUB_STATE, but it runs
 * as the same user), so a saved directory is trusted only when it is the job's own (RUNNER_TEMP, fixed for
 * the job inside Actions), or, outside Actions, a private directory of ours that holds a measurement id.
 * Anything else is ignored with a warning (`warn`) and the job's directory is used: no report is lost.
 */
export function savedStateDir(
  core: Pick<CoreLike, "getState">,
  env: Record<string, string | undefined>,
  warn?: (message: string) => void,
): string {
  const saved = core.getState(State.StateDir);
  const own = stateDirFor(env);
  if (!saved || saved === own) return own;
  if (!env.RUNNER_TEMP && looksLikeOurStateDir(saved)) return saved;
  warn?.(
    `ml-footprint: the saved state directory ${JSON.stringify(saved.slice(0, 200))} is not this job's (${own}); it was not written by ml-footprint (did the wrapped command write to GITHUB_STATE?), so the job's own is used`,
  );
  return own;
}

function looksLikeOurStateDir(dir: string): boolean {
  try {
    const info = lstatSync(dir);
    const uid = process.getuid?.();
    return (
      info.isDirectory() &&
      !info.isSymbolicLink() &&
      (uid === undefined || info.uid === uid) &&
      existsSync(join(dir, MEASUREMENT_ID_FILE))
    );
  } catch {
    return false;
  }
}

/**
 * Create `dir` (mode 0700) or check the one there: a real directory, not a symbolic link (lstat, never
 * followed), owned by this user; group/other permissions are taken away. Anything else throws, and the
 * main step turns that into a warning (the job goes on unmeasured) rather than write where someone else
 * pointed us.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dirname(dir), { recursive: true });
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const info = lstatSync(dir);
  if (info.isSymbolicLink() || !info.isDirectory()) {
    throw new Error(
      `${dir} is ${info.isSymbolicLink() ? "a symbolic link" : "not a directory"}; refusing to use it as the state directory (remove it)`,
    );
  }
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw new Error(
      `${dir} belongs to another user (uid ${info.uid}); refusing to use it as the state directory (remove it or set TMPDIR)`,
    );
  }
  if ((info.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/**
 * A new measurement starts clean: outside Actions (local-action, no RUNNER_TEMP) the state directory is
 * reused, and the sampler appends, so an old run's samples and phase names would join this report.
 */
export function clearMeasurementState(dir: string): void {
  for (const file of [
    PHASES_FILE,
    SAMPLES_FILE,
    STEP_BUDGETS_FILE,
    STARTING_INPUTS_FILE,
    FINISHED_FILE,
    MEASUREMENT_ID_FILE,
  ])
    rmSync(join(dir, file), { force: true });
}

/** Name the measurement that starts now in `dir`; its starting step keeps the id in its state. */
export function recordMeasurementId(dir: string): string {
  const id = randomUUID();
  writeFileSync(join(dir, MEASUREMENT_ID_FILE), `${id}\n`);
  return id;
}

/**
 * Whether the step that saved `savedId` still owns the measurement in `dir`. A footprint step after a finish
 * step starts a new measurement, owned (and reported) by that step's post step; the first owner's post step
 * must not report it again. A step without a saved id (state from an older version) keeps ownership.
 */
export function ownsCurrentMeasurement(dir: string, savedId: string): boolean {
  if (savedId === "") return true;
  try {
    return readFileSync(join(dir, MEASUREMENT_ID_FILE), "utf8").trim() === savedId;
  } catch {
    return false;
  }
}

/** The finish step reported this measurement (main step); the owner's post step then only cleans up. */
export function markJobFinished(dir: string, at: Date = new Date()): void {
  writeFileSync(join(dir, FINISHED_FILE), `${JSON.stringify({ finishedAt: at.toISOString() })}\n`);
}

export function isJobFinished(dir: string): boolean {
  return existsSync(join(dir, FINISHED_FILE));
}

/**
 * The inputs of the step that started the measurement that shape the job's report: a finish step reports
 * instead of that step's post step, so it reads them here. Its job budgets apply (never ignored; the finish
 * step's own add to them), and what the finish step leaves empty (key, matrix, region, carbon-intensity,
 * pue, cpu-*) is taken from here, so the artifact name and the numbers are the ones the post step would
 * have used. No token is written (the finish step has its own inputs for those).
 */
const StartingInputsJson = z.object({
  budgets: z.object({
    energyWh: z.number().optional(),
    emissionsG: z.number().optional(),
    durationS: z.number().optional(),
    maxIncreasePercent: z.number().optional(),
  }),
  failOnBudget: z.boolean(),
  key: z.string().nullable(),
  matrix: z.record(z.string(), z.string()).nullable(),
  region: z.string().nullable(),
  carbonIntensityGPerKWh: z.number().nullable(),
  pue: z.number().nullable(),
  cpu: z.object({
    tdpW: z.number().nullable(),
    threadsPerPackage: z.number().nullable(),
    wattsPerVcpu: z.object({ min: z.number(), max: z.number() }).nullable(),
  }),
});
export type StartingInputs = z.infer<typeof StartingInputsJson>;

export function recordStartingInputs(dir: string, config: ActionConfig): void {
  const entry: StartingInputs = {
    // a `run:` step's budgets are its phase's (step-budgets), not the job's
    budgets: config.run ? {} : config.budgets,
    failOnBudget: config.failOnBudget,
    key: config.key,
    matrix: config.matrix,
    region: config.region,
    carbonIntensityGPerKWh: config.carbonIntensityGPerKWh,
    pue: config.pue,
    cpu: config.cpu,
  };
  writeFileSync(join(dir, STARTING_INPUTS_FILE), `${JSON.stringify(entry)}\n`);
}

/** What the starting step recorded, or null (none, or a file that does not parse: our own, cut short). */
export function readStartingInputs(dir: string): StartingInputs | null {
  try {
    const parsed = StartingInputsJson.safeParse(
      JSON.parse(readFileSync(join(dir, STARTING_INPUTS_FILE), "utf8")),
    );
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

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
