/**
 * The action's post step in measure mode, for the step that started the sampler (runs last,
 * `post-if: always()`): stop the sampler, build the report, write it and the job summary BEFORE any
 * network call, then upload, compare with the base branch, comment (publish-report.ts, loaded lazily) and
 * enforce budgets. Network failures are warnings; only budgets fail the job.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SAMPLES_FILE, stopBackgroundSampler } from "../../measure/background.js";
import { serializeReport } from "../../model/report.js";
import { readActionsContext } from "../../github/context.js";
import { carbonForMeasurement } from "../../pipeline/carbon.js";
import { loadMachine } from "../../pipeline/machine.js";
import { reportFromSamples } from "../../pipeline/report-from-samples.js";
import { budgetsFor, enforceBudgets } from "../budgets.js";
import { State } from "../constants.js";
import type { StepEnv } from "../core.js";
import { defaultKey, identityFrom } from "../identity.js";
import type { ActionConfig } from "../inputs.js";
import { workSources } from "../metrics.js";
import { setReportOutputs } from "../outputs.js";
import type { publishReport } from "../publish-report.js";
import { readStepBudgets, stateDirFor } from "../state.js";
import { renderJobSummary } from "../summary.js";

export interface PostInput extends StepEnv {
  config: ActionConfig;
  /** the network half; default: imported lazily, so that Octokit/artifact code loads only here */
  publish?: typeof publishReport;
}

export async function postStep(deps: PostInput): Promise<void> {
  const { core, env, config } = deps;
  const dir = core.getState(State.StateDir) || stateDirFor(env);
  const warnings: string[] = [];

  // Region lookup (IMDS, up to 1 s), stopping the sampler and the hardware inventory overlap.
  const carbonFor = carbonForMeasurement(
    {
      region: config.region ?? undefined,
      carbonIntensityGPerKWh: config.carbonIntensityGPerKWh ?? undefined,
      pue: config.pue ?? undefined,
      electricityMapsToken: config.electricityMapsToken ?? undefined,
      liveIntensity: config.liveIntensity,
    },
    env,
  );
  const machinePromise = loadMachine({
    ...(config.cpu.tdpW !== null ? { cpuTdpW: config.cpu.tdpW } : {}),
    ...(config.cpu.threadsPerPackage !== null ? { cpuPackageThreads: config.cpu.threadsPerPackage } : {}),
    ...(config.cpu.wattsPerVcpu !== null
      ? { cpuMinWattsPerVcpu: config.cpu.wattsPerVcpu.min, cpuMaxWattsPerVcpu: config.cpu.wattsPerVcpu.max }
      : {}),
  });
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
    metrics: workSources(env, dir),
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

  if (config.otlp) {
    // Opt-in OTLP export; the OpenTelemetry SDK loads only here. A failure is a warning, like publishing.
    try {
      const { sendOtlp } = await import("../../export/otlp-send.js");
      const { otlpProtocol } = await import("../../export/otlp-target.js");
      const sent = await sendOtlp([report], { ...config.otlp, protocol: otlpProtocol(env) });
      core.info(`ml-footprint: sent ${sent.points} metric point(s) over OTLP/HTTP to ${config.otlp.url}`);
    } catch (error) {
      core.warning(
        `ml-footprint: OTLP export failed (${(error as Error).message}); the report is at ${reportPath}`,
      );
    }
  }

  let budgets = localBudgets;
  try {
    const publish =
      deps.publish ?? (async (input) => (await import("../publish-report.js")).publishReport(input));
    const published = await publish({ ...deps, report, reportPath, ctx, stepBudgets });
    if (published) budgets = published.budgets;
  } catch (error) {
    core.warning(
      `ml-footprint: publishing failed (${(error as Error).message}); the report is at ${reportPath} and in the job summary`,
    );
  }
  enforceBudgets(core, config, budgets, stepBudgets);
}
