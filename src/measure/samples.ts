/**
 * The samples file: one JSON object per line (NDJSON), appended by the sampler and read back by the
 * integrator. Append-only so that a crash loses at most the last, partial line.
 *
 * Examples (one per kind):
 *   {"t":"meta","v":1,"startMs":1732521600000,"intervalMs":1000,"raplMaxUj":{"package-0":262143328850}}
 *   {"t":"s","ts":1732521601000,"cpu":0.53,"rapl":{"package-0":123456789},"gpu":[{"i":0,"w":71.2,"u":0.45,"mem":1234}]}
 *   {"t":"phase","ts":1732521630000,"name":"eval"}
 *   {"t":"gap","ts":1732521640000,"source":"nvidia-smi","reason":"nvidia-smi exited with code 1"}
 *   {"t":"warn","ts":1732521640000,"message":"RAPL unreadable (EACCES); CPU energy is modelled"}
 *   {"t":"hw","ts":1732521601000,"gpus":[{"index":0,"name":"NVIDIA H100 80GB HBM3","uuid":"GPU-…","powerLimitW":700,"memoryTotalMiB":81559}]}
 *   {"t":"end","ts":1732521700000}
 */
import * as z from "zod";
import { GPU_SELECTION_SOURCES } from "../model/report.js";
import { describeZodIssues } from "../model/zod-issues.js";

const finite = z.number().finite();

export const GpuReading = z.object({
  /** nvidia-smi index */
  i: z.number().int().nonnegative(),
  /** power.draw in W; null when the driver reports [N/A] / [Not Supported] */
  w: finite.nonnegative().nullable(),
  /** utilization.gpu as a fraction 0..1; null when unsupported */
  u: finite.min(0).max(1).nullable(),
  /** memory.used in MiB; null when unsupported */
  mem: finite.nonnegative().nullable(),
  /**
   * NVML total energy counter in mJ, counted from the sampler's first read (wraps already unwrapped); null where
   * the read failed or the counter was reset since the last read; absent where NVML is not used for this GPU
   */
  e: finite.nonnegative().nullable().optional(),
});
export type GpuReading = z.infer<typeof GpuReading>;

export const MetaLine = z.object({
  t: z.literal("meta"),
  v: z.literal(1),
  startMs: finite,
  intervalMs: z.number().int().min(100).max(60_000),
  /** whose CPU time the samples' utilisation is (the job's cgroup share or the host) and over how many vCPUs */
  cpu: z
    .object({ scope: z.enum(["cgroup", "host"]), vcpus: z.number().int().positive().max(100_000) })
    .optional(),
  /** max_energy_range_uj per RAPL domain, for wraparound */
  raplMaxUj: z.record(z.string(), finite.positive()).optional(),
});
export type MetaLine = z.infer<typeof MetaLine>;

export const SampleLine = z.object({
  t: z.literal("s"),
  /** wall clock, ms since epoch */
  ts: finite,
  /** CPU utilization 0..1 over the tick (all logical CPUs), null if unreadable */
  cpu: finite.min(0).max(1).nullable().optional(),
  /** raw RAPL counters in µJ per domain (package-0, dram-0, ...) */
  rapl: z.record(z.string(), finite.nonnegative()).optional(),
  /** latest reading per GPU, only when fresh (received within the last two intervals) */
  gpu: z.array(GpuReading).optional(),
  /** Apple silicon: powermetrics' energy per rail in mJ, cumulative (see sources/powermetrics.ts) */
  soc: z
    .object({ cpu: finite.nonnegative(), gpu: finite.nonnegative(), ane: finite.nonnegative() })
    .optional(),
});
export type SampleLine = z.infer<typeof SampleLine>;

export const PhaseLine = z.object({ t: z.literal("phase"), ts: finite, name: z.string().min(1).max(200) });
export const GapLine = z.object({
  t: z.literal("gap"),
  ts: finite,
  source: z.string().max(200),
  reason: z.string().max(2_000),
  /** duration of the gap when known at write time (ms) */
  durationMs: finite.nonnegative().optional(),
});
export const WarnLine = z.object({ t: z.literal("warn"), ts: finite, message: z.string().max(2_000) });
export const EndLine = z.object({ t: z.literal("end"), ts: finite });
/** GPU inventory, written when first seen (and again if it changes), so a separate reporting process knows it. */
export const GpuReaderName = z.enum(["nvidia-smi", "nvml", "amd-smi"]);
export type GpuReaderName = z.infer<typeof GpuReaderName>;

export const HardwareLine = z.object({
  t: z.literal("hw"),
  ts: finite,
  /** the tool that read these GPUs (absent in files written before it was recorded: nvidia-smi) */
  reader: GpuReaderName.optional(),
  gpus: z
    .array(
      z.object({
        index: z.number().int().nonnegative(),
        name: z.string().max(200),
        uuid: z.string().max(200).nullable(),
        powerLimitW: finite.nonnegative().nullable(),
        memoryTotalMiB: finite.nonnegative().nullable(),
        /** false: outside the job's GPUs, listed but not sampled */
        counted: z.boolean().optional(),
        /** nvidia-smi field sampled for power (power.draw.average or power.draw) */
        powerField: z.string().max(100).optional(),
        /** true when the GPU's energy counter (NVML, amd-smi) answers for it */
        counter: z.boolean().optional(),
      }),
    )
    .max(64),
  /** where the set of counted GPUs came from, and its value */
  selection: z
    .object({
      source: z.enum(GPU_SELECTION_SOURCES),
      value: z.string().max(200),
    })
    .optional(),
});

export const SamplesFileLine = z.discriminatedUnion("t", [
  MetaLine,
  SampleLine,
  PhaseLine,
  GapLine,
  WarnLine,
  EndLine,
  HardwareLine,
]);
export type SamplesFileLine = z.infer<typeof SamplesFileLine>;

export interface ParsedLine {
  ok: true;
  line: SamplesFileLine;
}
export interface RejectedLine {
  ok: false;
  reason: string;
}

/** Parse one NDJSON line. Garbage is rejected (and counted by the caller), never turned into zeros. */
export function parseLine(text: string): ParsedLine | RejectedLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: "not JSON (truncated line?)" };
  }
  const result = SamplesFileLine.safeParse(value);
  if (!result.success) {
    return { ok: false, reason: describeZodIssues(result.error) };
  }
  return { ok: true, line: result.data };
}
