/**
 * The action's post step (runs last, `post-if: always()`): stop the sampler, build the report, write it
 * and the job summary BEFORE any network call, then upload, compare with the base branch, comment and
 * enforce budgets. Network failures are warnings; only budgets fail the job.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { State, Outputs } from "../constants.js";
import type { ActionConfig } from "../inputs.js";
import { stopBackgroundSampler, SAMPLES_FILE } from "../../measure/background.js";
import { serializeReport, type Identity, type Report } from "../../model/report.js";
import { evaluateBudgets, type BudgetResult } from "../../report/budgets.js";
import type { Comparison } from "../../report/compare.js";
import { buildCommentModel } from "../../report/render-model.js";
import { renderSummary } from "../../report/render-markdown.js";
import { readActionsContext, type ActionsContext } from "../../github/context.js";
import { TOOL_VERSION } from "../../version.js";
import type { publishReport } from "../publish-report.js";
import type { aggregateReports } from "../aggregate.js";
import { loadMachine } from "../../pipeline/machine.js";
import { reportFromSamples } from "../../pipeline/report-from-samples.js";
import { carbonForMeasurement } from "../../pipeline/carbon.js";
import {
  readConfigMaskingSecrets,
  readStepBudgets,
  stateDirFor,
  type ActionEnv,
  type CoreLike,
  type StepBudgets,
} from "./main.js";

export interface SummaryWriter {
  /** replace this step's job summary with `markdown` */
  write(markdown: string): Promise<void>;
}

export interface PostEnv extends ActionEnv {
  summary: SummaryWriter;
  /** the network half, lazily imported by the entry so that Octokit/artifact code loads only here */
  publish: typeof publishReport;
  /** mode: report / publish (many jobs' artifacts → one comment); default: imported lazily on first use */
  aggregate?: typeof aggregateReports;
}

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

export function setReportOutputs(core: CoreLike, report: Report, reportPath: string): void {
  core.setOutput(Outputs.EnergyWh, report.energyWh.toFixed(4));
  core.setOutput(Outputs.EmissionsG, report.carbon ? report.carbon.emissions.totalG.toFixed(4) : "");
  core.setOutput(Outputs.EmissionsLowG, report.carbon ? report.carbon.emissions.lowG.toFixed(4) : "");
  core.setOutput(Outputs.EmissionsHighG, report.carbon ? report.carbon.emissions.highG.toFixed(4) : "");
  core.setOutput(Outputs.ReportPath, reportPath);
}

export function renderJobSummary(
  key: string,
  report: Report,
  comparison: Comparison | null,
  history: Report[],
  budgets: BudgetResult[],
  baseRef: string,
  baseSha: string | null,
): string {
  const model = buildCommentModel({
    key,
    reports: [{ head: report, comparison, history }],
    budgets,
    baseRef,
    baseSha,
    toolVersion: TOOL_VERSION,
  });
  return renderSummary(model);
}

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
  return [...job, ...phases];
}

/**
 * Report budgets: a breach fails the step (or warns with fail-on-budget: false, taken from the step that
 * set the budget), with an annotation each.
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
    if (fails(breach)) core.error(breach.message, { title: "ml-footprint budget" });
    else core.warning(breach.message, { title: "ml-footprint budget" });
  }
  const failing = breaches.filter(fails);
  if (failing.length > 0) core.setFailed(failing.map((b) => b.message).join("; "));
  return breaches.length > 0;
}

export async function runActionPost(deps: PostEnv): Promise<void> {
  const { core, env } = deps;
  const config = readConfigMaskingSecrets(core);
  if (config.mode !== "measure") {
    const ctx = readActionsContext(env);
    for (const warning of ctx.warnings) core.warning(`ml-footprint: ${warning}`);
    const aggregate =
      deps.aggregate ?? (async (input) => (await import("../aggregate.js")).aggregateReports(input));
    const result = await aggregate({ ...deps, config, ctx });
    if (result) enforceBudgets(core, config, result.budgets);
    return;
  }
  if (core.getState(State.Owner) !== "true") return; // a later footprint step: the first one reports
  const dir = core.getState(State.StateDir) || stateDirFor(env);
  const warnings: string[] = [];

  // Region lookup (IMDS, up to 1 s), stopping the sampler and the hardware inventory overlap.
  const carbonFor = carbonForMeasurement(
    {
      region: config.region ?? undefined,
      carbonIntensityGPerKWh: config.carbonIntensityGPerKWh ?? undefined,
      pue: config.pue ?? undefined,
      electricityMapsToken: config.electricityMapsToken ?? undefined,
    },
    env,
  );
  const machinePromise = loadMachine({});
  machinePromise.catch(() => undefined); // surfaces when awaited below, not as an unhandled rejection
  const stopped = await stopBackgroundSampler(dir);
  if (stopped === "killed")
    warnings.push("the sampler did not stop in time and was killed; the last second may be missing");
  if (stopped === "not-running")
    warnings.push(
      "the sampler was not running at the end of the job (killed?); the report covers what it recorded",
    );

  const ctx = readActionsContext(env);
  warnings.push(...ctx.warnings);
  const key = config.key ?? defaultKey(ctx, config.matrix);
  const machine = await machinePromise;
  const report = await reportFromSamples({
    samplesPath: join(dir, SAMPLES_FILE),
    defaultPhase: "train",
    machine,
    metricsPath: env.ML_FOOTPRINT_METRICS || join(dir, "metrics.json"),
    carbon: carbonFor,
    identity: identityFrom(ctx, key, config.matrix),
    env,
    command: null,
    exitCode: null,
    signal: null,
    warnings,
    createdAt: new Date(),
  });

  // Nothing is lost: the report and a first summary exist before any network call.
  const reportsDir = join(dir, "report");
  mkdirSync(reportsDir, { recursive: true });
  const reportPath = join(reportsDir, "ml-footprint-report.json");
  writeFileSync(reportPath, serializeReport(report));
  setReportOutputs(core, report, reportPath);
  const stepBudgets = readStepBudgets(dir);
  const localBudgets = budgetsFor(config, report, null, stepBudgets);
  await deps.summary.write(renderJobSummary(key, report, null, [], localBudgets, ctx.baseRef, null));

  let budgets = localBudgets;
  try {
    const published = await deps.publish({ ...deps, config, report, reportPath, ctx, stepBudgets });
    if (published) budgets = published.budgets;
  } catch (error) {
    core.warning(
      `ml-footprint: publishing failed (${(error as Error).message}); the report is at ${reportPath} and in the job summary`,
    );
  }
  enforceBudgets(core, config, budgets, stepBudgets);
}

/** The post step with the real @actions/core, for `run()`-style runners (see `run` in action-main.ts). */
export async function run(
  cliPath = fileURLToPath(new URL("../../dist/cli.js", import.meta.url)),
): Promise<void> {
  const core = await import("@actions/core");
  try {
    await runActionPost({
      core,
      env: process.env,
      cliPath,
      summary: {
        async write(markdown) {
          if (!process.env.GITHUB_STEP_SUMMARY) return;
          await core.summary.emptyBuffer().addRaw(markdown).write({ overwrite: true });
        },
      },
      publish: async (input) => (await import("../publish-report.js")).publishReport(input),
    });
  } catch (error) {
    core.setFailed(`ml-footprint: ${(error as Error).message}`);
  }
}
