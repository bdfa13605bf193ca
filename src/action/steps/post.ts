/**
 * The action's post step in measure mode, for the step that started the sampler (runs last,
 * `post-if: always()`), when no finish step reported the job: the whole end of the measurement
 * (finish-job.ts: stop, report and summary before any network call, upload, compare, comment within
 * `network-timeout`, budgets). Its outputs reach no later step; a finish step's do.
 */
import type { StepEnv } from "../core.js";
import { finishJob } from "../finish-job.js";
import type { ActionConfig } from "../inputs.js";
import type { publishReport } from "../publish-report.js";
import { savedStateDir } from "../state.js";

export interface PostInput extends StepEnv {
  config: ActionConfig;
  /** the network half; default: imported lazily, so that Octokit/artifact code loads only here */
  publish?: typeof publishReport;
}

export async function postStep(deps: PostInput): Promise<void> {
  const dir = savedStateDir(deps.core, deps.env);
  await finishJob({ ...deps, dir });
}
