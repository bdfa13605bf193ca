/**
 * The entry points' one call: read the inputs (masking secrets), pick the step with the pure `chooseStep`,
 * load only that step (code splitting keeps Octokit and the artifact client out of the main step), run it.
 * `run()` is the one error boundary: a step throws, `run()` fails the step with the message.
 */
import type * as ActionsCore from "@actions/core";
import { fileURLToPath } from "node:url";
import { State } from "./constants.js";
import type { CoreLike, StepEnv } from "./core.js";
import { readConfigMaskingSecrets, type ActionConfig } from "./inputs.js";
import { chooseStep, type Entry, type StepName } from "./mode.js";
import { networkWorkAbandoned } from "./network.js";
import { isJobFinished, ownsCurrentMeasurement, savedStateDir } from "./state.js";
import type { RunReportLimits } from "../github/run-artifacts.js";
import type { publishReport } from "./publish-report.js";
import type { SummaryWriter } from "./summary.js";

export interface RunStepDeps extends StepEnv {
  /** tests: the network half of the measure-mode post step (default: imported lazily) */
  publish?: typeof publishReport;
  /** tests shrink the caps of the report/publish artifact downloads */
  limits?: RunReportLimits;
}

type Step = (deps: RunStepDeps & { config: ActionConfig }) => Promise<void>;

async function loadStep(step: StepName): Promise<Step> {
  switch (step) {
    case "main":
      return (await import("./steps/main.js")).mainStep;
    case "finish":
      return (await import("./steps/finish.js")).finishStep;
    case "post":
      return (await import("./steps/post.js")).postStep;
    case "cleanup":
      return (await import("./steps/cleanup.js")).cleanupStep;
    case "report":
      return (await import("./steps/report.js")).reportStep;
    case "publish":
      return (await import("./steps/publish.js")).publishStep;
  }
}

/** Run the step `entry` stands for; throws what the step throws. */
export async function runStep(entry: Entry, deps: RunStepDeps): Promise<void> {
  const config = readConfigMaskingSecrets(deps.core);
  const stateDir = savedStateDir(deps.core, deps.env, (message) => deps.core.warning(message));
  // The step that started the sampler owns the measurement, unless a later step (after a finish step)
  // started a new one in the job's state dir: that step's post step reports it, and only it.
  const ownsMeasurement =
    deps.core.getState(State.Owner) === "true" &&
    (entry === "main" || ownsCurrentMeasurement(stateDir, deps.core.getState(State.MeasurementId)));
  // Only the owner's post step asks whether a finish step already reported (a file in the job's state dir).
  const jobFinished = entry === "post" && ownsMeasurement && isJobFinished(stateDir);
  const step = chooseStep(entry, { mode: config.mode, finish: config.finish, ownsMeasurement, jobFinished });
  if (step === null) return;
  await (
    await loadStep(step)
  )({ ...deps, config });
}

/** `runStep` behind the step's error boundary: a step that throws fails with its message, nothing else. */
export async function runGuarded(entry: Entry, deps: RunStepDeps): Promise<void> {
  try {
    await runStep(entry, deps);
  } catch (error) {
    deps.core.setFailed(`ml-footprint: ${(error as Error).message}`);
  }
}

function actionsSummary(core: typeof ActionsCore): SummaryWriter {
  return {
    async write(markdown) {
      if (!process.env.GITHUB_STEP_SUMMARY) return;
      await core.summary.emptyBuffer().addRaw(markdown).write({ overwrite: true });
    },
  };
}

/**
 * The step with the real @actions/core. `cliPath` is the bundled CLI (the sampler runs as
 * `node dist/cli.js sampler run`); runners that import an entry and call `run()` (@github/local-action)
 * get the committed bundle by default.
 */
export async function run(
  entry: Entry,
  cliPath = fileURLToPath(new URL("../../dist/cli.js", import.meta.url)),
): Promise<void> {
  const core = await import("@actions/core");
  const port: CoreLike = core;
  await runGuarded(entry, {
    core: port,
    env: process.env,
    cwd: process.cwd(),
    cliPath,
    summary: actionsSummary(core),
  });
  // Network work past `network-timeout` was abandoned (a retry timer, the artifact client's backoff): it must
  // not keep the step alive. Everything of ours is written (outputs and state are synchronous file writes).
  if (networkWorkAbandoned()) process.exit();
}
