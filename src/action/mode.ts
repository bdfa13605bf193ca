/**
 * Which step runs, decided once from the runner phase, the `mode` and `finish` inputs and the job state
 * (the model is python-coverage-comment-action's activities.py). Pure; the entry points dispatch on it.
 *
 * - measure, main: start the measurement or mark a phase (and wrap `run:`);
 * - measure, main, `finish: true`: stop the measurement and do the whole report in this main step (outputs,
 *   comment, budgets), so later steps and job outputs can read them; it records that the job is finished;
 * - measure, post: only the step that started the sampler reports (posts run in reverse order, so it runs
 *   last); when a finish step already reported, it only cleans up (a sampler still running is stopped);
 * - report / publish: one comment for many jobs' artifacts, in the post step (after the job's other steps).
 */
import type { Mode } from "./inputs.js";

export type Entry = "main" | "post";
export type StepName = "main" | "finish" | "post" | "cleanup" | "report" | "publish";

export interface StepFacts {
  mode: Mode;
  /** the step's `finish` input */
  finish: boolean;
  /** this step started the job's sampler (saved in its state by its main step) */
  ownsMeasurement: boolean;
  /** a finish step already reported this job's measurement (recorded in the job's state directory) */
  jobFinished: boolean;
}

export function chooseStep(entry: Entry, facts: StepFacts): StepName | null {
  if (facts.mode === "measure") {
    if (entry === "main") return facts.finish ? "finish" : "main";
    if (!facts.ownsMeasurement) return null;
    return facts.jobFinished ? "cleanup" : "post";
  }
  return entry === "post" ? facts.mode : null;
}
