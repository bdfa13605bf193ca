/**
 * Background mode: a detached sampler process that outlives the step that started it. State lives in one
 * directory (under RUNNER_TEMP in the action): the samples file and a pid file.
 */
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, openSync, closeSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatLine } from "./samples.js";

export const SAMPLES_FILE = "samples.ndjson";
export const PID_FILE = "sampler.pid";

export interface BackgroundStart {
  dir: string;
  intervalMs: number;
  phase: string;
  /** path of the bundled CLI (dist/cli.js) that runs `sampler run` */
  cliPath: string;
  env?: NodeJS.ProcessEnv;
  /** bounded wait for the sampler's first line */
  startTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  return !isZombie(pid);
}

/**
 * An exited process that its parent has not reaped yet still answers signal 0. The detached sampler is
 * reparented when the main step exits; where the new parent reaps late (a container whose PID 1 is
 * `tail -f /dev/null`, this bench's sandbox: 1.5 s) stopping it waited for the reaper, or the full bound.
 * Linux only (proc(5) state field); elsewhere a zombie counts as alive, as before.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.charAt(stat.lastIndexOf(")") + 2) === "Z";
  } catch {
    return false;
  }
}

/** Spawn the detached sampler and wait until it has written its first line. Returns its pid. */
export async function startBackgroundSampler(options: BackgroundStart): Promise<number> {
  const samplesPath = join(options.dir, SAMPLES_FILE);
  const log = openSync(join(options.dir, "sampler.log"), "a");
  const child = spawn(
    process.execPath,
    [
      options.cliPath,
      "sampler",
      "run",
      "--dir",
      options.dir,
      "--interval",
      `${options.intervalMs}ms`,
      "--phase",
      options.phase,
    ],
    { detached: true, stdio: ["ignore", log, log], env: options.env ?? process.env },
  );
  closeSync(log);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error("the background sampler could not be started (no pid)");
  writeFileSync(join(options.dir, PID_FILE), `${pid}\n`);
  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  while (Date.now() < deadline) {
    if (existsSync(samplesPath) && readFileSync(samplesPath, "utf8").includes('"t":"s"')) return pid;
    if (!isAlive(pid)) break;
    await sleep(25);
  }
  const logText = existsSync(join(options.dir, "sampler.log"))
    ? readFileSync(join(options.dir, "sampler.log"), "utf8").slice(-500)
    : "";
  throw new Error(`the background sampler did not start${logText ? `: ${logText.trim()}` : ""}`);
}

/** Append a phase boundary from another process (O_APPEND keeps small lines whole). */
export function markBackgroundPhase(dir: string, name: string, now = Date.now()): void {
  appendFileSync(join(dir, SAMPLES_FILE), formatLine({ t: "phase", ts: now, name }));
}

export function readSamplerPid(dir: string): number | null {
  try {
    const pid = Number(readFileSync(join(dir, PID_FILE), "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * SIGTERM the sampler (it takes a last sample, writes the end line and exits), SIGKILL after the bound.
 * Returns what happened, for the report's warnings.
 */
export async function stopBackgroundSampler(
  dir: string,
  timeoutMs = 5_000,
): Promise<"stopped" | "killed" | "not-running"> {
  const pid = readSamplerPid(dir);
  if (pid === null || !isAlive(pid)) return "not-running";
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return "stopped";
    await sleep(20);
  }
  process.kill(pid, "SIGKILL");
  return "killed";
}
