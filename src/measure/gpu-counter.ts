/**
 * Per-GPU state of NVML's energy counter between readings (pure). The samples file carries the counter as
 * `e`: mJ counted from this run's first reading, so values stay small and a JSON number holds them exactly.
 *
 * - First reading NVML_ERROR_NOT_SUPPORTED (or any error before it ever worked): no counter for this GPU;
 *   its energy comes from the nvidia-smi power stream ("unsupported").
 * - The counter goes backwards: the driver was reloaded or the counter reset (a 64-bit mJ counter does not
 *   wrap in practice: 2^64 mJ is 585 million years at 1 kW). That reading is written as null and `e` counts
 *   afresh from it, so the integrator takes the two intervals around it from sampled power ("reset").
 * - An error after it worked (a GPU fallen off the bus, NVML_ERROR_GPU_IS_LOST): the counter is dropped for
 *   the rest of the run ("failed"); the stream carries the GPU from there.
 */
import { NVML_ERROR_NOT_SUPPORTED } from "./sources/nvml.js";

export interface CounterTrack {
  /** raw counter (mJ since driver load) that `e` counts from */
  baseMj: number;
  lastRawMj: number;
}

export type CounterStep =
  | { kind: "value"; track: CounterTrack; eMj: number }
  | { kind: "reset"; track: CounterTrack; eMj: null; fromMj: number; toMj: number }
  | { kind: "unsupported"; code: number }
  | { kind: "failed"; code: number };

/** One reading (raw mJ, or null with the NVML return code) applied to the GPU's track (undefined: first). */
export function stepCounter(
  track: CounterTrack | undefined,
  rawMj: number | null,
  code: number,
): CounterStep {
  if (rawMj === null || code !== 0) {
    return track === undefined
      ? { kind: "unsupported", code: code === 0 ? NVML_ERROR_NOT_SUPPORTED : code }
      : { kind: "failed", code };
  }
  if (track === undefined) return { kind: "value", track: { baseMj: rawMj, lastRawMj: rawMj }, eMj: 0 };
  if (rawMj < track.lastRawMj) {
    return {
      kind: "reset",
      track: { baseMj: rawMj, lastRawMj: rawMj },
      eMj: null,
      fromMj: track.lastRawMj,
      toMj: rawMj,
    };
  }
  return { kind: "value", track: { baseMj: track.baseMj, lastRawMj: rawMj }, eMj: rawMj - track.baseMj };
}

/** nvmlReturn_t codes worth naming in a message (nvml.h). */
export function nvmlCodeName(code: number): string {
  const names: Record<number, string> = {
    1: "NVML_ERROR_UNINITIALIZED",
    2: "NVML_ERROR_INVALID_ARGUMENT",
    3: "NVML_ERROR_NOT_SUPPORTED",
    4: "NVML_ERROR_NO_PERMISSION",
    6: "NVML_ERROR_NOT_FOUND",
    9: "NVML_ERROR_DRIVER_NOT_LOADED",
    13: "NVML_ERROR_FUNCTION_NOT_FOUND",
    15: "NVML_ERROR_GPU_IS_LOST",
    999: "NVML_ERROR_UNKNOWN",
  };
  return names[code] ?? `NVML error ${code}`;
}
