/** `ml-footprint sampler start|phase|stop`: background measurement for CI (the action runs these). */
import type { Command } from "commander";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  markBackgroundPhase,
  SAMPLES_FILE,
  startBackgroundSampler,
  stopBackgroundSampler,
} from "../measure/background.js";
import { runSamplerProcess, type SamplerRunFlags } from "../measure/sampler-process.js";
import { nvmlCallStillRunning } from "../measure/sources/nvml-ffi.js";
import { parseIntervalMs } from "../model/units.js";
import { GPUS_HELP, parseGpusInput } from "../measure/gpu-select.js";

export function registerSamplerCommands(program: Command): void {
  const sampler = program
    .command("sampler")
    .description("background measurement for CI (used by the action)");
  sampler
    .command("start")
    .description("start a detached sampler that writes <dir>/samples.ndjson until `sampler stop`")
    .requiredOption("--dir <dir>", "state directory")
    .option("--interval <duration>", "sampling interval, 100ms to 60s", "1s")
    .option("--phase <name>", "name of the first phase", "train")
    .option("--gpus <list>", GPUS_HELP)
    .action(async (flags: { dir: string; interval: string; phase: string; gpus?: string }) => {
      const intervalMs = parseIntervalMs(flags.interval, "--interval");
      if (flags.gpus !== undefined) parseGpusInput(flags.gpus, "--gpus");
      await mkdir(flags.dir, { recursive: true });
      const pid = await startBackgroundSampler({
        dir: flags.dir,
        intervalMs,
        phase: flags.phase,
        gpus: flags.gpus ?? null,
        cliPath: fileURLToPath(import.meta.url),
      });
      process.stderr.write(
        `ml-footprint: sampler started (pid ${pid}), writing ${join(flags.dir, SAMPLES_FILE)}\n`,
      );
    });
  sampler
    .command("phase")
    .description("mark a phase boundary in a running background measurement")
    .requiredOption("--dir <dir>", "state directory")
    .argument("<name>", "phase name")
    .action((name: string, flags: { dir: string }) => markBackgroundPhase(flags.dir, name));
  sampler
    .command("stop")
    .description("stop the background sampler")
    .requiredOption("--dir <dir>", "state directory")
    .action(async (flags: { dir: string }) => {
      const outcome = await stopBackgroundSampler(flags.dir);
      process.stderr.write(`ml-footprint: sampler ${outcome}\n`);
    });
  sampler
    .command("run", { hidden: true })
    .requiredOption("--dir <dir>")
    .option("--interval <duration>", "", "1s")
    .option("--phase <name>", "", "train")
    .option("--gpus <list>")
    // identifies this process as the directory's sampler where /proc is absent (background.ts); unused here
    .option("--token <token>")
    .action(async (flags: SamplerRunFlags) => {
      await runSamplerProcess(flags);
      // as dist/sampler.js does: a hung NVML call's worker thread must not keep the finished sampler alive
      if (nvmlCallStillRunning()) process.kill(process.pid, "SIGKILL");
    });
}
