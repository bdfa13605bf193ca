/**
 * The background sampler process: `sampler run --dir D [--interval 1s] [--phase train] [--gpus LIST]`. Shared by
 * the CLI's hidden `sampler run` command and the slim entry (src/sampler.ts → dist/sampler.js) that the action's
 * main step and `sampler start` spawn, so the detached process loads only what sampling needs: no commander, no
 * report, carbon or GitHub code.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseIntervalMs } from "../model/units.js";
import { SAMPLES_FILE, STOP_FILE } from "./background.js";
import { gpuSelectionFrom } from "./gpu-select.js";
import { Sampler } from "./sampler.js";
import { injectedRoots } from "./roots.js";

export interface SamplerRunFlags {
  dir: string;
  interval: string;
  phase: string;
  gpus?: string;
  /** identifies the process as the directory's sampler where /proc is absent (background.ts); unused here */
  token?: string;
}

/**
 * Sample into <dir>/samples.ndjson until SIGTERM, SIGINT or the stop file (Windows has no SIGTERM), then write the
 * last sample and the end line.
 */
export async function runSamplerProcess(flags: SamplerRunFlags, env = process.env): Promise<void> {
  const roots = injectedRoots(env);
  const instance = new Sampler({
    samplesPath: join(flags.dir, SAMPLES_FILE),
    stopFile: join(flags.dir, STOP_FILE),
    intervalMs: parseIntervalMs(flags.interval, "--interval"),
    phase: flags.phase,
    gpuSelection: gpuSelectionFrom(flags.gpus, env, "--gpus"),
    ...roots,
    // Background mode starts at once: the step that started it must not wait for the GPU reader, and the
    // head before the first GPU reading is held back from it (edge rule) with the range widened.
    gpuStartWaitMs: 0,
    nvml: roots.python ? { python: roots.python } : {},
    // This process only samples: NVML is read in it (one wake-up per tick), the helper where that cannot load.
    nvmlInProcess: nvmlReaderChoice(env) === "in-process",
    onInfo: (message) => process.stderr.write(`ml-footprint: ${message}\n`),
  });
  await instance.start();
  await new Promise<void>((resolveStop) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      void instance.stop().then(() => resolveStop());
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    // Windows: no SIGTERM; `sampler stop` leaves the stop file, seen at the next tick.
    void instance.stopRequested.then(stop);
  });
}

/** ML_FOOTPRINT_NVML_READER: "in-process" (the default) or "helper" (the python3 helper, a child per job). */
export function nvmlReaderChoice(env: NodeJS.ProcessEnv): "in-process" | "helper" {
  const value = env.ML_FOOTPRINT_NVML_READER;
  if (value === undefined || value === "" || value === "in-process") return "in-process";
  if (value === "helper") return "helper";
  throw new Error(
    `ML_FOOTPRINT_NVML_READER: ${JSON.stringify(value.slice(0, 100))} is not accepted; use "in-process" (the default) or "helper"`,
  );
}

/** argv after the script: `sampler run --dir D …` (the words the CLI's command takes, so pid checks match). */
export function parseSamplerArgv(argv: string[]): SamplerRunFlags {
  const words = argv[0] === "sampler" ? argv.slice(1) : argv;
  if (words[0] !== "run") throw new Error(`expected "sampler run --dir <dir> …", got "${argv.join(" ")}"`);
  const { values } = parseArgs({
    args: words.slice(1),
    options: {
      dir: { type: "string" },
      interval: { type: "string", default: "1s" },
      phase: { type: "string", default: "train" },
      gpus: { type: "string" },
      token: { type: "string" },
    },
    strict: true,
  });
  if (!values.dir) throw new Error("--dir <dir> is required");
  return {
    dir: values.dir,
    interval: values.interval,
    phase: values.phase,
    ...(values.gpus === undefined ? {} : { gpus: values.gpus }),
  };
}
