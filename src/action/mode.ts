/**
 * Which step runs, decided once from the runner phase, the `mode` input and the job state (the model is
 * python-coverage-comment-action's activities.py). Pure; the entry points dispatch on it.
 *
 * - measure, main: start the measurement or mark a phase (and wrap `run:`);
 * - measure, post: only the step that started the sampler reports (posts run in reverse order, so it runs last);
 * - report / publish: one comment for many jobs' artifacts, in the post step (after the job's other steps).
 */
import type { Mode } from "./inputs.js";

export type Entry = "main" | "post";
export type StepName = "main" | "post" | "report" | "publish";

export function chooseStep(entry: Entry, mode: Mode, ownsMeasurement: boolean): StepName | null {
  if (mode === "measure") {
    if (entry === "main") return "main";
    return ownsMeasurement ? "post" : null;
  }
  return entry === "post" ? mode : null;
}
