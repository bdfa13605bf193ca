/**
 * A finish step (`finish: true`), in its MAIN step: end the job's background measurement here, so the
 * outputs (energy, emissions, duration, verdict, over-budget, report path, comment URL) reach later steps
 * and job outputs, and budgets fail this step. The work is the post step's (finish-job.ts). It then records
 * in the job's state directory that the job is finished: the starting step's post step only cleans up.
 * The starting step's job budgets and report inputs still apply (recorded by its main step; see
 * withStartingInputs).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { samplerProcess, SAMPLES_FILE } from "../../measure/background.js";
import type { StepEnv } from "../core.js";
import { finishJob } from "../finish-job.js";
import type { ActionConfig } from "../inputs.js";
import type { publishReport } from "../publish-report.js";
import {
  isJobFinished,
  markJobFinished,
  readStartingInputs,
  stateDirFor,
  type StartingInputs,
} from "../state.js";

export interface FinishInput extends StepEnv {
  config: ActionConfig;
  publish?: typeof publishReport;
}

/**
 * This step's inputs over the starting step's: its budgets add to the starting step's job budgets (its value
 * wins for the same budget; its fail-on-budget when it sets budgets of its own), and what it leaves empty
 * (key, matrix, region, carbon-intensity, pue, cpu-*) comes from the starting step.
 */
export function withStartingInputs(config: ActionConfig, start: StartingInputs | null): ActionConfig {
  if (!start) return config;
  const own = Object.keys(config.budgets).length > 0;
  return {
    ...config,
    budgets: { ...start.budgets, ...config.budgets },
    failOnBudget: own || Object.keys(start.budgets).length === 0 ? config.failOnBudget : start.failOnBudget,
    key: config.key ?? start.key,
    matrix: config.matrix ?? start.matrix,
    region: config.region ?? start.region,
    carbonIntensityGPerKWh: config.carbonIntensityGPerKWh ?? start.carbonIntensityGPerKWh,
    pue: config.pue ?? start.pue,
    cpu: {
      tdpW: config.cpu.tdpW ?? start.cpu.tdpW,
      threadsPerPackage: config.cpu.threadsPerPackage ?? start.cpu.threadsPerPackage,
      wattsPerVcpu: config.cpu.wattsPerVcpu ?? start.cpu.wattsPerVcpu,
    },
  };
}

export async function finishStep(deps: FinishInput): Promise<void> {
  const { core, env, config } = deps;
  const dir = stateDirFor(env);
  if (isJobFinished(dir)) {
    core.warning(
      "ml-footprint: finish: an earlier finish step already ended this job's measurement; nothing to do here (one finish step per job)",
    );
    return;
  }
  if (samplerProcess(dir) === null && !existsSync(join(dir, SAMPLES_FILE))) {
    core.warning(
      "ml-footprint: finish: no measurement is running in this job, so there is nothing to finish; start it with a footprint step without `finish:` earlier in the job (no outputs set)",
    );
    return;
  }
  await finishJob({ ...deps, config: withStartingInputs(config, readStartingInputs(dir)), dir });
  markJobFinished(dir);
  core.info(
    "ml-footprint: measurement finished in this step; later steps are not measured (a later footprint step would start a new measurement) and the post step only cleans up",
  );
}
