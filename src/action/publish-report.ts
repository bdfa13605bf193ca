/**
 * The network half of the measure-mode post step (steps/post.ts), loaded lazily: upload the report artifact, find base-branch reports,
 * compare, rewrite the job summary with the comparison, upsert the sticky PR comment, set outputs.
 * Every failure here is a warning that says what would fix it; budgets are decided by the caller.
 */
import { commentCarbonExtras } from "../carbon/advice.js";
import { dirname } from "node:path";
import { artifactNameForKey, uploadReportArtifact } from "../github/artifacts.js";
import { findBaseReports } from "../github/baseline.js";
import { explainApiError, Permission } from "../github/errors.js";
import { resolveSelf, upsertStickyComment } from "../github/comment.js";
import type { ActionsContext } from "../github/context.js";
import type { Report } from "../model/report.js";
import type { BudgetResult } from "../report/budgets.js";
import { compareReports, sameHardware } from "../report/compare.js";
import { renderComment } from "../report/render-markdown.js";
import { buildCommentModel } from "../report/render-model.js";
import { TOOL_VERSION } from "../version.js";
import { budgetsFor } from "./budgets.js";
import { clientFor } from "./client.js";
import { shouldCreateComment, skippedCommentLine } from "./comment-policy.js";
import { Outputs } from "./constants.js";
import type { StepEnv } from "./core.js";
import type { ActionConfig } from "./inputs.js";
import { setComparisonOutputs } from "./outputs.js";
import type { StepBudgets } from "./state.js";
import { renderJobSummary } from "./summary.js";

export interface PublishInput extends StepEnv {
  config: ActionConfig;
  report: Report;
  /** the written report file; null when it could not be written (a full disk): nothing to upload */
  reportPath: string | null;
  ctx: ActionsContext;
  /** budgets set on `run:` steps, for their phases */
  stepBudgets?: StepBudgets[];
  /** the step's network deadline: aborts every GitHub request */
  signal?: AbortSignal;
  /** told each stage done (PUBLISH_STAGES), and the budgets once the comparison is known */
  progress?: { done(stage: string): void; budgets?(results: BudgetResult[]): void };
}

/** The network stages of publishReport, in order, as a timeout warning names them. */
export const PUBLISH_STAGES = ["report artifact upload", "base-branch comparison", "PR comment"] as const;

export async function publishReport(input: PublishInput): Promise<{ budgets: BudgetResult[] } | null> {
  const { core, config, ctx, report, reportPath } = input;
  const octokit = clientFor(input);
  if (!octokit) return null;
  const key = report.identity.key;
  const artifactName = artifactNameForKey(key);

  if (reportPath !== null) {
    const upload = await uploadReportArtifact({
      name: artifactName,
      files: [reportPath],
      rootDir: dirname(reportPath),
      retentionDays: config.retentionDays,
    });
    if (upload.warning) core.warning(`ml-footprint: ${upload.warning}`);
  }
  input.progress?.done("report artifact upload");

  let history: Report[] = [];
  let baseSha: string | null = null;
  let unreadableBase = 0;
  if (ctx.prNumber !== null && ctx.baseRef) {
    const base = await findBaseReports(octokit, {
      owner: ctx.owner,
      repo: ctx.repo,
      repositoryId: ctx.repositoryId ?? undefined,
      baseRef: ctx.baseRef,
      baseSha: ctx.prBaseSha ?? undefined,
      headSha: ctx.prHeadSha ?? ctx.sha,
      artifactName,
      history: config.history,
      // base runs on this job's hardware count towards `history` (compareReports skips the others)
      matches: (r) => sameHardware(r, report),
      log: { warn: (message) => core.warning(`ml-footprint: ${message}`) },
    });
    history = base.reports.filter((r) => r.identity.runId !== ctx.runId);
    baseSha = base.mergeBaseSha;
    unreadableBase = base.unreadable.length;
  }
  core.setOutput(Outputs.MissingBaseReports, String(unreadableBase));
  const comparison = compareReports(report, history, { history: config.history });
  const budgets = budgetsFor(config, report, comparison, input.stepBudgets);
  setComparisonOutputs(core, comparison);
  input.progress?.budgets?.(budgets);
  await input.summary.write(
    renderJobSummary(key, report, comparison, history, budgets, ctx.baseRef, baseSha),
  );
  input.progress?.done("base-branch comparison");

  if (config.comment === "never" || ctx.prNumber === null) {
    input.progress?.done("PR comment");
    return { budgets };
  }
  const body = renderComment(
    buildCommentModel({
      key,
      reports: [{ head: report, comparison, history }],
      budgets,
      baseRef: ctx.baseRef,
      baseSha,
      toolVersion: TOOL_VERSION,
      ...commentCarbonExtras([report]),
      warnings:
        unreadableBase > 0
          ? [
              `${unreadableBase} base-branch report(s) could not be read (the workflow log names them); the comparison uses fewer base runs.`,
            ]
          : [],
    }),
  );
  try {
    const self = await resolveSelf(octokit);
    const result = await upsertStickyComment(octokit, {
      owner: ctx.owner,
      repo: ctx.repo,
      issueNumber: ctx.prNumber,
      key,
      body,
      self,
      createIfMissing: shouldCreateComment(
        config.comment,
        [comparison.verdict, ...comparison.phases.map((p) => p.verdict)],
        budgets,
      ),
    });
    if (result.url === null) {
      core.info(skippedCommentLine(comparison.verdict));
    } else {
      core.setOutput(Outputs.CommentUrl, result.url);
      core.info(`ml-footprint: PR comment ${result.action}: ${result.url}`);
      if (result.warning) core.warning(`ml-footprint: ${result.warning}`);
    }
  } catch (error) {
    core.warning(
      `ml-footprint: the PR comment could not be written (${explainApiError(error, Permission.PullRequestsWrite, { notFoundMeansPermission: true })}); the report is in the job summary and the artifact`,
    );
  }
  input.progress?.done("PR comment");
  return { budgets };
}
