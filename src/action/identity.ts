/** Who measured what: the job's key (artifact name suffix and comment section) and its report identity. */
import type { ActionsContext } from "../github/context.js";
import type { Identity } from "../model/report.js";

/** Default key: workflow + job + matrix values, sanitised to what artifact names and markers allow. */
export function defaultKey(ctx: ActionsContext, matrix: Record<string, string> | null): string {
  const parts = [ctx.workflow, ctx.job, ...Object.values(matrix ?? {})].filter(Boolean);
  const key = parts
    .join("-")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 100);
  return key || "job";
}

export function identityFrom(
  ctx: ActionsContext,
  key: string,
  matrix: Record<string, string> | null,
): Identity {
  return {
    repository: ctx.repository,
    sha: ctx.prHeadSha ?? ctx.sha,
    ref: ctx.ref,
    baseRef: ctx.baseRef,
    headRef: ctx.headRef,
    eventName: ctx.eventName,
    workflow: ctx.workflow,
    job: ctx.job,
    matrix,
    runId: ctx.runId,
    runAttempt: ctx.runAttempt,
    prNumber: ctx.prNumber,
    key,
  };
}
