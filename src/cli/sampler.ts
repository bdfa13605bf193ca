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
import { Sampler } from "../measure/sampler.js";
import { parseIntervalMs } from "../model/units.js";
import { injectedRoots } from "./roots.js";

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
    .action(async (flags: { dir: string; interval: string; phase: string }) => {
      const intervalMs = parseIntervalMs(flags.interval, "--interval");
      await mkdir(flags.dir, { recursive: true });
      const pid = await startBackgroundSampler({
        dir: flags.dir,
        intervalMs,
        phase: flags.phase,
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
    .action(async (flags: { dir: string; interval: string; phase: string }) => {
      const roots = injectedRoots(process.env);
      const instance = new Sampler({
        samplesPath: join(flags.dir, SAMPLES_FILE),
        intervalMs: parseIntervalMs(flags.interval, "--interval"),
        phase: flags.phase,
        ...roots,
      });
      await instance.start();
      await new Promise<void>((resolveStop) => {
        const stop = () => void instance.stop().then(() => resolveStop());
        process.once("SIGTERM", stop);
        process.once("SIGINT", stop);
      });
    });
}
