/**
 * Run the measured command: inherited stdio, SIGINT/SIGTERM/SIGHUP forwarded, exit status reported the way a
 * shell would (128 + signal number when killed by a signal, 127 when it cannot be started).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:os";
import { anchoredClock } from "./clock.js";

export interface CommandResult {
  exitCode: number;
  signal: NodeJS.Signals | null;
  /** why the command could not be started (ENOENT, EACCES), null when it ran */
  startError: string | null;
  durationMs: number;
}

const FORWARDED: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

export function runCommand(
  command: string[],
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    shell?: boolean;
    /** wall clock (anchor only) and monotonic clock: durationMs never goes negative on a clock step */
    now?: () => number;
    monotonicNow?: () => number;
  } = {},
): Promise<CommandResult> {
  const now = anchoredClock({ wallNow: options.now, monotonicNow: options.monotonicNow });
  const started = now();
  const [file, ...args] = command;
  if (!file)
    return Promise.resolve({ exitCode: 127, signal: null, startError: "no command given", durationMs: 0 });
  return new Promise((resolve) => {
    // The forwarders are in place before the command exists: a signal that arrives while spawn() runs (the
    // command may already be up and running) would otherwise find no listener and kill this process with its
    // default action, leaving the command orphaned and unmeasured. Node runs the listener on a later tick,
    // when `child` is set.
    let child: ChildProcess | null = null;
    const forward = (signal: NodeJS.Signals) => () => {
      child?.kill(signal);
    };
    const handlers = FORWARDED.map((signal) => [signal, forward(signal)] as const);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    const cleanup = () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    };
    try {
      child = spawn(file, args, {
        stdio: "inherit",
        cwd: options.cwd,
        env: options.env ?? process.env,
        shell: options.shell ?? false,
      });
    } catch (error) {
      cleanup(); // a synchronous throw (bad arguments): no forwarder may outlive it
      throw error;
    }
    child.once("error", (error: NodeJS.ErrnoException) => {
      cleanup();
      const code = error.code === "EACCES" ? 126 : 127;
      resolve({
        exitCode: code,
        signal: null,
        startError: `${error.code ?? "error"}: ${error.message}`,
        durationMs: now() - started,
      });
    });
    child.once("exit", (code, signal) => {
      cleanup();
      const signalNumber = signal ? (constants.signals[signal] ?? 0) : 0;
      resolve({
        exitCode: code ?? 128 + signalNumber,
        signal,
        startError: null,
        durationMs: now() - started,
      });
    });
  });
}
