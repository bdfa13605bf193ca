/**
 * The GPU reader interface: one long-running child per job that the sampler asks once per tick and that answers
 * with everything it needs per GPU (power, utilisation, memory and, where the GPU has one, the cumulative energy
 * counter). Between ticks nothing runs: no timer, no stream to parse, no second process reading the same GPUs.
 *
 * Readers: NVML inside the sampler process (sources/nvml-ffi.ts, the detached sampler's default: no child at all,
 * read synchronously at the sampler's own tick), NVML through the python3 helper (sources/nvml.ts) elsewhere or
 * where the in-process reader cannot be loaded; amd-smi on AMD (sources/amd-smi.ts). Where no reader can be
 * loaded, the sampler falls back to the long-running nvidia-smi stream.
 */
import type { NvidiaSmiRow } from "./sources/nvidia-smi-parse.js";
import {
  startNvmlReader,
  NVML_ERROR_NOT_SUPPORTED,
  type NvmlDevice,
  type NvmlRead,
  type NvmlReaderOptions,
} from "./sources/nvml.js";
import { openNvmlInProcess, type Koffi, type NvmlInProcess } from "./sources/nvml-ffi.js";

/** Which tool read a GPU; the report's method names follow it. */
export type GpuReaderKind = "nvml" | "amd-smi";

/** One GPU at one tick: its row (the nvidia-smi row shape, the sampler's common currency) and its counter. */
export interface GpuTickReading {
  row: NvidiaSmiRow;
  /**
   * The cumulative energy counter in mJ (raw, since the driver's own zero) and its status code in NVML's terms
   * (0 read; NVML_ERROR_NOT_SUPPORTED no counter on this GPU; others: the read failed); absent where this reader
   * has no counter for any GPU.
   */
  counter?: { rawMj: number | null; code: number; why?: string };
}

export type GpuReaderHello = { ok: true } | { ok: false; reason: string };

export interface GpuReader {
  readonly kind: GpuReaderKind;
  /**
   * true: read() takes a reading now (NVML); false: the tool prints at its own period and only subscribe()
   * answers (amd-smi's watch), so a tick between its answers carries no GPU reading.
   */
  readonly readsOnDemand: boolean;
  /** ok once the reader answers with its GPUs; otherwise why not (never an error: the caller falls back) */
  readonly ready: Promise<GpuReaderHello>;
  /**
   * One reading of every GPU, taken `delayMs` from now (default at once: the reader then is the tick's clock,
   * and its answer the sampler's one wake-up); null on timeout, when the reader is gone (see exitReason) or when
   * a newer read replaced this delayed one.
   */
  read(timeoutMs: number, delayMs?: number): Promise<GpuTickReading[] | null>;
  /**
   * Readings of every GPU `delayMs` from now and then every `periodMs`, each passed to `onRead` (null: the
   * reader is gone), until read() or another subscribe() replaces it. The reader is then the sampler's clock:
   * each answer is a tick, and nothing is written to ask for it.
   */
  subscribe(delayMs: number, periodMs: number, onRead: (read: GpuTickReading[] | null) => void): void;
  /** why the reader stopped answering, once it has; null while it runs */
  readonly exitReason: string | null;
  /**
   * An in-process reader's reading of every GPU, now (null before it is ready). Where present, the sampler's own
   * timer is the clock and each tick reads here: read() and subscribe() are not used.
   */
  readSync?(): GpuTickReading[] | null;
  stop(): Promise<void>;
}

/** The NVML helper behind the reader interface: one request per tick for power, utilisation, memory and counter. */
export function nvmlGpuReader(opts: NvmlReaderOptions): GpuReader {
  const nvml = startNvmlReader(opts);
  let uuids: (string | null)[] = [];
  let devices: (NvmlDevice | null)[] = [];
  const ready = nvml.ready.then((hello): GpuReaderHello => {
    if (!hello.ok) return hello;
    if (!hello.devices)
      return { ok: false, reason: "the NVML helper answered without device facts (an older helper)" };
    uuids = hello.uuids;
    devices = hello.devices;
    return { ok: true };
  });
  const rows = (read: NvmlRead | null) => nvmlRows(read, uuids, devices);
  return {
    kind: "nvml",
    readsOnDemand: true,
    ready,
    get exitReason() {
      return nvml.exitReason;
    },
    stop: () => nvml.stop(),
    async read(timeoutMs, delayMs = 0) {
      return rows(await nvml.read(timeoutMs, true, delayMs));
    },
    subscribe(delayMs, periodMs, onRead) {
      nvml.subscribe(delayMs, periodMs, (read) => onRead(rows(read)));
    },
  };
}

/**
 * NVML read inside this process (Koffi loaded by the caller): no child, no pipe; each tick reads synchronously
 * (readSync). Opening NVML runs its slow calls on Koffi's worker threads (openNvmlInProcess), so a caller that
 * does not wait (background mode) samples on while nvmlInit_v2 takes its seconds.
 */
export function nvmlInProcessGpuReader(koffi: Koffi, library?: string, openTimeoutMs?: number): GpuReader {
  let nvml: NvmlInProcess | null = null;
  let stopped = false;
  const ready = openNvmlInProcess(koffi, library, openTimeoutMs).then((opened): GpuReaderHello => {
    if (!opened.ok) return { ok: false, reason: opened.reason };
    if (stopped) {
      opened.nvml.close();
      return { ok: false, reason: "stopped before NVML was opened" };
    }
    nvml = opened.nvml;
    return { ok: true };
  });
  const readSync = () => (nvml ? nvmlRows(nvml.read(), nvml.uuids, nvml.devices) : null);
  return {
    kind: "nvml",
    readsOnDemand: true,
    ready,
    exitReason: null,
    readSync,
    read: () => Promise.resolve(readSync()),
    subscribe() {
      throw new Error("the in-process NVML reader is read at the sampler's tick (readSync), not subscribed");
    },
    stop() {
      stopped = true;
      nvml?.close();
      return Promise.resolve();
    },
  };
}

/** One NVML reading (helper reply or in-process) as the sampler's rows; null where it carries no power. */
function nvmlRows(
  read: NvmlRead | null,
  uuids: (string | null)[],
  devices: (NvmlDevice | null)[],
): GpuTickReading[] | null {
  if (read === null || !read.power) return null;
  const power = read.power;
  const out: GpuTickReading[] = [];
  for (const [index, device] of devices.entries()) {
    if (device === null) continue;
    const averaged = power.averaged[index] ?? false;
    out.push({
      row: {
        index,
        uuid: uuids[index] ?? null,
        name: device.name ?? "unknown GPU",
        powerW: power.w[index] ?? null,
        powerLimitW: device.limitW,
        utilization: power.u[index] ?? null,
        memoryUsedMiB: power.memUsedMiB[index] ?? null,
        memoryTotalMiB: device.memTotalMiB,
        powerField: averaged || power.w[index] == null ? device.powerField : "power.draw",
      },
      counter: {
        rawMj: read.e[index] ?? null,
        code: read.err[index] ?? NVML_ERROR_NOT_SUPPORTED,
      },
    });
  }
  return out;
}
