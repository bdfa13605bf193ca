/**
 * A finish step (`finish: true`), in its MAIN step: end the job's background measurement here, so the
 * outputs (energy, emissions, duration, verdict, over-budget, report path, comment URL) reach later steps
 * and job outputs, and budgets fail this step. The work is the post step's (finish-job.ts). It then records
 * in the job's state directory that the job is finished: the starting step's post step only cleans up.
 * Budgets set on the starting step still apply (recorded by its main step); this step's own add to them.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { samplerProcess, SAMPLES_FILE } from "../../measure/background.js";
import type { StepEnv } from "../core.js";
import { finishJob } from "../finish-job.js";
import type { ActionConfig } from "../inputs.js";
import type { publishReport } from "../publish-report.js";
import { isJobFinished, markJobFinished, readJobBudgets, stateDirFor } from "../state.js";

export interface FinishInput extends StepEnv {
  config: ActionConfig;
  publish?: typeof publishReport;
}

/** The starting step's job budgets under this step's (this step's value wins for the same budget). */
function withStartingBudgets(config: ActionConfig, dir: string): ActionConfig {
  const recorded = readJobBudgets(dir);
  if (!recorded) return config;
  const own = Object.keys(config.budgets).length > 0;
  return {
    ...config,
    budgets: { ...recorded.budgets, ...config.budgets },
    failOnBudget: own ? config.failOnBudget : recorded.failOnBudget,
  };
}

export async function finishStep(deps: FinishInput): Promise<void> {
  const { core, env, config } = deps;
  const dir = stateDirFor(env);
  if (isJobFinished(dir)) {
    core.warning(
      "ml-footprint: finish: an earlier finish step already ended this job's measurement; nothing to do here (one finish step per job)",
    );
    return;
  }
  if (samplerProcess(dir) === null && !existsSync(join(dir, SAMPLES_FILE))) {
    core.warning(
      "ml-footprint: finish: no measurement is running in this job, so there is nothing to finish; start it with a footprint step without `finish:` earlier in the job (no outputs set)",
    );
    return;
  }
  await finishJob({ ...deps, config: withStartingBudgets(config, dir), dir });
  markJobFinished(dir);
  core.info(
    "ml-footprint: measurement finished in this step; later steps are not measured and the post step only cleans up",
  );
}
