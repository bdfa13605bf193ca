/**
 * The NVIDIA GPU reader: power (the averaged field where the GPU has it), utilisation, memory and NVML's
 * cumulative energy counter (nvmlDeviceGetTotalEnergyConsumption, mJ since the driver was loaded, Volta and
 * newer), all in one answer per tick, through ONE long-running stdlib-only python3 helper (nvml_reader.py, shipped next to the
 * bundle in dist/). No compiler, no download and no native Node module on the runner: python3's ctypes
 * loads libnvidia-ml.so.1 by its soname, the way the dynamic loader finds it (LD_LIBRARY_PATH works).
 * Alternatives weighed in docs/methodology.md (GPU energy: the counter path).
 *
 * Lifecycle: `ready` resolves to the NVML device UUIDs, or to a reason the counter is unavailable (no
 * python3, no library, nvmlInit failed, no answer within `readyTimeoutMs`): never an error, the caller
 * falls back to the nvidia-smi power stream. `read()` asks for one reading of every device and resolves to
 * it, or to null when no answer came within the bound or the helper is gone.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { lineSplitter } from "./lines.js";

/** NVML_ERROR_NOT_SUPPORTED (nvml.h, nvmlReturn_t): the device has no energy counter (before Volta). */
export const NVML_ERROR_NOT_SUPPORTED = 3;
/** NVML_ERROR_GPU_IS_LOST (nvml.h, nvmlReturn_t): the device fell off the bus. */
export const NVML_ERROR_GPU_IS_LOST = 15;

export const NVML_HELPER_FILE = "nvml_reader.py";

/** Static facts of one NVML device (null fields: NVML could not read them). */
export interface NvmlDevice {
  name: string | null;
  limitW: number | null;
  memTotalMiB: number | null;
  /** power.draw.average where NVML_FI_DEV_POWER_AVERAGE answers, else power.draw (nvidia-smi's names) */
  powerField: "power.draw.average" | "power.draw";
}

export type NvmlHello =
  { ok: true; uuids: (string | null)[]; devices?: (NvmlDevice | null)[] } | { ok: false; reason: string };

export interface NvmlPower {
  /** W per device; null where NVML could not read it */
  w: (number | null)[];
  /** utilization.gpu as a fraction 0..1 */
  u: (number | null)[];
  memUsedMiB: (number | null)[];
  /** true where w came from the averaged field */
  averaged: boolean[];
}

export interface NvmlRead {
  /** mJ per NVML device (hello order); null where err is not 0 */
  e: (number | null)[];
  /** nvmlReturn_t per device */
  err: number[];
  /** present when the read asked for power */
  power?: NvmlPower;
}

export interface NvmlReaderOptions {
  /** python interpreter; default "python3" (looked up on PATH) */
  python?: string;
  /** the helper script; default the shipped nvml_reader.py (see defaultNvmlHelperPath) */
  helperPath?: string;
  /** environment of the child (PATH and LD_LIBRARY_PATH matter); default process.env */
  env?: NodeJS.ProcessEnv;
  /** no hello within this → unavailable; default 15 s (nvmlInit without persistence mode takes seconds) */
  readyTimeoutMs?: number;
}

export interface NvmlReader {
  readonly ready: Promise<NvmlHello>;
  /**
   * One reading of every device (the counter; with `withPower`, power, utilisation and memory too), taken
   * `delayMs` from now (default at once); null on timeout (`timeoutMs` after it falls due), when the helper is
   * not running, or when a newer read replaced this delayed one before it fell due.
   */
  read(timeoutMs: number, withPower?: boolean, delayMs?: number): Promise<NvmlRead | null>;
  /**
   * Readings of every device with power, `delayMs` from now and then every `periodMs`, each passed to `onRead`,
   * until a read() or another subscribe() replaces it; `onRead(null)` once if the helper exits meanwhile.
   */
  subscribe(delayMs: number, periodMs: number, onRead: (read: NvmlRead | null) => void): void;
  /** why the helper stopped answering, once it has; null while it runs */
  readonly exitReason: string | null;
  stop(): Promise<void>;
}

const MAX_LINE_CHARS = 65_536;
const MAX_STDERR_CHARS = 2_000;
const KILL_GRACE_MS = 2_000;

/**
 * The helper next to this code: beside the module when run from source (src/measure/sources/), beside the
 * bundle's entry (dist/) or one level up from a chunk (dist/chunks/). null when none exists.
 */
export function defaultNvmlHelperPath(moduleUrl: string = import.meta.url): string | null {
  for (const candidate of [`./${NVML_HELPER_FILE}`, `../${NVML_HELPER_FILE}`]) {
    const path = fileURLToPath(new URL(candidate, moduleUrl));
    if (existsSync(path)) return path;
  }
  return null;
}

export function startNvmlReader(opts: NvmlReaderOptions = {}): NvmlReader {
  const python = opts.python ?? "python3";
  const helperPath = opts.helperPath ?? defaultNvmlHelperPath();
  let resolveReady!: (hello: NvmlHello) => void;
  let settled = false;
  const ready = new Promise<NvmlHello>((resolve) => (resolveReady = resolve));
  const settle = (hello: NvmlHello) => {
    if (settled) return;
    settled = true;
    resolveReady(hello);
  };
  let exitReason: string | null = null;
  let child: ChildProcess | null = null;
  let closed: Promise<void> = Promise.resolve();
  let seq = 0;
  const waiting = new Map<string, (read: NvmlRead | null) => void>();
  /** the delayed read the helper is holding, if any: a newer read replaces it there, so it is answered null here */
  let delayedKey: string | null = null;
  /** the standing periodic request, if any (its key and its handler) */
  let subscription: { key: string; onRead: (read: NvmlRead | null) => void } | null = null;
  /** a newer request replaces the held one in the helper: answer it null here */
  const replaceHeld = () => {
    if (delayedKey !== null) {
      waiting.get(delayedKey)?.(null);
      waiting.delete(delayedKey);
      delayedKey = null;
    }
    subscription = null;
  };
  const failAll = () => {
    for (const resolve of waiting.values()) resolve(null);
    waiting.clear();
    const held = subscription;
    subscription = null;
    held?.onRead(null);
  };

  if (helperPath === null) {
    exitReason = `${NVML_HELPER_FILE} not found next to the bundle`;
    settle({ ok: false, reason: exitReason });
  } else {
    // -I: isolated (no PYTHON* variables, no user site-packages); -u: unbuffered, one line per answer.
    // -S: no site module (stdlib only; about 20 ms less start-up CPU).
    const proc = spawn(python, ["-I", "-S", "-u", helperPath], {
      stdio: ["pipe", "pipe", "pipe"],
      env: opts.env ?? process.env,
    });
    child = proc;
    closed = new Promise((resolve) => proc.once("close", () => resolve()));
    let stderr = "";
    let spawnError: NodeJS.ErrnoException | null = null;
    const readyTimer = setTimeout(() => {
      settle({
        ok: false,
        reason: `the NVML helper did not answer within ${opts.readyTimeoutMs ?? 15_000} ms`,
      });
      proc.kill("SIGKILL");
    }, opts.readyTimeoutMs ?? 15_000);
    readyTimer.unref();
    proc.stdin?.on("error", () => {}); // EPIPE when the helper has exited: the close handler reports it
    proc.stdout?.setEncoding("utf8");
    proc.stderr?.setEncoding("utf8");
    proc.stderr?.on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-MAX_STDERR_CHARS)));
    const stdoutLines = lineSplitter((line) => handleLine(line), MAX_LINE_CHARS, "drop");
    proc.stdout?.on("data", (chunk: string) => stdoutLines.push(chunk));
    proc.once("error", (error: NodeJS.ErrnoException) => (spawnError = error));
    proc.once("close", (code, signal) => {
      clearTimeout(readyTimer);
      if (child === proc) child = null;
      const detail = stderr.trim().split("\n").slice(-2).join(" | ").slice(0, 300);
      exitReason = spawnError
        ? spawnError.code === "ENOENT"
          ? `${python} not found`
          : `${python} could not be started (${spawnError.message})`
        : `the NVML helper exited (${signal ?? `code ${code}`})${detail ? `: ${detail}` : ""}`;
      settle({ ok: false, reason: exitReason });
      failAll();
    });

    const handleLine = (line: string) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        return; // not ours (a library printing to stdout): ignored
      }
      const hello = parseHello(value);
      if (hello) {
        clearTimeout(readyTimer);
        settle(hello);
        return;
      }
      const reply = parseReply(value);
      if (!reply) return;
      if (subscription?.key === reply.seq) {
        subscription.onRead(reply.read);
        return;
      }
      const resolve = waiting.get(reply.seq);
      if (resolve) {
        waiting.delete(reply.seq);
        resolve(reply.read);
      }
    };
  }

  return {
    ready,
    get exitReason() {
      return exitReason;
    },
    read(timeoutMs, withPower = false, delayMs = 0) {
      const proc = child;
      if (!proc?.stdin?.writable || exitReason !== null) return Promise.resolve(null);
      replaceHeld();
      seq += 1;
      const key = String(seq);
      const delay = Math.max(0, Math.round(delayMs));
      delayedKey = delay > 0 ? key : null;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          // A late answer to this request is ignored (its seq is no longer waited for).
          waiting.delete(key);
          if (delayedKey === key) delayedKey = null;
          resolve(null);
        }, timeoutMs + delay);
        waiting.set(key, (read) => {
          clearTimeout(timer);
          if (delayedKey === key) delayedKey = null;
          resolve(read);
        });
        const what = withPower ? " p" : delay > 0 ? " e" : "";
        proc.stdin!.write(`${key}${what}${delay > 0 ? ` ${delay}` : ""}\n`);
      });
    },
    subscribe(delayMs, periodMs, onRead) {
      const proc = child;
      if (!proc?.stdin?.writable || exitReason !== null) {
        onRead(null);
        return;
      }
      replaceHeld();
      seq += 1;
      const key = String(seq);
      subscription = { key, onRead };
      const delay = Math.max(0, Math.round(delayMs));
      proc.stdin.write(`${key} p ${delay} ${Math.max(1, Math.round(periodMs))}\n`);
    },
    async stop() {
      const proc = child;
      if (!proc) return;
      // End of stdin: the helper calls nvmlShutdown and exits; a hung one is killed.
      proc.stdin?.end();
      const timer = setTimeout(() => proc.kill("SIGKILL"), KILL_GRACE_MS);
      timer.unref();
      await closed;
      clearTimeout(timer);
    },
  };
}

function parseHello(value: unknown): NvmlHello | null {
  if (typeof value !== "object" || value === null || !("ok" in value)) return null;
  const v = value as { ok: unknown; uuids?: unknown; error?: unknown };
  if (v.ok === false) return { ok: false, reason: String(v.error ?? "NVML unavailable").slice(0, 500) };
  if (v.ok !== true || !Array.isArray(v.uuids)) return null;
  const uuids = v.uuids.map((u) => (typeof u === "string" ? u : null));
  const gpus = (value as { gpus?: unknown }).gpus;
  if (!Array.isArray(gpus) || gpus.length !== uuids.length) return { ok: true, uuids };
  return { ok: true, uuids, devices: gpus.map(parseDevice) };
}

const num = (x: unknown): number | null => (typeof x === "number" && Number.isFinite(x) && x >= 0 ? x : null);

function parseDevice(value: unknown): NvmlDevice | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  return {
    name: typeof v.name === "string" ? v.name.slice(0, 200) : null,
    limitW: num(v.limitW),
    memTotalMiB: num(v.memTotalMiB),
    powerField: v.powerField === "power.draw.average" ? "power.draw.average" : "power.draw",
  };
}

/** utilization.gpu from NVML (%) as the fraction the sampler writes; above 100 % it is not a utilisation: null. */
export function utilizationFraction(percent: number | null): number | null {
  return percent === null || percent > 100 ? null : percent / 100;
}

function parsePower(v: Record<string, unknown>, count: number): NvmlPower | undefined {
  const { w, u, mem, f } = v;
  if (![w, u, mem, f].every((a) => Array.isArray(a) && a.length === count)) return undefined;
  return {
    w: (w as unknown[]).map(num),
    u: (u as unknown[]).map((x) => utilizationFraction(num(x))),
    memUsedMiB: (mem as unknown[]).map(num),
    averaged: (f as unknown[]).map((x) => x === 1),
  };
}

function parseReply(value: unknown): { seq: string; read: NvmlRead } | null {
  if (typeof value !== "object" || value === null || !("seq" in value)) return null;
  const v = value as { seq: unknown; e: unknown; err: unknown };
  if (typeof v.seq !== "string" || !Array.isArray(v.e) || !Array.isArray(v.err)) return null;
  const power = parsePower(value as Record<string, unknown>, v.e.length);
  return {
    seq: v.seq,
    read: {
      e: v.e.map(num),
      err: v.err.map((x) => (typeof x === "number" ? x : -1)),
      ...(power ? { power } : {}),
    },
  };
}
