/**
 * Apple silicon power through ONE long-running `powermetrics` child (the nvidia-smi stream's pattern: never a
 * process per sample). powermetrics needs root: it is started through `sudo -n`, which fails at once instead of
 * prompting where no password-less rule allows it; the CPU model is used then, and the report says why.
 *
 * The windows it prints add up to a cumulative energy counter per rail (CPU, GPU, ANE): `SocCounter` holds it and
 * answers "energy up to time t" for the sampler's ticks — completed windows exactly, the window around t pro-rated
 * (its power is the window's average). Past the last window nothing is guessed: the counter stands until the next
 * window arrives, so a tick's energy may land up to one interval late (in the next interval, possibly the next
 * phase), never twice and never invented; at the stop the sampler waits for the window that covers it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { createPowermetricsParser, type PowermetricsWindow } from "./powermetrics-parse.js";

/** Energy per rail in mJ. */
export interface SocEnergy {
  cpu: number;
  gpu: number;
  ane: number;
}

const RAILS = ["cpu", "gpu", "ane"] as const;

export class SocCounter {
  private completed: SocEnergy = { cpu: 0, gpu: 0, ane: 0 };
  private last: { endMs: number; elapsedMs: number; mw: SocEnergy; before: SocEnergy } | null = null;
  private ended = false;
  private endReported = false;
  windows = 0;

  add(window: PowermetricsWindow, endMs: number): void {
    const mw: SocEnergy = { cpu: window.cpuMw, gpu: window.gpuMw, ane: window.aneMw };
    const before = { ...this.completed };
    for (const rail of RAILS) this.completed[rail] += (mw[rail] * window.elapsedMs) / 1_000;
    this.last = { endMs, elapsedMs: window.elapsedMs, mw, before };
    this.windows += 1;
  }

  /** The stream ended: nothing is held past the last window any more. */
  end(): void {
    this.ended = true;
  }

  get lastEndMs(): number | null {
    return this.last?.endMs ?? null;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /**
   * Energy up to `ts`; null before the first window, and after the stream ended once its total was given (the
   * intervals after it are not measured by powermetrics).
   */
  at(ts: number): SocEnergy | null {
    const last = this.last;
    if (!last) return null;
    const startMs = last.endMs - last.elapsedMs;
    const plus = (base: SocEnergy, ms: number): SocEnergy => ({
      cpu: base.cpu + (last.mw.cpu * ms) / 1_000,
      gpu: base.gpu + (last.mw.gpu * ms) / 1_000,
      ane: base.ane + (last.mw.ane * ms) / 1_000,
    });
    if (ts >= last.endMs) {
      if (!this.ended) return { ...this.completed };
      if (this.endReported) return null;
      this.endReported = true;
      return { ...this.completed };
    }
    if (ts >= startMs) return plus(last.before, ts - startMs);
    return { ...last.before };
  }
}

export interface PowermetricsStreamOptions {
  /** the command that runs powermetrics: ["sudo", "-n", "powermetrics"] (tests: a fake) */
  command: string[];
  intervalMs: number;
  env?: NodeJS.ProcessEnv;
  now: () => number;
  onWindow(window: PowermetricsWindow, atMs: number): void;
  /** the child ended (exit or spawn error), with why */
  onEnd(reason: string): void;
}

export interface PowermetricsStream {
  stop(): Promise<void>;
}

const MAX_STDERR_CHARS = 500;
const KILL_GRACE_MS = 2_000;

/** `powermetrics --samplers cpu_power,gpu_power -i <ms> -b 1`: line-buffered windows every interval. */
function powermetricsArgs(intervalMs: number): string[] {
  return ["--samplers", "cpu_power,gpu_power", "-i", String(Math.round(intervalMs)), "-b", "1"];
}

/**
 * The command that runs powermetrics here, or null: `ML_FOOTPRINT_POWERMETRICS` (a path; tests point it at a
 * fake), else `sudo -n powermetrics` on macOS on Apple silicon, else none.
 */
export function powermetricsCommand(
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): string[] | null {
  if (env.ML_FOOTPRINT_POWERMETRICS) return [env.ML_FOOTPRINT_POWERMETRICS];
  return platform === "darwin" && arch === "arm64" ? ["sudo", "-n", "powermetrics"] : null;
}

export function startPowermetricsStream(options: PowermetricsStreamOptions): PowermetricsStream {
  const [file, ...pre] = options.command;
  let child: ChildProcess;
  let stderr = "";
  let ended = false;
  const end = (reason: string) => {
    if (ended) return;
    ended = true;
    options.onEnd(reason);
  };
  try {
    child = spawn(file!, [...pre, ...powermetricsArgs(options.intervalMs)], {
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    end(`powermetrics could not be started (${(error as Error).message})`);
    return { stop: () => Promise.resolve() };
  }
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const parser = createPowermetricsParser((window) => options.onWindow(window, options.now()));
  // One window's lines arrive together; the header's arrival is the window's end (what the parser completes on
  // may be the next header, for macOS versions without a "Combined Power" line).
  const lines = createInterface({ input: child.stdout!, crlfDelay: Infinity });
  lines.on("line", (line) => parser.line(line));
  child.stderr!.on("data", (chunk: Buffer) => {
    if (stderr.length < MAX_STDERR_CHARS) stderr += chunk.toString("utf8");
  });
  child.once("error", (error) => end(`powermetrics could not be started (${error.message})`));
  child.once("close", (code, signal) => {
    parser.end();
    const why = stderr.trim().split("\n")[0]?.slice(0, 200);
    end(`powermetrics exited (${signal ?? `code ${code}`}${why ? `: ${why}` : ""})`);
  });
  return {
    async stop() {
      if (ended || child.exitCode !== null) return exited;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
