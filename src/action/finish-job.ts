/**
 * The end of a job's background measurement, shared by the two steps that may do it: a finish step's main
 * step (`finish: true`, so later steps and job outputs can read the outputs) and the starting step's post
 * step (when no finish step ran). Stop the sampler, build the report, write it and the job summary BEFORE
 * any network call, set every output that is known, then upload, compare with the base branch and comment
 * (publish-report.ts, loaded lazily) within `network-timeout`, and enforce budgets. Network failures and
 * the timeout are warnings; only budgets fail the step.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { SAMPLES_FILE, stopBackgroundSampler } from "../measure/background.js";
import { serializeReport, type Report } from "../model/report.js";
import { readActionsContext } from "../github/context.js";
import { Permission } from "../github/errors.js";
import { carbonForMeasurement } from "../pipeline/carbon.js";
import { loadMachine } from "../pipeline/machine.js";
import { reportFromSamples, type CarbonStep } from "../pipeline/report-from-samples.js";
import type { BudgetResult } from "../report/budgets.js";
import { compareReports } from "../report/compare.js";
import { describeCoverage, samplesCoverage, type SamplerStop } from "../report/coverage.js";
import { budgetsFor, enforceBudgets } from "./budgets.js";
import { Outputs } from "./constants.js";
import type { CoreLike, StepEnv } from "./core.js";
import { defaultKey, identityFrom } from "./identity.js";
import type { ActionConfig } from "./inputs.js";
import { workSources } from "./metrics.js";
import { deadlineWarning, describeApiFailure, NetworkProgress, startNetworkDeadline } from "./network.js";
import { setComparisonOutputs, setReportOutputs } from "./outputs.js";
import { carbonInputsFor, machineOptionsFor } from "./pipeline-options.js";
import { PUBLISH_STAGES, type publishReport } from "./publish-report.js";
import { readStepBudgets } from "./state.js";
import { renderJobSummary } from "./summary.js";

export interface FinishJobInput extends StepEnv {
  config: ActionConfig;
  /** the job's state directory (samples, phases, step budgets) */
  dir: string;
  /** the network half; default: imported lazily, so that Octokit/artifact code loads only here */
  publish?: typeof publishReport;
}

export async function finishJob(deps: FinishJobInput): Promise<void> {
  const { core, env, config, dir } = deps;
  const warnings: string[] = [];

  // Region lookup (IMDS, up to 1 s), stopping the sampler and the hardware inventory overlap.
  const carbonFor = carbonForMeasurement(carbonInputsFor(config), env);
  // What went wrong on the carbon side (a live-intensity fallback and its reason) is raised as a warning,
  // as action.yml promises, besides being in the report's warnings.
  const carbonWarnings: string[] = [];
  const carbon: CarbonStep = (integration, hardware, warn) =>
    carbonFor(integration, hardware, (w) => {
      carbonWarnings.push(w);
      warn?.(w);
    });
  const machinePromise = loadMachine(machineOptionsFor(config));
  machinePromise.catch(() => undefined); // surfaces when awaited below, not as an unhandled rejection
  // The job's end, for whether the samples reach it (samplesCoverage): before the stop's own wait.
  const jobEndMs = Date.now();
  const stopped = await stopBackgroundSampler(dir);

  const ctx = readActionsContext(env);
  warnings.push(...ctx.warnings);
  const key = config.key ?? defaultKey(ctx, config.matrix);
  const machine = await machinePromise;
  const report = await reportFromSamples({
    samplesPath: join(dir, SAMPLES_FILE),
    defaultPhase: "train",
    machine,
    metrics: workSources(env, dir),
    carbon,
    identity: identityFrom(ctx, key, config.matrix),
    env,
    command: null,
    exitCode: null,
    signal: null,
    warnings,
    createdAt: new Date(),
  }).then((measured) => withCoverage(measured, jobEndMs, stopped));

  for (const w of carbonWarnings) core.warning(`ml-footprint: ${w}`);

  // Nothing is lost: the report, a first summary and every output known without the network exist before
  // any network call (verdict "no-baseline" until a comparison replaces it). A full disk (ENOSPC) or an
  // unwritable state directory is a warning: the outputs and the summary still carry the numbers.
  const reportPath = writeReport(core, dir, report);
  setReportOutputs(core, report, reportPath ?? "");
  core.setOutput(Outputs.DurationS, report.durationS.toFixed(3));
  setComparisonOutputs(core, compareReports(report, [], { history: config.history }));
  const stepBudgets = readStepBudgets(dir);
  const localBudgets = budgetsFor(config, report, null, stepBudgets);
  const where =
    reportPath === null
      ? "the numbers are in the outputs and the job summary"
      : `the report is at ${reportPath} and in the job summary`;
  await writeSummary(deps, renderJobSummary(key, report, null, [], localBudgets, ctx.baseRef, null));

  const deadline = startNetworkDeadline(config.networkTimeoutS);
  const progress = new NetworkProgress([...PUBLISH_STAGES, ...(config.otlp ? ["OTLP export"] : [])]);
  let budgets: BudgetResult[] = localBudgets;
  const network = async (): Promise<void> => {
    try {
      const publish =
        deps.publish ?? (async (input) => (await import("./publish-report.js")).publishReport(input));
      const published = await publish({
        ...deps,
        summary: { write: (markdown) => writeSummary(deps, markdown) },
        report,
        reportPath,
        ctx,
        stepBudgets,
        signal: deadline.signal,
        progress: {
          done: (stage) => progress.done(stage),
          budgets: (results) => (budgets = results),
        },
      });
      if (published) budgets = published.budgets;
    } catch (error) {
      core.warning(
        `ml-footprint: publishing failed (${describeApiFailure(error, Permission.ActionsRead)}); ${where}`,
      );
    }
    if (config.otlp) {
      // Opt-in OTLP export, after the artifact and the comment, with what is left of network-timeout (a
      // blackholed collector must not cost the comment); the OpenTelemetry SDK loads only here. A failure is
      // a warning, like publishing.
      try {
        const { sendOtlp } = await import("../export/otlp-send.js");
        const { endpointForLog, otlpProtocol } = await import("../export/otlp-target.js");
        const sent = await sendOtlp([report], { ...config.otlp, protocol: otlpProtocol(env) });
        core.info(
          `ml-footprint: sent ${sent.points} metric point(s) over OTLP/HTTP to ${endpointForLog(config.otlp.url)}`,
        );
      } catch (error) {
        core.warning(`ml-footprint: OTLP export failed (${(error as Error).message}); ${where}`);
      }
      progress.done("OTLP export");
    }
  };
  const outcome = await deadline.race(network);
  if (!outcome.done) {
    core.warning(deadlineWarning(deadline.seconds, progress.skipped(), `${where}`));
  }
  enforceBudgets(core, config, budgets, stepBudgets);
}

/** Write the report JSON under `dir`/report; its path, or null (after a warning) when the disk refuses. */
function writeReport(core: CoreLike, dir: string, report: Report): string | null {
  const reportPath = join(dir, "report", "ml-footprint-report.json");
  try {
    mkdirSync(dirname(reportPath), { recursive: true });
    writeFileSync(reportPath, serializeReport(report));
    return reportPath;
  } catch (error) {
    core.warning(
      `ml-footprint: the report could not be written to ${reportPath} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); it is not uploaded, but the outputs, the job summary and the PR comment carry the numbers — free disk space on the runner`,
    );
    return null;
  }
}

/** The job summary is a file on the runner's disk too: a failure to write it is a warning, never the step's. */
async function writeSummary(deps: StepEnv, markdown: string): Promise<void> {
  try {
    await deps.summary.write(markdown);
  } catch (error) {
    deps.core.warning(`ml-footprint: the job summary could not be written (${(error as Error).message})`);
  }
}

/**
 * The stop's outcome in the report: samples that end well before the job did make the report `coverage`
 * (budgets fail closed, no verdict: see report/coverage.ts), with one warning saying so; otherwise a note on a
 * sampler that had to be killed or was gone, whose samples still reach the end.
 */
export function withCoverage(report: Report, jobEndMs: number, stopped: SamplerStop): Report {
  const coverage = samplesCoverage(report, jobEndMs, stopped);
  if (coverage)
    return {
      ...report,
      coverage,
      // the report holds at most 200 warnings: this one is kept
      warnings: [
        ...report.warnings.slice(0, 199),
        `${describeCoverage(coverage)}: the totals are too small, budgets fail closed and no verdict is drawn`,
      ],
    };
  const note =
    stopped === "killed"
      ? "the sampler did not stop in time and was killed; the last second may be missing"
      : stopped === "not-running"
        ? "the sampler was not running at the end of the job (killed?); the report covers what it recorded"
        : null;
  return note === null ? report : { ...report, warnings: [...report.warnings.slice(0, 199), note] };
}
