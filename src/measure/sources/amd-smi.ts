/**
 * AMD GPUs through ONE long-running `amd-smi metric --power --energy --usage --mem-usage --watch <s> --json`
 * child, behind the GPU reader interface (gpu-reader.ts): each iteration it prints is one tick of the sampler
 * (the tool is the clock), carrying every GPU's socket power, the accumulated energy counter where the GPU
 * has one, GFX activity and VRAM use.
 *
 * Output format, from AMD's amd-smi CLI source (ROCm/amdsmi, amdsmi_cli: amdsmi_commands.py `metric_gpu`,
 * amdsmi_logger.py `_print_json_output`, amdsmi_helpers.py `handle_watch` and `unit_format`): with --watch,
 * a first line "'CTRL' + 'C' to stop watching output:", then per iteration `json.dumps(list, indent=4)` of one
 * object per GPU, so each iteration ends with a line "]" alone:
 *   [{"timestamp": 1717000000, "gpu": 0,
 *     "usage": {"gfx_activity": {"value": 45, "unit": "%"}, …},
 *     "power": {"socket_power": {"value": 550, "unit": "W"}, …},
 *     "energy": {"total_energy_consumption": {"value": 123456.789, "unit": "J"}},
 *     "mem_usage": {"total_vram": {"value": 196592, "unit": "MB"}, "used_vram": {"value": 1024, "unit": "MB"}, …}}]
 * Any of them may be "N/A" (the library could not read it): energy "N/A" is a GPU without the counter, whose
 * energy then comes from its power readings. amd-smi's MB are MiB (bytes // (1024*1024) in the source).
 * Later amd-smi versions print the same list wrapped, `json.dumps({"cpu_data": …, "core_data": …, "gpu_data":
 * [...]}, indent=4)` (amdsmi_logger.py `combine_arrays_to_json`), so an iteration then ends with a line "}": both
 * are read.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { GpuReader, GpuReaderHello, GpuTickReading } from "../gpu-reader.js";
import { NVML_ERROR_NOT_SUPPORTED } from "./nvml.js";
import { lineSplitter } from "./lines.js";

/** The fields asked for (amd-smi metric --help: -p power, -E energy, -u usage, -m memory usage). */
export function amdSmiArgs(intervalMs: number): string[] {
  // --watch takes whole seconds: a shorter sampling interval is read once a second.
  const seconds = Math.max(1, Math.round(intervalMs / 1_000));
  return ["metric", "--power", "--energy", "--usage", "--mem-usage", "--watch", String(seconds), "--json"];
}

type Parsed = { ok: true; gpus: GpuTickReading[] } | { ok: false; reason: string };

/** A value as amd-smi's JSON prints it: {"value": n, "unit": u} or a bare number; null for "N/A" and others. */
function valueOf(field: unknown): number | null {
  const raw = typeof field === "object" && field !== null ? (field as { value?: unknown }).value : field;
  return typeof raw === "number" && Number.isFinite(raw) && raw >= 0 ? raw : null;
}

function member(object: unknown, key: string): unknown {
  return typeof object === "object" && object !== null ? (object as Record<string, unknown>)[key] : undefined;
}

/** One iteration of `amd-smi metric … --json` (the text of one JSON array). Pure. */
export function parseAmdSmiMetric(text: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: "not JSON" };
  }
  const list = Array.isArray(value) ? value : member(value, "gpu_data");
  if (!Array.isArray(list)) return { ok: false, reason: 'neither a list of GPUs nor {"gpu_data": [...]}' };
  const gpus: GpuTickReading[] = [];
  for (const entry of list) {
    const index = member(entry, "gpu");
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0)
      return { ok: false, reason: `a GPU without a valid "gpu" id (${JSON.stringify(index)})` };
    const energyJ = valueOf(member(member(entry, "energy"), "total_energy_consumption"));
    const util = valueOf(member(member(entry, "usage"), "gfx_activity"));
    gpus.push({
      row: {
        index,
        uuid: null,
        name: "AMD GPU",
        powerW: valueOf(member(member(entry, "power"), "socket_power")),
        powerLimitW: null,
        utilization: util === null || util > 100 ? null : util / 100,
        memoryUsedMiB: valueOf(member(member(entry, "mem_usage"), "used_vram")),
        memoryTotalMiB: valueOf(member(member(entry, "mem_usage"), "total_vram")),
        powerField: "socket_power",
      },
      counter:
        energyJ === null
          ? { rawMj: null, code: NVML_ERROR_NOT_SUPPORTED, why: "amd-smi reports no energy counter (N/A)" }
          : { rawMj: energyJ * 1_000, code: 0 },
    });
  }
  return { ok: true, gpus };
}

export interface AmdSmiReaderOptions {
  /** path or name of amd-smi; default "amd-smi" */
  binary?: string;
  env?: NodeJS.ProcessEnv;
  intervalMs: number;
  /** no first iteration within this → unavailable; default 20 s (the CLI initialises the library first) */
  readyTimeoutMs?: number;
}

const MAX_BLOCK_CHARS = 1_000_000;
const MAX_STDERR_CHARS = 2_000;
const KILL_GRACE_MS = 2_000;

export function amdSmiGpuReader(opts: AmdSmiReaderOptions): GpuReader {
  const binary = opts.binary ?? "amd-smi";
  let settle!: (hello: GpuReaderHello) => void;
  let settled = false;
  const ready = new Promise<GpuReaderHello>((resolve) => {
    settle = (hello) => {
      if (settled) return;
      settled = true;
      resolve(hello);
    };
  });
  let exitReason: string | null = null;
  let onRead: ((read: GpuTickReading[] | null) => void) | null = null;
  let block: string[] | null = null;
  let blockChars = 0;
  let stderr = "";
  let badBlocks = 0;
  const proc: ChildProcess = spawn(binary, amdSmiArgs(opts.intervalMs), {
    stdio: ["ignore", "pipe", "pipe"],
    env: opts.env ?? process.env,
  });
  const closed = new Promise<void>((resolve) => proc.once("close", () => resolve()));
  const readyTimer = setTimeout(() => {
    settle({ ok: false, reason: `amd-smi printed no reading within ${opts.readyTimeoutMs ?? 20_000} ms` });
    proc.kill("SIGKILL");
  }, opts.readyTimeoutMs ?? 20_000);
  readyTimer.unref();

  const handleLine = (line: string) => {
    const text = line.replace(/\r$/, "");
    if (block === null) {
      // An iteration starts at column 0 with its list, or the object that wraps it (later versions).
      if (text.startsWith("[") || text.startsWith("{")) {
        block = [text];
        blockChars = text.length;
        const trimmed = text.trimEnd();
        if (
          (text.startsWith("[") && trimmed.endsWith("]")) ||
          (text.startsWith("{") && trimmed.endsWith("}"))
        )
          finishBlock();
      }
      return;
    }
    block.push(text);
    blockChars += text.length;
    if (blockChars > MAX_BLOCK_CHARS) block = null;
    else if (text === "]" || text === "}") finishBlock();
  };
  const finishBlock = () => {
    const parsed = parseAmdSmiMetric(block!.join("\n"));
    block = null;
    if (!parsed.ok) {
      badBlocks += 1;
      if (!settled && badBlocks >= 3)
        settle({ ok: false, reason: `amd-smi output not understood (${parsed.reason})` });
      return;
    }
    clearTimeout(readyTimer);
    settle({ ok: true });
    onRead?.(parsed.gpus);
  };

  proc.stdout?.setEncoding("utf8");
  proc.stderr?.setEncoding("utf8");
  const stdoutLines = lineSplitter(handleLine);
  proc.stdout?.on("data", (chunk: string) => stdoutLines.push(chunk));
  proc.stderr?.on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-MAX_STDERR_CHARS)));
  let spawnError: NodeJS.ErrnoException | null = null;
  proc.once("error", (error: NodeJS.ErrnoException) => (spawnError = error));
  proc.once("close", (code, signal) => {
    clearTimeout(readyTimer);
    const detail = stderr.trim().split("\n").slice(-2).join(" | ").slice(0, 300);
    exitReason = spawnError
      ? `${binary} could not be started (${spawnError.message})`
      : `amd-smi exited (${signal ?? `code ${code}`})${detail ? `: ${detail}` : ""}`;
    settle({ ok: false, reason: exitReason });
    const subscriber = onRead;
    onRead = null;
    subscriber?.(null);
  });

  return {
    kind: "amd-smi",
    readsOnDemand: false,
    ready,
    get exitReason() {
      return exitReason;
    },
    // The tool prints at its own period: nothing fresh can be asked for at once (the last reading is held).
    read: () => Promise.resolve(null),
    subscribe(_delayMs, _periodMs, handler) {
      if (exitReason !== null) handler(null);
      else onRead = handler;
    },
    async stop() {
      onRead = null;
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), KILL_GRACE_MS);
      timer.unref();
      await closed;
      clearTimeout(timer);
    },
  };
}
