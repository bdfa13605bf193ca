/**
 * The network half of the post step, loaded lazily: upload the report artifact, find base-branch reports,
 * compare, rewrite the job summary with the comparison, upsert the sticky PR comment, set outputs.
 * Every failure here is a warning that says what would fix it; budgets are decided by the caller.
 */
import { dirname } from "node:path";
import type { ActionConfig } from "../config/action-config.js";
import { Outputs } from "../config/constants.js";
import type { ActionsContext } from "../github/context.js";
import { createGitHubClient, errorStatus, type GitHubClient } from "../github/client.js";
import { artifactNameForKey, uploadReportArtifact } from "../github/artifacts.js";
import { findBaseReports } from "../github/baseline.js";
import { resolveSelfLogin, upsertStickyComment } from "../github/comment.js";
import type { BudgetResult } from "../report/budgets.js";
import { compareReports } from "../report/compare.js";
import { buildCommentModel } from "../report/render-model.js";
import { renderComment } from "../report/render-markdown.js";
import type { Report } from "../report/schema.js";
import { TOOL_VERSION } from "../version.js";
import type { PostEnv } from "./action-post.js";
import { budgetsFor, renderJobSummary } from "./action-post.js";

export interface PublishInput extends PostEnv {
  config: ActionConfig;
  /** null in report/publish modes, which read reports from artifacts */
  report: Report | null;
  reportPath: string | null;
  ctx: ActionsContext;
}

const COMMENT_PERMISSION_HINT =
  "give the workflow `permissions: pull-requests: write`; for pull requests from forks the token is read-only, so use `comment: never` here and the `mode: publish` workflow_run workflow (see the README)";

export function clientFor(input: PublishInput): GitHubClient | null {
  if (!input.config.githubToken) {
    input.core.warning(
      "ml-footprint: no github-token; the report was not uploaded or compared (set `github-token` or keep its default)",
    );
    return null;
  }
  return createGitHubClient({
    token: input.config.githubToken,
    baseUrl: input.ctx.apiUrl,
    userAgent: `ml-footprint/${TOOL_VERSION}`,
    log: { warn: (message) => input.core.warning(message) },
  });
}

export async function publishReport(input: PublishInput): Promise<{ budgets: BudgetResult[] } | null> {
  const { core, config, ctx, report, reportPath } = input;
  if (!report || !reportPath) {
    core.warning(`ml-footprint: mode "${config.mode}" is not available in this version; use mode: measure`);
    return null;
  }
  const octokit = clientFor(input);
  if (!octokit) return null;
  const key = report.identity.key;
  const artifactName = artifactNameForKey(key);

  const upload = await uploadReportArtifact({
    name: artifactName,
    files: [reportPath],
    rootDir: dirname(reportPath),
    retentionDays: config.retentionDays,
  });
  if (upload.warning) core.warning(`ml-footprint: ${upload.warning}`);

  let history: Report[] = [];
  let baseSha: string | null = null;
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
      log: { warn: (message) => core.warning(`ml-footprint: ${message}`) },
    });
    history = base.reports.filter((r) => r.identity.runId !== ctx.runId);
    baseSha = base.mergeBaseSha;
  }
  const comparison = compareReports(report, history);
  const budgets = budgetsFor(config, report, comparison);
  core.setOutput(Outputs.Verdict, comparison.verdict);
  core.setOutput(
    Outputs.DeltaEnergyPercent,
    comparison.total.deltaEnergyPercent === null ? "" : comparison.total.deltaEnergyPercent.toFixed(2),
  );
  await input.summary.write(
    renderJobSummary(key, report, comparison, history, budgets, ctx.baseRef, baseSha),
  );

  if (config.comment === "never" || ctx.prNumber === null) return { budgets };
  const body = renderComment(
    buildCommentModel({
      key,
      reports: [{ head: report, comparison, history }],
      budgets,
      baseRef: ctx.baseRef,
      baseSha,
      toolVersion: TOOL_VERSION,
    }),
  );
  try {
    const selfLogin = await resolveSelfLogin(octokit);
    const result = await upsertStickyComment(octokit, {
      owner: ctx.owner,
      repo: ctx.repo,
      issueNumber: ctx.prNumber,
      key,
      body,
      selfLogin,
    });
    core.setOutput(Outputs.CommentUrl, result.url);
    core.info(`ml-footprint: PR comment ${result.action}: ${result.url}`);
  } catch (error) {
    const status = errorStatus(error);
    const hint =
      status === 403 || status === 404
        ? COMMENT_PERMISSION_HINT
        : "the report is in the job summary and the artifact";
    core.warning(
      `ml-footprint: the PR comment could not be written (${status ?? "network error"}: ${(error as Error).message}); ${hint}`,
    );
  }
  return { budgets };
}
