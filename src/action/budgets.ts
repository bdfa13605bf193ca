/** Budget policy at the Actions edge: which budgets apply to this report, and what a breach does to the step. */
import type { Report } from "../model/report.js";
import {
  evaluateBudgets,
  failClosedOnIncompleteTotal,
  incompleteTotalReason,
  type BudgetResult,
} from "../report/budgets.js";
import type { Comparison } from "../report/compare.js";
import { Outputs } from "./constants.js";
import type { CoreLike } from "./core.js";
import type { ActionConfig } from "./inputs.js";
import type { StepBudgets } from "./state.js";

/**
 * Job budgets come from the reporting step's inputs, unless that step wraps a command (`run:`): budgets on
 * a `run:` step apply to its phase, recorded by its main step (see recordStepBudgets) like later ones.
 */
export function budgetsFor(
  config: ActionConfig,
  report: Report,
  comparison: Comparison | null,
  stepBudgets: StepBudgets[] = [],
): BudgetResult[] {
  const job = config.run ? [] : evaluateBudgets({ report, comparison, budgets: config.budgets });
  const phases = stepBudgets.flatMap((s) =>
    evaluateBudgets({ report, comparison, budgets: { ...s.budgets, phase: s.phase } }),
  );
  // Samples that end before the job did (a sampler that crashed, was killed or hung): never judged as whole.
  return failClosedOnIncompleteTotal([...job, ...phases], incompleteTotalReason(0, report.coverage));
}

/**
 * Report budgets: a breach fails the step (or warns with fail-on-budget: false, taken from the step that
 * set the budget), with one annotation each: a failing breach is its own setFailed (which is the error
 * annotation), never an error annotation and then a failure message with the same text.
 */
export function enforceBudgets(
  core: CoreLike,
  config: ActionConfig,
  results: BudgetResult[],
  stepBudgets: StepBudgets[] = [],
): boolean {
  const breaches = results.filter((r) => r.over);
  const fails = (r: BudgetResult): boolean =>
    r.phase === null
      ? config.failOnBudget
      : (stepBudgets.find((s) => s.phase === r.phase)?.failOnBudget ?? config.failOnBudget);
  core.setOutput(Outputs.OverBudget, breaches.length > 0 ? "true" : "false");
  for (const breach of breaches) {
    if (fails(breach)) core.setFailed(breach.message);
    else core.warning(breach.message, { title: "ml-footprint budget" });
  }
  return breaches.length > 0;
}
