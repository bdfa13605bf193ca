/**
 * `mode: report`: one comment for the matrix of the current run, from a job that `needs:` the measuring
 * jobs. Reads every `ml-footprint-*` artifact of this run (see aggregate.ts) and enforces budgets on the total.
 */
import type { ActionsContext } from "../../github/context.js";
import { aggregateStep, type AggregateStepInput, type AggregateTarget } from "../aggregate.js";
import type { CoreLike } from "../core.js";

/** This run, and this event's PR (if any); null (after saying why) without a run id. */
export function reportTarget(core: CoreLike, ctx: ActionsContext): AggregateTarget | null {
  const runId = Number(ctx.runId);
  if (!Number.isSafeInteger(runId) || runId <= 0) {
    core.warning(`ml-footprint: mode: report needs GITHUB_RUN_ID (got "${ctx.runId}"); run it in a workflow`);
    return null;
  }
  return {
    runId,
    prNumber: ctx.prNumber,
    baseRef: ctx.baseRef,
    baseSha: ctx.prBaseSha,
    headSha: ctx.prHeadSha ?? ctx.sha,
  };
}

export async function reportStep(deps: AggregateStepInput): Promise<void> {
  await aggregateStep(deps, async ({ core, ctx }) => reportTarget(core, ctx));
}
