/**
 * The GPU reader interface: one long-running child per job that the sampler asks once per tick and that answers
 * with everything it needs per GPU (power, utilisation, memory and, where the GPU has one, the cumulative energy
 * counter). Between ticks nothing runs: no timer, no stream to parse, no second process reading the same GPUs.
 *
 * Readers: NVML through the python3 helper (sources/nvml.ts) on NVIDIA; amd-smi on AMD (sources/amd-smi.ts).
 * Where no reader can be loaded, the sampler falls back to the long-running nvidia-smi stream.
 */
import type { NvidiaSmiRow } from "./sources/nvidia-smi-parse.js";
import {
  startNvmlReader,
  NVML_ERROR_NOT_SUPPORTED,
  type NvmlDevice,
  type NvmlRead,
  type NvmlReaderOptions,
} from "./sources/nvml.js";

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

  function rows(read: NvmlRead | null): GpuTickReading[] | null {
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
}
