/**
 * `mode: report` and `mode: publish`: one comment for many measured jobs. Report mode reads every
 * `ml-footprint-*` artifact of the current run (a matrix, from a job that `needs:` the measuring jobs);
 * publish mode reads the artifacts of the run that triggered this `workflow_run` workflow and finds the
 * fork PR through the API from that run's head owner, branch and SHA, never from artifact content.
 * Artifacts are untrusted (see run-artifacts.ts); each job is compared with its own base history, the
 * total with the summed base runs, and budgets apply to the totals. The two steps differ only in how they find the
 * run and the PR (steps/report.ts, steps/publish.ts); this module is what they share.
 */
import { commentCarbonExtras } from "../carbon/advice.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BaseLookupShared, findBaseReports, findMergeBase } from "../github/baseline.js";
import type { GitHubClient } from "../github/client.js";
import { resolveSelf, upsertStickyComment } from "../github/comment.js";
import { readActionsContext, type ActionsContext } from "../github/context.js";
import { explainApiError, Permission } from "../github/errors.js";
import {
  downloadRunReports,
  mapBounded,
  MAX_RUN_ARTIFACTS,
  type RunReportLimits,
} from "../github/run-artifacts.js";
import { serializeReport, type Report } from "../model/report.js";
import { matrixPool, sumReports, totalComparison } from "../report/aggregate.js";
import { shouldCreateComment, skippedCommentLine } from "./comment-policy.js";
import {
  evaluateBudgets,
  failClosedOnIncompleteTotal,
  incompleteTotalReason,
  type BudgetResult,
} from "../report/budgets.js";
import { escapeMarkdown } from "../report/escape.js";
import type { JobInput } from "../report/comment-model.js";
import { compareReports, sameHardware } from "../report/compare.js";
import { renderComment, renderSummary } from "../report/render-markdown.js";
import { buildCommentModel } from "../report/render-model.js";
import { TOOL_VERSION } from "../version.js";
import { enforceBudgets } from "./budgets.js";
import { clientFor } from "./client.js";
import { Outputs } from "./constants.js";
import type { CoreLike, StepEnv } from "./core.js";
import { identityFrom } from "./identity.js";
import type { ActionConfig } from "./inputs.js";
import { setComparisonOutputs, setReportOutputs } from "./outputs.js";
import { deadlineWarning, describeApiFailure, NetworkProgress, startNetworkDeadline } from "./network.js";
import { ensurePrivateDir, stateDirFor } from "./state.js";

export interface AggregateInput extends StepEnv {
  config: ActionConfig;
  ctx: ActionsContext;
  /** tests shrink the caps; defaults in run-artifacts.ts */
  limits?: RunReportLimits;
}

export interface AggregateStepInput extends StepEnv {
  config: ActionConfig;
  limits?: RunReportLimits;
}

/**
 * The report and publish steps: read the context, build the client, find the run and PR (the one thing the
 * two steps do differently), aggregate, enforce the budgets on the total.
 */
export async function aggregateStep(
  deps: AggregateStepInput,
  findTarget: (input: AggregateInput, octokit: GitHubClient) => Promise<AggregateTarget | null>,
): Promise<void> {
  const { core, env, config } = deps;
  const ctx = readActionsContext(env);
  for (const warning of ctx.warnings) core.warning(`ml-footprint: ${warning}`);
  const deadline = startNetworkDeadline(config.networkTimeoutS);
  const input = { ...deps, ctx, signal: deadline.signal };
  const octokit = clientFor(input);
  if (!octokit) return;
  const progress = new NetworkProgress(AGGREGATE_STAGES);
  // Budgets are enforced whenever the totals are known, even if the comment then fails or times out.
  let budgets: BudgetResult[] | null = null;
  try {
    const outcome = await deadline.race(async () => {
      const target = await findTarget(input, octokit);
      if (!target) return;
      await aggregateReports(input, octokit, target, {
        done: (stage) => progress.done(stage),
        budgets: (results) => (budgets = results),
      });
    });
    if (!outcome.done) {
      const message = deadlineWarning(
        deadline.seconds,
        progress.skipped(),
        budgets ? "the totals are in the job summary" : "no report was aggregated",
      );
      core.warning(message);
      if (!budgets) await deps.summary.write(`${message}\n`);
    }
  } catch (error) {
    // API errors (403 without `actions: read`, 502 storms, rate limits) are warnings: only budgets fail a job.
    const message = `ml-footprint: mode: ${config.mode} could not finish (${describeApiFailure(error, Permission.ActionsRead)}); ${
      budgets ? "the totals are in the job summary" : "no report was aggregated or commented"
    }`;
    core.warning(message);
    if (!budgets) await deps.summary.write(`${message}\n`);
  }
  if (budgets) enforceBudgets(core, config, budgets);
}

/** The network stages of an aggregation, in order, as a timeout warning names them. */
export const AGGREGATE_STAGES = [
  "reading the run's report artifacts",
  "base-branch comparison",
  "PR comment",
] as const;

export interface AggregateProgress {
  done(stage: (typeof AGGREGATE_STAGES)[number]): void;
  budgets(results: BudgetResult[]): void;
}

export interface AggregateResult {
  budgets: BudgetResult[];
  jobs: number;
  commentChars: number | null;
}

/** The run whose artifacts are read and the PR that gets the comment. */
export interface AggregateTarget {
  runId: number;
  prNumber: number | null;
  baseRef: string;
  baseSha: string | null;
  headSha: string;
}

/**
 * Base artifact downloads per aggregation. A GITHUB_TOKEN may make 1,000 REST requests per hour per
 * repository (GitHub docs, "Rate limits for the REST API", 2024); the per-job history shrinks so that a
 * 200-job matrix stays within a few hundred requests.
 */
export const MAX_BASE_DOWNLOADS = 400;
/**
 * API calls for all base-branch lookups of one aggregation (merge-base, artifact lists, ancestors,
 * downloads). With the head's artifacts capped too, a whole `mode: publish` run stays under about 450
 * calls, within half of a GITHUB_TOKEN's 1,000 per hour (BENCHMARKS.md, "API calls of mode: publish").
 */
export const BASE_LOOKUP_CALLS = { publish: 300, report: 800 } as const;

/**
 * The base-lookup budget of a run with `jobs` report artifacts, and each job's fair share of it (its
 * artifact list and downloads), so that early jobs cannot starve later ones. `mode: report` reads this
 * repository's own matrix: its budget grows to give every job at least a list and one download.
 */
export function baseLookupBudget(
  mode: "publish" | "report",
  jobs: number,
): { total: number; perJob: number } {
  const total =
    mode === "publish" ? BASE_LOOKUP_CALLS.publish : Math.max(BASE_LOOKUP_CALLS.report, 2 * jobs + 2);
  // 2 calls are the run's own: the merge-base and the ancestor list
  return { total, perJob: Math.max(2, Math.floor((total - 2) / Math.max(1, jobs))) };
}
/**
 * Report artifacts read from the run. `mode: publish` reads a fork's run: the fork decides how many
 * artifacts it uploads, so it gets the tight cap; `mode: report` reads this repository's own matrix.
 */
export const RUN_ARTIFACTS = { publish: MAX_RUN_ARTIFACTS, report: 500 } as const;
/** From this many jobs on, base lookups share one listing of the repository's newest artifacts... */
const SHARED_LISTING_FROM_JOBS = 10;
/** ...of at most this many pages of 100 (fewer calls than the per-job listings it replaces). */
const SHARED_LISTING_PAGES = 10;
/** parallel base lookups (each is 2-3 API calls plus downloads) */
const BASE_CONCURRENCY = 4;
/**
 * Default keys (the comment marker, the total's identity) of the two aggregating modes: distinct, so a
 * `mode: report` workflow and a `mode: publish` workflow on one PR keep one comment each.
 */
export const DEFAULT_AGGREGATE_KEY = { report: "report", publish: "publish" } as const;
const MAX_LOGGED_WARNINGS = 5;

async function baseHistories(
  input: AggregateInput,
  octokit: GitHubClient,
  target: AggregateTarget,
  artifacts: string[],
  heads: Report[],
): Promise<{ histories: Report[][]; mergeBaseSha: string | null; warnings: string[]; unreadable: string[] }> {
  const { ctx, config } = input;
  if (!target.baseRef || artifacts.length === 0)
    return { histories: artifacts.map(() => []), mergeBaseSha: null, warnings: [], unreadable: [] };
  const history = Math.max(1, Math.min(config.history, Math.floor(MAX_BASE_DOWNLOADS / artifacts.length)));
  const warnings: string[] = [];
  const unreadable: string[] = [];
  // Shared by every job's lookup: the ancestor list is read once, and all calls count against one budget.
  const lookupBudget = baseLookupBudget(config.mode === "publish" ? "publish" : "report", artifacts.length);
  // Many jobs: list the repository's newest artifacts once for all of them (a few pages) instead of one
  // listing by name per job (100 jobs: 100 calls).
  const shared = new BaseLookupShared(
    lookupBudget.total,
    artifacts.length > SHARED_LISTING_FROM_JOBS ? SHARED_LISTING_PAGES : 0,
  );
  // One merge-base for the whole PR: asking once saves a compare call per job (199 of 806 calls at 200 jobs).
  let mergeBaseSha: string | null = null;
  try {
    shared.take();
    mergeBaseSha = await findMergeBase(octokit, {
      owner: ctx.owner,
      repo: ctx.repo,
      baseRef: target.baseRef,
      baseSha: target.baseSha ?? undefined,
      headSha: target.headSha,
    });
  } catch (error) {
    warnings.push(
      `Could not find the merge-base of ${target.baseRef} and ${target.headSha.slice(0, 12)}: ${explainApiError(error, Permission.ContentsRead)}`,
    );
  }
  const histories = await mapBounded(artifacts, BASE_CONCURRENCY, async (artifactName, i) => {
    const head = heads[i];
    const base = await findBaseReports(octokit, {
      mergeBaseSha,
      owner: ctx.owner,
      repo: ctx.repo,
      repositoryId: ctx.repositoryId ?? undefined,
      baseRef: target.baseRef,
      baseSha: target.baseSha ?? undefined,
      headSha: target.headSha,
      artifactName,
      history,
      // base runs on the job's own hardware count towards `history` (compareReports skips the others)
      matches: head ? (r) => sameHardware(r, head) : undefined,
      shared,
      maxCalls: lookupBudget.perJob,
      log: { warn: (message) => warnings.push(message) },
    });
    unreadable.push(...base.unreadable);
    return base.reports.filter((r) => r.identity.runId !== String(target.runId));
  });
  return { histories, mergeBaseSha, warnings, unreadable };
}

/** Report artifacts of the run that are not in the total: skipped, over the cap, or not listed (at least one). */
function missingRuns(downloaded: { skipped: unknown[]; notConsidered: number; truncated: boolean }): number {
  return downloaded.skipped.length + downloaded.notConsidered + (downloaded.truncated ? 1 : 0);
}

/** Up to three names, escaped for markdown, and how many more. */
function namedList(names: string[]): string {
  const shown = names.slice(0, 3).map((n) => escapeMarkdown(n, 60));
  return names.length > 3 ? `${shown.join(", ")} and ${names.length - 3} more` : shown.join(", ");
}

/** Log repeated warnings once each, at most a few, with a count of the rest. */
function warnBounded(core: CoreLike, what: string, messages: string[]): void {
  const unique = [...new Set(messages)];
  for (const m of unique.slice(0, MAX_LOGGED_WARNINGS)) core.warning(`ml-footprint: ${what}: ${m}`);
  if (unique.length > MAX_LOGGED_WARNINGS)
    core.warning(`ml-footprint: ${what}: ${unique.length - MAX_LOGGED_WARNINGS} more warnings like these`);
}

/**
 * Read every report artifact of `target.runId`, compare each job with its own base history and the total
 * with the summed base runs, write the total report, outputs and summary, and upsert the PR comment.
 * Returns the budget results for the caller to enforce; null when there was nothing to aggregate.
 */
export async function aggregateReports(
  input: AggregateInput,
  octokit: GitHubClient,
  target: AggregateTarget,
  progress?: AggregateProgress,
): Promise<AggregateResult | null> {
  const { core, config, ctx } = input;

  const maxArtifacts = config.mode === "publish" ? RUN_ARTIFACTS.publish : RUN_ARTIFACTS.report;
  const downloaded = await downloadRunReports(octokit, {
    owner: ctx.owner,
    repo: ctx.repo,
    runId: target.runId,
    limits: { maxArtifacts, ...input.limits },
  });
  for (const s of downloaded.skipped)
    core.warning(`ml-footprint: skipped report artifact ${JSON.stringify(s.artifactName)}: ${s.reason}`);
  if (downloaded.notConsidered > 0)
    core.warning(
      `ml-footprint: run ${target.runId} has ${downloaded.notConsidered + downloaded.reports.length + downloaded.skipped.length} report artifacts; the first ${input.limits?.maxArtifacts ?? maxArtifacts} by name were read and ${downloaded.notConsidered} were not (the cap per run for mode: ${config.mode}, which bounds the API calls one run can cost)`,
    );
  if (downloaded.truncated)
    core.warning(
      `ml-footprint: run ${target.runId} lists more artifacts than were read; some jobs are missing`,
    );
  if (downloaded.reports.length === 0) {
    core.warning(
      `ml-footprint: no valid ml-footprint-* report artifacts in run ${target.runId}; the measuring jobs must finish first (\`needs:\`) and upload their reports (mode: measure)`,
    );
    return null;
  }
  progress?.done("reading the run's report artifacts");

  const names = downloaded.reports.map((r) => r.artifactName);
  const base = await baseHistories(
    input,
    octokit,
    target,
    names,
    downloaded.reports.map((r) => r.report),
  );
  warnBounded(core, "base-branch reports", base.warnings);
  const raw: JobInput[] = downloaded.reports.map((r, i) => ({
    head: r.report,
    comparison: null,
    history: base.histories[i] ?? [],
  }));
  // The noise pool: every job's base runs, as downloaded above (no further API calls).
  const pool = matrixPool(raw, config.history);
  const jobs: JobInput[] = raw.map((j) => ({
    ...j,
    comparison: compareReports(j.head, j.history, { history: config.history, pool }),
  }));

  const key = config.key ?? DEFAULT_AGGREGATE_KEY[config.mode === "publish" ? "publish" : "report"];
  const first = jobs[0]?.head as Report;
  const total: Report = {
    ...sumReports(
      jobs.map((j) => j.head),
      first,
      { ...identityFrom(ctx, key, null), runId: String(target.runId), prNumber: target.prNumber },
    ),
    tool: { name: "ml-footprint", version: TOOL_VERSION },
    createdAt: new Date().toISOString(),
  };
  const overall = totalComparison(jobs, total, { pool });
  // Runs of this run that are not in the total: a budget is never judged on a silently smaller total.
  const missing = missingRuns(downloaded);
  const budgets = failClosedOnIncompleteTotal(
    evaluateBudgets({ report: total, comparison: overall, budgets: config.budgets }),
    incompleteTotalReason(missing, total.coverage),
  );
  progress?.budgets(budgets);

  ensurePrivateDir(stateDirFor(input.env));
  const dir = join(stateDirFor(input.env), "report");
  mkdirSync(dir, { recursive: true });
  const totalPath = join(dir, "ml-footprint-total.json");
  writeFileSync(totalPath, serializeReport(total));
  setReportOutputs(core, total, totalPath);
  setComparisonOutputs(core, overall);
  core.setOutput(Outputs.MissingReports, String(missing));
  core.setOutput(Outputs.MissingBaseReports, String(base.unreadable.length));

  const model = buildCommentModel({
    key,
    reports: jobs,
    budgets,
    baseRef: target.baseRef,
    baseSha: base.mergeBaseSha,
    toolVersion: TOOL_VERSION,
    total: overall,
    ...commentCarbonExtras(jobs.map((j) => j.head)),
    warnings: [
      ...(downloaded.skipped.length > 0
        ? [
            `The totals are incomplete: ${downloaded.skipped.length} report artifact(s) could not be read (${namedList(downloaded.skipped.map((s) => s.artifactName))}); the workflow log says why.`,
          ]
        : []),
      ...(downloaded.notConsidered > 0
        ? [
            `The totals are incomplete: ${downloaded.notConsidered} report artifact(s) over the cap per run were not read.`,
          ]
        : []),
      ...(downloaded.truncated
        ? ["The totals may be incomplete: the run lists more artifacts than were read."]
        : []),
      ...(base.unreadable.length > 0
        ? [
            `${base.unreadable.length} base-branch report(s) could not be read (the workflow log names them); the comparison uses fewer base runs.`,
          ]
        : []),
    ],
  });
  await input.summary.write(renderSummary(model));
  progress?.done("base-branch comparison");

  if (config.comment === "never" || target.prNumber === null) {
    progress?.done("PR comment");
    return { budgets, jobs: jobs.length, commentChars: null };
  }
  const body = renderComment(model);
  try {
    const result = await upsertStickyComment(octokit, {
      owner: ctx.owner,
      repo: ctx.repo,
      issueNumber: target.prNumber,
      key,
      body,
      self: await resolveSelf(octokit),
      createIfMissing: shouldCreateComment(
        config.comment,
        [overall.verdict, ...jobs.map((j) => j.comparison?.verdict ?? "no-baseline")],
        budgets,
      ),
    });
    if (result.url === null) core.info(skippedCommentLine(overall.verdict));
    else {
      core.setOutput(Outputs.CommentUrl, result.url);
      core.info(`ml-footprint: PR comment ${result.action} for ${jobs.length} jobs: ${result.url}`);
      if (result.warning) core.warning(`ml-footprint: ${result.warning}`);
    }
  } catch (error) {
    core.warning(
      `ml-footprint: the PR comment could not be written (${explainApiError(error, Permission.PullRequestsWrite)}); the report is in the job summary`,
    );
  }
  progress?.done("PR comment");
  return { budgets, jobs: jobs.length, commentChars: body.length };
}
