/**
 * NVIDIA GPUs through ONE long-running `nvidia-smi ... -lms <interval>` child whose stdout is parsed as a
 * line stream. Never one process per sample: starting nvidia-smi costs tens to hundreds of ms of CPU.
 *
 * Lifecycle: the first valid row resolves `present` to true. No binary (ENOENT), a child that exits
 * before printing a valid row (e.g. "NVIDIA-SMI has failed because it couldn't communicate with the
 * NVIDIA driver"), or no valid row within `presentTimeoutMs` resolves it to false: GPU not present,
 * not an error. Once present, an early exit or a stall (no row for `stallMs`) is a gap: `onGap`, then a
 * restart after an exponential backoff, at most `maxRestarts` times in all, then `onWarn` and stop.
 * With `externalCheck`, those bounds are checked only when the owner calls `check()` (the sampler does at each
 * tick), so the stream adds no timer wake-ups of its own; otherwise a watchdog timer checks them.
 */
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { nvidiaSmiArgs, offersPowerAverage, parseNvidiaSmiLine } from "./nvidia-smi-parse.js";
import type { NvidiaSmiRow } from "./nvidia-smi-parse.js";
import { lineSplitter } from "./lines.js";

export {
  NVIDIA_SMI_QUERY,
  nvidiaSmiArgs,
  offersPowerAverage,
  parseNvidiaSmiLine,
} from "./nvidia-smi-parse.js";
export type { NvidiaSmiRow, NvidiaSmiParseResult, PowerField } from "./nvidia-smi-parse.js";

export interface NvidiaSmiStreamOptions {
  /** path or name of the binary; default "nvidia-smi" (looked up on PATH) */
  binary?: string;
  intervalMs: number;
  onRow(row: NvidiaSmiRow, receivedAtMs: number): void;
  onGap(reason: string): void;
  onWarn(message: string): void;
  /** restarts allowed over the whole stream; default 5 */
  maxRestarts?: number;
  /** first restart delay, doubled each time, capped at 30 s; default 1000 */
  backoffMs?: number;
  /** no valid row for this long while running → gap + restart; default max(10 s, 5 intervals) */
  stallMs?: number;
  /** no valid row this long after start → not present; default max(15 s, 5 intervals) */
  presentTimeoutMs?: number;
  now?: () => number;
  spawnImpl?: typeof spawn;
  /** environment of the child; default process.env */
  env?: NodeJS.ProcessEnv;
  /** no watchdog timer: the owner calls check() regularly (at least every stallMs / 4) */
  externalCheck?: boolean;
  /**
   * "detect" (default): ask `nvidia-smi --help-query-gpu` once whether the driver offers power.draw.average and
   * query it next to power.draw (each row uses the average where the GPU answers it); "power.draw": never.
   */
  powerField?: "detect" | "power.draw";
}

export interface NvidiaSmiStream {
  readonly present: Promise<boolean>;
  /** Unparsable lines seen so far (each warned about only for the first few). */
  readonly badLines: number;
  /** check the present and stall bounds now (with externalCheck; harmless otherwise) */
  check(): void;
  stop(): Promise<void>;
}

const MAX_STDERR_CHARS = 2_000;
const MAX_LINE_CHARS = 4_096;
const WARNED_BAD_LINES = 3;
const BACKOFF_CAP_MS = 30_000;
const KILL_GRACE_MS = 2_000;
/** Bound on `nvidia-smi --help-query-gpu` (prints help text only, no driver call); past it, power.draw. */
const HELP_TIMEOUT_MS = 5_000;

/** Whether this nvidia-smi offers power.draw.average (false on any failure: power.draw is always there). */
export function detectPowerAverage(binary: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      execFile(
        binary,
        ["--help-query-gpu"],
        { env, timeout: HELP_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024, encoding: "utf8" },
        (error, stdout) => resolve(error ? false : offersPowerAverage(stdout)),
      );
    } catch {
      resolve(false);
    }
  });
}

export function startNvidiaSmiStream(opts: NvidiaSmiStreamOptions): NvidiaSmiStream {
  const binary = opts.binary ?? "nvidia-smi";
  nvidiaSmiArgs(opts.intervalMs); // validates the interval now, not after the detection
  let withAverage = false;
  const maxRestarts = opts.maxRestarts ?? 5;
  const initialBackoffMs = opts.backoffMs ?? 1_000;
  const stallMs = opts.stallMs ?? Math.max(10_000, 5 * opts.intervalMs);
  const presentTimeoutMs = opts.presentTimeoutMs ?? Math.max(15_000, 5 * opts.intervalMs);
  const now = opts.now ?? Date.now;
  const spawnImpl = opts.spawnImpl ?? spawn;

  let resolvePresent!: (value: boolean) => void;
  let presentState: boolean | null = null;
  const present = new Promise<boolean>((resolve) => (resolvePresent = resolve));
  const settlePresent = (value: boolean) => {
    if (presentState !== null) return;
    presentState = value;
    resolvePresent(value);
  };

  let child: ChildProcess | null = null;
  let childExited: Promise<void> = Promise.resolve();
  let stopped = false;
  let restarts = 0;
  let badLines = 0;
  let lastRowAtMs = 0;
  let restartTimer: NodeJS.Timeout | null = null;
  let watchdog: NodeJS.Timeout | null = null;
  let checkChild: (() => void) | null = null;

  const clearTimers = () => {
    if (restartTimer) clearTimeout(restartTimer);
    if (watchdog) clearInterval(watchdog);
    restartTimer = watchdog = null;
  };

  const handleLine = (line: string) => {
    if (line.trim() === "") return;
    const parsed = parseNvidiaSmiLine(line, withAverage);
    if (!parsed.ok) {
      badLines += 1;
      if (badLines <= WARNED_BAD_LINES) {
        const more =
          badLines === WARNED_BAD_LINES ? " (further unparsable lines are counted, not shown)" : "";
        opts.onWarn(`nvidia-smi: unparsable line ignored (${parsed.reason}): "${line.slice(0, 200)}"${more}`);
      }
      return;
    }
    lastRowAtMs = now();
    settlePresent(true);
    opts.onRow(parsed.row, lastRowAtMs);
  };

  const launch = () => {
    if (stopped) return;
    let stderr = "";
    let spawnError: NodeJS.ErrnoException | null = null;
    let killedForStall = false;
    const startedAtMs = now();
    lastRowAtMs = 0;

    const args = nvidiaSmiArgs(opts.intervalMs, withAverage);
    const proc = spawnImpl(binary, args, { stdio: ["ignore", "pipe", "pipe"], env: opts.env ?? process.env });
    child = proc;
    childExited = new Promise<void>((resolve) => proc.once("close", () => resolve()));
    proc.stdout?.setEncoding("utf8");
    proc.stderr?.setEncoding("utf8");
    const stdoutLines = lineSplitter(handleLine, MAX_LINE_CHARS, "keep-tail");
    proc.stdout?.on("data", (chunk: string) => stdoutLines.push(chunk));
    proc.stderr?.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-MAX_STDERR_CHARS);
    });
    proc.once("error", (error: NodeJS.ErrnoException) => {
      spawnError = error;
    });

    checkChild = () => {
      if (child !== proc) return;
      const sinceMs = now() - (lastRowAtMs || startedAtMs);
      if (presentState === null && now() - startedAtMs >= presentTimeoutMs) {
        killedForStall = true;
        settlePresent(false);
        opts.onWarn(
          `nvidia-smi printed no valid line within ${presentTimeoutMs} ms` +
            (badLines ? ` (${badLines} unparsable lines)` : "") +
            "; GPU not measured",
        );
        stopped = true;
        terminate(proc);
      } else if (presentState === true && sinceMs >= stallMs && !killedForStall) {
        killedForStall = true;
        terminate(proc);
      }
    };
    if (!opts.externalCheck) {
      watchdog = setInterval(
        () => checkChild?.(),
        Math.min(1_000, Math.max(50, Math.floor(Math.min(stallMs, presentTimeoutMs) / 4))),
      );
      watchdog.unref();
    }

    proc.once("close", (code: number | null, signal: NodeJS.Signals | null) => {
      if (watchdog) clearInterval(watchdog);
      watchdog = null;
      if (child === proc) child = null;
      const rest = stdoutLines.takeRest();
      if (rest.trim() !== "") handleLine(rest);
      if (spawnError?.code === "ENOENT") {
        settlePresent(false);
        return;
      }
      const reason = describeExit(binary, code, signal, stderr, spawnError, killedForStall, stallMs);
      if (stopped) {
        settlePresent(false);
        return;
      }
      if (presentState !== true && withAverage && !killedForStall) {
        // The help listed power.draw.average but the query was refused: power.draw alone, at once.
        withAverage = false;
        launch();
        return;
      }
      if (presentState !== true) {
        // Found but never produced data: no usable GPU (no driver, no device, wrong version).
        settlePresent(false);
        opts.onWarn(`nvidia-smi found but unusable; GPU not measured: ${reason}`);
        return;
      }
      opts.onGap(reason);
      if (restarts >= maxRestarts) {
        opts.onWarn(`GPU measurement stopped after ${restarts} restarts: ${reason}`);
        return;
      }
      const delayMs = Math.min(BACKOFF_CAP_MS, initialBackoffMs * 2 ** restarts);
      restarts += 1;
      restartTimer = setTimeout(() => {
        restartTimer = null;
        launch();
      }, delayMs);
      restartTimer.unref();
    });
  };

  if ((opts.powerField ?? "detect") === "detect") {
    void detectPowerAverage(binary, opts.env ?? process.env).then((offered) => {
      withAverage = offered;
      launch();
    });
  } else launch();

  return {
    present,
    get badLines() {
      return badLines;
    },
    check() {
      checkChild?.();
    },
    async stop() {
      stopped = true;
      clearTimers();
      const proc = child;
      if (proc) terminate(proc);
      await childExited;
      settlePresent(false);
    },
  };
}

/** SIGTERM, then SIGKILL if it has not exited after a short bound. */
function terminate(proc: ChildProcess): void {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill("SIGTERM");
  const timer = setTimeout(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
  }, KILL_GRACE_MS);
  timer.unref();
  proc.once("close", () => clearTimeout(timer));
}

function describeExit(
  binary: string,
  code: number | null,
  signal: NodeJS.Signals | null,
  stderr: string,
  spawnError: NodeJS.ErrnoException | null,
  killedForStall: boolean,
  stallMs: number,
): string {
  if (spawnError) return `${binary} could not be started: ${spawnError.message}`;
  const how = killedForStall
    ? `${binary} printed no valid line for ${stallMs} ms and was restarted`
    : signal
      ? `${binary} was killed by ${signal}`
      : `${binary} exited with code ${code}`;
  const detail = stderr.trim().split("\n").slice(-3).join(" | ").slice(0, 500);
  return detail ? `${how}: ${detail}` : how;
}
