/**
 * Background mode: a detached sampler process that outlives the step that started it. State lives in one
 * directory (under RUNNER_TEMP in the action): the samples file and a pid file.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import {
  appendFileSync,
  existsSync,
  openSync,
  closeSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { formatLine } from "./samples-line.js";

export const SAMPLES_FILE = "samples.ndjson";
export const PID_FILE = "sampler.pid";
/** The sampler's start time (proc(5) stat field 22, clock ticks since boot), next to its pid. */
export const START_FILE = "sampler.start";
/**
 * A random token that the sampler carries on its command line (`--token`), next to its pid: where /proc is
 * absent (macOS, Windows) the process's command line, read with ps or CIM, must hold it.
 */
export const TOKEN_FILE = "sampler.token";
/**
 * A stop request every platform understands: the sampler looks for this file on each tick, then takes its last
 * sample, writes the end line and exits. Windows has no SIGTERM (process.kill there terminates at once, and the
 * last interval would be lost); elsewhere SIGTERM is sent too, for an immediate stop.
 */
export const STOP_FILE = "sampler.stop";
/** The slim bundle entry that runs only the sampler (scripts/build.mjs). */
const SAMPLER_ENTRY = "sampler.js";
/**
 * Node options of the detached sampler. V8's memory reducer runs full GCs a few seconds after start-up to shrink
 * the heap, worth nothing in a process whose heap stays a few MB: it cost 15 ms of CPU in seconds 5–15 after
 * spawn (8 samplers side by side, 2026-12-06, bench/sampler-overhead.ts method), the same steady state after.
 */
export const SAMPLER_NODE_FLAGS = ["--no-memory-reducer"];

export interface BackgroundStart {
  dir: string;
  intervalMs: number;
  phase: string;
  /**
   * path of the bundled CLI (dist/cli.js); the slim sampler entry beside it (dist/sampler.js, see samplerEntry)
   * runs `sampler run`, the CLI itself where there is none
   */
  cliPath: string;
  env?: NodeJS.ProcessEnv;
  /** the gpus input/flag (validated), passed to the sampler; null/undefined → from its environment */
  gpus?: string | null;
  /** bounded wait for the sampler's first line (default 20 s: node start-up plus at most 5 s for the first GPU block) */
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

/** The slim sampler entry: dist/sampler.js beside the CLI (or one level up from a chunk); the CLI where absent. */
function samplerEntry(cliPath: string): string {
  for (const candidate of [
    join(dirname(cliPath), SAMPLER_ENTRY),
    join(dirname(cliPath), "..", SAMPLER_ENTRY),
  ])
    if (existsSync(candidate)) return candidate;
  return cliPath;
}

/** Spawn the detached sampler and wait until it has written its first line. Returns its pid. */
export async function startBackgroundSampler(options: BackgroundStart): Promise<number> {
  const samplesPath = join(options.dir, SAMPLES_FILE);
  const token = randomUUID();
  // A stop request left in a reused state directory must not stop the new sampler at its first tick.
  rmSync(join(options.dir, STOP_FILE), { force: true });
  const log = openSync(join(options.dir, "sampler.log"), "a");
  const child = spawn(
    process.execPath,
    [
      ...SAMPLER_NODE_FLAGS,
      samplerEntry(options.cliPath),
      "sampler",
      "run",
      "--dir",
      resolve(options.dir), // absolute, so that samplerProcess can recognise it from any working directory
      "--interval",
      `${options.intervalMs}ms`,
      "--phase",
      options.phase,
      ...(options.gpus ? ["--gpus", options.gpus] : []),
      "--token",
      token,
    ],
    { detached: true, stdio: ["ignore", log, log], env: options.env ?? process.env },
  );
  closeSync(log);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error("the background sampler could not be started (no pid)");
  writeFileSync(join(options.dir, PID_FILE), `${pid}\n`);
  writeFileSync(join(options.dir, START_FILE), `${processStartTime(pid) ?? ""}\n`);
  writeFileSync(join(options.dir, TOKEN_FILE), `${token}\n`);
  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
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

function readSamplerPid(dir: string): number | null {
  try {
    const pid = Number(readFileSync(join(dir, PID_FILE), "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Start time of a process in clock ticks since boot (proc(5) stat field 22); null where unreadable. */
function processStartTime(pid: number, procRoot = "/proc"): string | null {
  try {
    const stat = readFileSync(join(procRoot, String(pid), "stat"), "utf8");
    // Fields after the command name, which is in parentheses and may itself hold spaces or ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null; // field 22 overall: field 3 (state) is fields[0]
  } catch {
    return null;
  }
}

function procCommandLine(pid: number, procRoot: string): string[] | null {
  try {
    return readFileSync(join(procRoot, String(pid), "cmdline"), "utf8").split("\0");
  } catch {
    return null;
  }
}

/**
 * A process's command line without /proc: `ps -o args=` (POSIX; macOS, the BSDs), or CIM's CommandLine on
 * Windows. Null where it cannot be read; a caller then does not trust the pid.
 */
export function commandLineWithoutProc(
  pid: number,
  platform: NodeJS.Platform = process.platform,
): string | null {
  const run =
    platform === "win32"
      ? spawnSync(
          "powershell.exe",
          [
            "-NoProfile",
            "-NonInteractive",
            "-Command",
            `(Get-CimInstance Win32_Process -Filter "ProcessId=${pid}").CommandLine`,
          ],
          { encoding: "utf8", timeout: 10_000, windowsHide: true },
        )
      : spawnSync("ps", ["-ww", "-p", String(pid), "-o", "args="], { encoding: "utf8", timeout: 10_000 });
  if (run.error || run.status !== 0) return null;
  const text = run.stdout.trim();
  return text === "" ? null : text;
}

export interface ProcessView {
  /** default /proc; where it does not exist, `commandLine` decides */
  procRoot?: string;
  /** a process's command line where /proc is absent (tests inject one); default commandLineWithoutProc */
  commandLine?: (pid: number) => string | null;
}

function readToken(dir: string): string {
  try {
    return readFileSync(join(dir, TOKEN_FILE), "utf8").trim();
  } catch {
    return "";
  }
}

/**
 * The pid of this directory's sampler when it is alive, or null. A pid file can outlive its process (a
 * reused state directory, a runner that recycles pids), and the pid then names someone else's process: it
 * is trusted only when the process was started at the recorded time and runs `sampler run --dir <dir>`
 * with this directory's token (proc(5) stat and cmdline). A process we may not signal (EPERM: another
 * user's) is never ours. Where /proc is absent (macOS, Windows) the command line read with ps (or CIM) must
 * hold the token the sampler was started with; a pid whose command line cannot be read is not trusted.
 */
export function samplerProcess(dir: string, view: ProcessView = {}): number | null {
  const { procRoot = "/proc", commandLine = commandLineWithoutProc } = view;
  const pid = readSamplerPid(dir);
  if (pid === null || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
  } catch {
    return null; // ESRCH: gone; EPERM: another user's process, not our sampler
  }
  const token = readToken(dir);
  if (!existsSync(procRoot)) {
    // No /proc: the token on the command line is the proof (a sampler of an older layout has none: not trusted)
    const line = token === "" ? null : commandLine(pid);
    return line !== null && line.includes(`--token ${token}`) ? pid : null;
  }
  if (isZombie(pid)) return null;
  let recorded = "";
  try {
    recorded = readFileSync(join(dir, START_FILE), "utf8").trim();
  } catch {
    // a pid file without a start file: an older layout or a crash between the two writes; cmdline decides
  }
  const started = processStartTime(pid, procRoot);
  if (recorded !== "" && started !== recorded) return null;
  const argv = procCommandLine(pid, procRoot);
  if (argv === null) return null;
  if (token !== "" && argv[argv.indexOf("--token") + 1] !== token) return null;
  const at = argv.indexOf("sampler");
  const dirAt = argv.indexOf("--dir");
  const argDir = dirAt >= 0 ? argv[dirAt + 1] : undefined;
  return at >= 0 && argv[at + 1] === "run" && argDir !== undefined && resolve(argDir) === resolve(dir)
    ? pid
    : null;
}

function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false; // exited meanwhile (ESRCH), or not ours to signal (EPERM)
  }
}

/**
 * SIGTERM the sampler (it takes a last sample, writes the end line and exits), SIGKILL after the bound.
 * Only a verified sampler of this directory is signalled (samplerProcess). Returns what happened, for the
 * report's warnings.
 */
export async function stopBackgroundSampler(
  dir: string,
  timeoutMs = 5_000,
  view: ProcessView = {},
  platform: NodeJS.Platform = process.platform,
): Promise<"stopped" | "killed" | "not-running"> {
  const pid = samplerProcess(dir, view);
  if (pid === null) return "not-running";
  writeFileSync(join(dir, STOP_FILE), `${Date.now()}\n`);
  if (platform !== "win32" && !signal(pid, "SIGTERM")) return "not-running";
  // The stop file is seen at the sampler's next tick: give it two intervals before the hard stop.
  const bound = platform === "win32" ? Math.max(timeoutMs, 2 * samplesIntervalMs(dir) + 2_000) : timeoutMs;
  const deadline = Date.now() + bound;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return "stopped";
    await sleep(20);
  }
  signal(pid, "SIGKILL");
  return "killed";
}

/** The sampling interval from the samples file's meta line (default 1 s). */
function samplesIntervalMs(dir: string): number {
  try {
    const first = readFileSync(join(dir, SAMPLES_FILE), "utf8").split("\n", 1)[0] ?? "";
    const interval = (JSON.parse(first) as { intervalMs?: unknown }).intervalMs;
    return typeof interval === "number" && interval > 0 && interval <= 60_000 ? interval : 1_000;
  } catch {
    return 1_000;
  }
}
