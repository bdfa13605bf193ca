/**
 * The job's state directory (RUNNER_TEMP/ml-footprint, per job on GitHub runners): the samples file, the
 * phase names used so far, and the budgets set on `run:` steps. Written by main steps, read by the post step.
 */
import { appendFileSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { SAMPLES_FILE } from "../measure/background.js";
import type { ActionConfig } from "./inputs.js";

const PHASES_FILE = "phases.txt";
const STEP_BUDGETS_FILE = "step-budgets.ndjson";

/** Job-scoped state directory: RUNNER_TEMP is per job on GitHub runners. */
export function stateDirFor(env: Record<string, string | undefined>): string {
  const base = env.RUNNER_TEMP || env.TMPDIR || "/tmp";
  return join(base, "ml-footprint");
}

/**
 * A new measurement starts clean: outside Actions (local-action, no RUNNER_TEMP) the state directory is
 * reused, and the sampler appends, so an old run's samples and phase names would join this report.
 */
export function clearMeasurementState(dir: string): void {
  for (const file of [PHASES_FILE, SAMPLES_FILE, STEP_BUDGETS_FILE]) rmSync(join(dir, file), { force: true });
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
