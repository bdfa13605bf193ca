/**
 * Run the measured command: inherited stdio, SIGINT/SIGTERM/SIGHUP forwarded, exit status reported the way a
 * shell would (128 + signal number when killed by a signal, 127 when it cannot be started).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:os";
import { anchoredClock } from "./clock.js";
import { findExecutable } from "./sources/find-executable.js";

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
    /** tests: the platform whose command lookup applies (default process.platform) */
    platform?: NodeJS.Platform;
    /** wall clock (anchor only) and monotonic clock: durationMs never goes negative on a clock step */
    now?: () => number;
    monotonicNow?: () => number;
  } = {},
): Promise<CommandResult> {
  const now = anchoredClock({ wallNow: options.now, monotonicNow: options.monotonicNow });
  const started = now();
  const [name, ...given] = command;
  if (!name)
    return Promise.resolve({ exitCode: 127, signal: null, startError: "no command given", durationMs: 0 });
  const { file, args, shell } = windowsCommand(name, given, options);
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
        shell,
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

/**
 * Windows: find the command with PATHEXT, as cmd.exe would (`npx` is `npx.cmd`, `python` is `python.exe`). A
 * batch file (.cmd, .bat) only runs through cmd.exe (Node refuses to spawn one directly since the 2024 batch-file
 * argument fix, CVE-2024-27980), so it gets a shell, with its path and arguments quoted. Elsewhere, as given.
 */
function windowsCommand(
  name: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; shell?: boolean; platform?: NodeJS.Platform },
): { file: string; args: string[]; shell: boolean } {
  const platform = options.platform ?? process.platform;
  if (platform !== "win32" || options.shell) return { file: name, args, shell: options.shell ?? false };
  const found = findExecutable(name, options.env ?? process.env, platform);
  if (!found) return { file: name, args, shell: false };
  if (!/\.(cmd|bat)$/i.test(found)) return { file: found, args, shell: false };
  const quote = (arg: string) => (/[\s"&|<>^()%!]/.test(arg) ? `"${arg.replace(/"/g, '""')}"` : arg);
  return { file: quote(found), args: args.map(quote), shell: true };
}
