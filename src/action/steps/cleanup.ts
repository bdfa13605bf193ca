/**
 * The starting step's post step after a finish step reported the job: nothing to report again. A sampler
 * of this state directory still running (it should not be) is stopped so it cannot outlive the job.
 */
import { stopBackgroundSampler } from "../../measure/background.js";
import type { StepEnv } from "../core.js";
import { savedStateDir } from "../state.js";

export async function cleanupStep({ core, env }: StepEnv): Promise<void> {
  const dir = savedStateDir(core, env);
  const stopped = await stopBackgroundSampler(dir);
  if (stopped === "not-running") {
    core.info("ml-footprint: the finish step reported this job; nothing to clean up");
  } else {
    core.info(`ml-footprint: a sampler was still running after the finish step; ${stopped} it`);
  }
}
