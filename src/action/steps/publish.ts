/**
 * `mode: publish`, in a workflow triggered by `on: workflow_run`: comment on a fork PR with the reports of
 * the run that triggered it. The PR is found through the API from that run's head owner, branch and SHA,
 * never from artifact content (artifacts are untrusted; see aggregate.ts).
 */
import type { GitHubClient } from "../../github/client.js";
import { findPullRequestForWorkflowRun } from "../../github/run-artifacts.js";
import {
  aggregateStep,
  type AggregateInput,
  type AggregateStepInput,
  type AggregateTarget,
} from "../aggregate.js";
import { notice } from "../core.js";

/** The triggering run and its open PR; null (after saying why) when there is nothing to comment on. */
async function publishTarget(input: AggregateInput, octokit: GitHubClient): Promise<AggregateTarget | null> {
  const { core, ctx } = input;
  const run = ctx.workflowRun;
  if (!run) {
    core.warning(
      `ml-footprint: mode: publish runs in a workflow triggered by \`on: workflow_run\` (this event is "${ctx.eventName}"); nothing published`,
    );
    return null;
  }
  const pr = await findPullRequestForWorkflowRun(octokit, {
    owner: ctx.owner,
    repo: ctx.repo,
    headOwner: run.headOwner ?? ctx.owner,
    headBranch: run.headBranch,
    headSha: run.headSha,
  });
  if (!pr) {
    notice(
      core,
      `ml-footprint: no open pull request has head ${run.headSha.slice(0, 12)} (run ${run.id}); nothing to comment on`,
    );
    return null;
  }
  // The merge-base is looked up from the base branch by name, as the PR page computes it.
  return { runId: run.id, prNumber: pr.number, baseRef: pr.baseRef, baseSha: null, headSha: run.headSha };
}

export async function publishStep(deps: AggregateStepInput): Promise<void> {
  await aggregateStep(deps, publishTarget);
}
