/**
 * The network half of the post step, loaded lazily: upload the report artifact, find base-branch reports,
 * compare, rewrite the job summary with the comparison, upsert the sticky PR comment, set outputs.
 * Every failure here is a warning that says what would fix it; budgets are decided by the caller.
 */
import { dirname } from "node:path";
import type { ActionConfig } from "./inputs.js";
import { Outputs } from "./constants.js";
import type { ActionsContext } from "../github/context.js";
import { createGitHubClient, errorStatus, type GitHubClient } from "../github/client.js";
import { artifactNameForKey, uploadReportArtifact } from "../github/artifacts.js";
import { findBaseReports } from "../github/baseline.js";
import { resolveSelfLogin, upsertStickyComment } from "../github/comment.js";
import type { BudgetResult } from "../report/budgets.js";
import { compareReports, type Comparison } from "../report/compare.js";
import { buildCommentModel } from "../report/render-model.js";
import { renderComment } from "../report/render-markdown.js";
import type { Report } from "../model/report.js";
import { TOOL_VERSION } from "../version.js";
import type { StepBudgets } from "./steps/main.js";
import type { PostEnv } from "./steps/post.js";
import { budgetsFor, renderJobSummary } from "./steps/post.js";

export interface PublishInput extends PostEnv {
  config: ActionConfig;
  report: Report;
  reportPath: string;
  ctx: ActionsContext;
  /** budgets set on `run:` steps, for their phases */
  stepBudgets?: StepBudgets[];
}

const COMMENT_PERMISSION_HINT =
  "give the workflow `permissions: pull-requests: write`; for pull requests from forks the token is read-only, so use `comment: never` here and the `mode: publish` workflow_run workflow (see the README)";

/** Octokit's request log line for a failed request, e.g. "GET /user - 403 with id UNKNOWN in 2ms". */
const REQUEST_LOG_LINE = /^[A-Z]+ \S+ - \d{3} with id \S+ in \d+ms$/;

/**
 * Test-only: `ML_FOOTPRINT_RETRY_BASE_MS` shrinks Octokit's retry backoff (retry n waits n² × base) so
 * end-to-end tests of 5xx retries stay fast. Users never need it; unset → the client's default (1 s).
 */
function retryBaseMs(env: Record<string, string | undefined>): number | undefined {
  const v = Number(env.ML_FOOTPRINT_RETRY_BASE_MS);
  return env.ML_FOOTPRINT_RETRY_BASE_MS && Number.isInteger(v) && v >= 0 && v <= 60_000 ? v : undefined;
}

export function clientFor(input: Pick<PublishInput, "core" | "config" | "ctx" | "env">): GitHubClient | null {
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
    retryBaseMs: retryBaseMs(input.env),
    log: {
      // Failed requests are thrown to the caller, which warns with a fix (or expects them: GET /user is
      // 403 for every GITHUB_TOKEN); Octokit's own log line for them would be a second, useless warning.
      warn: (message) =>
        REQUEST_LOG_LINE.test(message)
          ? input.core.debug?.(`ml-footprint: ${message}`)
          : input.core.warning(`ml-footprint: ${message}`),
    },
  });
}

/**
 * `comment: auto` posts on pull requests, but does not start a comment for a change within noise (or a
 * decrease) with no budget over: nothing to look at. An existing comment is still updated so it never
 * shows stale numbers. `always` always posts; `never` is handled by the caller (summary only).
 */
export function shouldCreateComment(
  mode: ActionConfig["comment"],
  verdict: Comparison["verdict"],
  budgets: BudgetResult[],
): boolean {
  if (mode === "always") return true;
  const quiet = verdict === "within-noise" || verdict === "decrease";
  return !quiet || budgets.some((b) => b.over);
}

export async function publishReport(input: PublishInput): Promise<{ budgets: BudgetResult[] } | null> {
  const { core, config, ctx, report, reportPath } = input;
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
  const budgets = budgetsFor(config, report, comparison, input.stepBudgets);
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
      createIfMissing: shouldCreateComment(config.comment, comparison.verdict, budgets),
    });
    if (result.url === null) {
      core.info(
        `ml-footprint: no PR comment (comment: auto and the change is ${comparison.verdict}, no budget over); the numbers are in the job summary`,
      );
    } else {
      core.setOutput(Outputs.CommentUrl, result.url);
      core.info(`ml-footprint: PR comment ${result.action}: ${result.url}`);
    }
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
