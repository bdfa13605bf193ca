/**
 * The report format `ml-footprint/report@1`: what one measured job (or one wrapped command) used.
 * Validated on write and on read; reports from other runs (possibly forks) are untrusted input.
 *
 * Units are in the field names (`energyWh`, `powerW`, `durationS`, `intensityGPerKWh`, `emissionsG`).
 * Every energy and emissions figure has a `low`/`high` range and says how it was obtained.
 */
import * as z from "zod";
import { describeZodIssues } from "./zod-issues.js";

export const REPORT_SCHEMA_ID = "ml-footprint/report@1";

/** How a figure was obtained: read from a counter/meter, computed from a model, or assumed outright. */
export const Provenance = z.enum(["measured", "modelled", "assumed"]);
export type Provenance = z.infer<typeof Provenance>;

export const EnergyMethod = z.enum([
  "rapl", // RAPL energy counters (exact differences)
  "nvidia-smi", // power.draw sampled from one long-running nvidia-smi stream, trapezoid rule
  "nvml-counter", // NVML total energy counter (nvmlDeviceGetTotalEnergyConsumption), exact differences
  "powermetrics", // Apple silicon: powermetrics' CPU / GPU / ANE power, each window's average × its length
  "nvml-power", // power read through NVML once per tick (the averaged field where the GPU has it), trapezoid rule
  "amd-smi-counter", // AMD's accumulated energy counter read through amd-smi, exact differences
  "amd-smi", // AMD socket power read through amd-smi once per tick, trapezoid rule
  "cpu-model", // CPU utilization x power curve for this CPU
  "memory-model", // W per GB of installed memory
  "fixed", // a constant wattage given by the user
  "not-measured", // component absent or unreadable
]);
export type EnergyMethod = z.infer<typeof EnergyMethod>;

export const Component = z.enum(["cpu", "gpu", "memory", "other"]);
export type Component = z.infer<typeof Component>;

/**
 * Largest value any figure may take (Wh, g, s, W, counts): 1e15, a petawatt-hour, about a million times
 * the largest published training run (GPT-3, 1,287 MWh: Patterson et al., arXiv:2104.10350, 2021). A report
 * from another run (possibly a fork) with a bigger figure is rejected at read, so sums over up to 1,000
 * artifacts and ratios of two figures stay far below Number.MAX_VALUE and never become Infinity.
 */
export const MAX_FIGURE = 1e15;
const nonNeg = z.number().finite().nonnegative().max(MAX_FIGURE);
const shortText = z.string().max(2_000);
const label = z.string().max(200);

/** where the set of counted GPUs came from (the report's gpuSelection and the samples file's meta line) */
export const GPU_SELECTION_SOURCES = [
  "gpus-input",
  "CUDA_VISIBLE_DEVICES",
  "ROCR_VISIBLE_DEVICES",
  "HIP_VISIBLE_DEVICES",
  "NVIDIA_VISIBLE_DEVICES",
  "all",
] as const;
export type GpuSelectionSource = (typeof GPU_SELECTION_SOURCES)[number];

export const ComponentEnergy = z.object({
  component: Component,
  method: EnergyMethod,
  provenance: Provenance,
  energyWh: nonNeg,
  lowWh: nonNeg,
  highWh: nonNeg,
  meanPowerW: nonNeg,
  peakPowerW: nonNeg,
  /** e.g. "Intel Xeon Platinum 8370C: TDP 270 W x 4/64 threads, Teads curve" */
  detail: shortText.optional(),
  /**
   * GPU only: device-seconds at the run's edges with no reading of their own, whose power was held from the
   * nearest reading (the first held back to the start, the last forward to the end). The range spans
   * 0 W to the power limit over them.
   */
  heldS: nonNeg.optional(),
  /** GPU only: device-seconds with no reading inside the run (stream restarts), bridged linearly; same range rule */
  bridgedS: nonNeg.optional(),
});
export type ComponentEnergy = z.infer<typeof ComponentEnergy>;

export const Gap = z.object({
  source: label,
  /** seconds from the start of the measurement */
  atS: nonNeg,
  durationS: nonNeg,
  reason: shortText,
});
export type Gap = z.infer<typeof Gap>;

export const Phase = z.object({
  name: label,
  startedAt: z.iso.datetime(),
  durationS: nonNeg,
  energyWh: nonNeg,
  lowWh: nonNeg,
  highWh: nonNeg,
  components: z.array(ComponentEnergy).max(16),
  samples: z.number().int().nonnegative(),
  /** mean CPU utilization over the phase, 0..1 (all logical CPUs of the machine) */
  meanCpuUtil: z.number().min(0).max(1).nullable(),
  /** mean GPU utilization over the phase, 0..1, averaged over GPUs; null without GPUs */
  meanGpuUtil: z.number().min(0).max(1).nullable(),
  gaps: z.array(Gap).max(1_000),
  /**
   * Work counts written while this phase ran (background mode: the metrics file exported for the phase;
   * a `run:` step: its own file), with Wh per 1,000 of each on this phase's energy. Absent in older reports.
   */
  work: z
    .object({
      units: z.record(z.string().max(50), nonNeg),
      whPer1k: z.record(z.string().max(50), nonNeg),
    })
    .nullable()
    .optional(),
});
export type Phase = z.infer<typeof Phase>;

export const Hardware = z.object({
  cpu: z.object({
    brand: label,
    /** logical CPUs visible to the job (vCPUs) */
    threads: z.number().int().positive(),
    cores: z.number().int().positive().nullable(),
  }),
  memoryGB: nonNeg,
  gpus: z
    .array(
      z.object({
        index: z.number().int().nonnegative(),
        name: label,
        uuid: label.nullable(),
        powerLimitW: nonNeg.nullable(),
        memoryTotalMiB: nonNeg.nullable(),
        /** false: present on the machine but outside the job's GPUs (gpus input, CUDA_VISIBLE_DEVICES, …); not counted */
        counted: z.boolean().optional(),
        /**
         * how this GPU's energy was obtained: one of the GPU energy methods, or a counter and a power method joined
         * by "+" when some intervals fell back to sampled power (e.g. "nvml-counter+nvml-power")
         */
        energyMethod: z
          .string()
          .max(100)
          .regex(/^[a-z-]+(\+[a-z-]+)?$/)
          .optional(),
        /** the nvidia-smi field sampled for power: power.draw.average where the driver offers it, else power.draw */
        powerField: label.optional(),
      }),
    )
    .max(64),
  /** which GPUs the job counts and why: the gpus input/flag, CUDA_VISIBLE_DEVICES, NVIDIA_VISIBLE_DEVICES or all */
  gpuSelection: z
    .object({
      source: z.enum(GPU_SELECTION_SOURCES),
      value: label,
    })
    .optional(),
  /**
   * Whose share of the machine the CPU and memory figures are: the job's cgroup (a container or pod with a CPU
   * or memory limit below the host's) or the whole host (a VM the runner owns). Absent in older reports.
   */
  attribution: z
    .object({
      scope: z.enum(["cgroup", "host"]),
      /** why, e.g. "cgroup v2 /kubepods/…: CPU quota 2 cores (cpu.max) → 2 vCPUs of 64 host CPUs, …" */
      reason: shortText,
      /** where utilisation came from: the cgroup's CPU time, host /proc/stat, or os.cpus() times (macOS, Windows) */
      cpuSource: z.enum(["cgroup-usage", "proc-stat", "os-cpus"]),
      /** what memory size the memory model counts */
      memorySource: z.enum(["memory.max", "memory.peak", "memory.current", "installed"]),
      hostCpus: z.number().int().positive(),
      hostMemoryGB: nonNeg,
      /** the job's cgroup as read; null where there is none (not Linux, unreadable) */
      cgroup: z
        .object({
          version: z.union([z.literal(1), z.literal(2)]),
          path: z.string().max(1_000),
          /** smallest CPU quota from the job's cgroup up, cores; null: none */
          quotaCores: nonNeg.nullable(),
          cpusetCpus: z.number().int().positive().nullable(),
          memoryLimitGB: nonNeg.nullable(),
        })
        .nullable(),
    })
    .optional(),
});
export type Hardware = z.infer<typeof Hardware>;

export const RegionSource = z.enum([
  "input", // region: input / --region flag
  "intensity-input", // carbon-intensity given directly, no region lookup
  "imds-azure",
  "imds-aws",
  "imds-gcp",
  "runner-default", // documented assumption for GitHub-hosted runners
  "world-default", // nothing known: world average
]);
export type RegionSource = z.infer<typeof RegionSource>;

export const Carbon = z.object({
  region: z.object({
    /** canonical id, e.g. "azure:eastus", "aws:us-east-1", "FR", "world" */
    id: label,
    /** human label, e.g. "Azure East US (Virginia, US)" */
    name: label,
    source: RegionSource,
    provenance: Provenance,
  }),
  intensity: z.object({
    gPerKWh: nonNeg,
    lowGPerKWh: nonNeg,
    highGPerKWh: nonNeg,
    /** publisher and dataset, e.g. "Ember yearly electricity data via @tgwf/co2" */
    source: shortText,
    year: z.number().int().min(1990).max(2100).nullable(),
    /** accounting basis of the factor; never mixed silently */
    basis: z.enum(["lifecycle", "direct-combustion", "unknown"]),
    provenance: Provenance,
    live: z.boolean(),
  }),
  pue: z.object({
    value: z.number().min(1),
    low: z.number().min(1),
    high: z.number().min(1),
    source: shortText,
  }),
  emissions: z.object({
    operationalG: nonNeg,
    operationalLowG: nonNeg,
    operationalHighG: nonNeg,
    embodiedG: nonNeg,
    embodiedLowG: nonNeg,
    embodiedHighG: nonNeg,
    totalG: nonNeg,
    lowG: nonNeg,
    highG: nonNeg,
  }),
  /** per-phase totals (operational + embodied), same order as `phases` */
  phaseEmissionsG: z.array(z.object({ name: label, totalG: nonNeg, lowG: nonNeg, highG: nonNeg })).max(1_000),
  notes: z.array(shortText).max(50),
  /**
   * Scheduled workflows with a live provider opted in: when in the next day the same job would emit least, from the
   * provider's forecast (src/carbon/timeshift.ts). Absent otherwise, and in older reports.
   */
  timeShift: z
    .object({
      /** the job's own start, next day (or the forecast's first hour when that is not covered), ISO */
      baselineStart: z.iso.datetime(),
      baselineGPerKWh: nonNeg,
      /** the start with the lowest forecast mean over the job's duration, ISO */
      bestStart: z.iso.datetime(),
      bestGPerKWh: nonNeg,
      /** (baseline − best) / baseline, 0..1 */
      savingFraction: z.number().min(0).max(1),
      /** the forecast's source, one line */
      source: shortText,
    })
    .nullable()
    .optional(),
});
export type Carbon = z.infer<typeof Carbon>;

export const Identity = z.object({
  /** "owner/repo" or "" outside CI */
  repository: z.string().max(300),
  sha: z.string().max(64),
  ref: z.string().max(500),
  baseRef: z.string().max(500),
  headRef: z.string().max(500),
  eventName: z.string().max(100),
  workflow: z.string().max(500),
  job: z.string().max(500),
  matrix: z.record(z.string().max(200), z.string().max(500)).nullable(),
  runId: z.string().max(40),
  runAttempt: z.string().max(10),
  prNumber: z.number().int().positive().nullable(),
  /** measurement key: artifact and comment-section identity, sanitised */
  key: z.string().max(200),
});
export type Identity = z.infer<typeof Identity>;

export const Runner = z.object({
  os: label,
  arch: label,
  /** true on GitHub-hosted runners, false self-hosted, null outside Actions */
  githubHosted: z.boolean().nullable(),
  name: label,
});
export type Runner = z.infer<typeof Runner>;

/**
 * Projection of the full training from the epochs the CI run trained (carbontracker-style): the job reported
 * `epochs` done and `epochs_total` planned (ML_FOOTPRINT_METRICS) and trained a subset.
 */
export const Forecast = z.object({
  epochsDone: z.number().finite().positive().max(MAX_FIGURE),
  epochsTotal: z.number().finite().positive().max(MAX_FIGURE),
  energyWh: nonNeg,
  lowWh: nonNeg,
  highWh: nonNeg,
  /** null without carbon accounting */
  emissionsG: nonNeg.nullable(),
  lowG: nonNeg.nullable(),
  highG: nonNeg.nullable(),
  /** how it was projected, e.g. "measured job x 30/1 epochs, range widened by ±25 %" */
  method: shortText,
});
export type Forecast = z.infer<typeof Forecast>;

export const SamplesCoverage = z.object({
  recordedS: nonNeg,
  jobS: nonNeg,
  /** why the samples end early, e.g. "the sampler stopped answering and was killed at the end of the job" */
  reason: shortText,
});
export type SamplesCoverage = z.infer<typeof SamplesCoverage>;

export const Report = z.object({
  schema: z.literal(REPORT_SCHEMA_ID),
  tool: z.object({ name: z.literal("ml-footprint"), version: label }),
  createdAt: z.iso.datetime(),
  identity: Identity,
  runner: Runner,
  hardware: Hardware,
  /** the wrapped command (run mode); null in background mode */
  command: z.string().max(4_000).nullable(),
  exitCode: z.number().int().nullable(),
  signal: z.string().max(20).nullable(),
  intervalMs: z.number().int().min(100).max(60_000),
  startedAt: z.iso.datetime(),
  durationS: nonNeg,
  energyWh: nonNeg,
  lowWh: nonNeg,
  highWh: nonNeg,
  samples: z.number().int().nonnegative(),
  phases: z.array(Phase).max(1_000),
  /** null until carbon accounting has run */
  carbon: Carbon.nullable(),
  /**
   * Counts the job wrote to ML_FOOTPRINT_METRICS, e.g. { samples: 60000, steps: 938 }, summed over phases;
   * Wh per 1,000 of a unit is on the energy of the phases that counted it (see `phases[].work`).
   */
  work: z
    .object({
      units: z.record(z.string().max(50), nonNeg),
      /** Wh per 1,000 of each unit */
      whPer1k: z.record(z.string().max(50), nonNeg),
    })
    .nullable(),
  /** projected for the full training when the job trained a subset of its epochs; absent in older reports */
  forecast: Forecast.nullable().optional(),
  /**
   * Present when the samples end well before the job did (the sampler crashed, was killed or hung): the figures
   * cover `recordedS` of the job's `jobS` and are too small, so budgets fail closed and no verdict is drawn.
   * Absent when the samples cover the job, and in older reports.
   */
  coverage: SamplesCoverage.optional(),
  warnings: z.array(shortText).max(200),
});
export type Report = z.infer<typeof Report>;

/** Thrown when a report fails validation; the message names the zod path of the first problems. */
export class ReportValidationError extends Error {
  override name = "ReportValidationError";
}

function describeIssues(error: z.ZodError, where: string): string {
  return `${where} is not a valid ${REPORT_SCHEMA_ID} report: ${describeZodIssues(error, 5)}`;
}

/** Validate a parsed value as a report; `where` names it in the error (file path, artifact name). */
export function parseReport(value: unknown, where = "report"): Report {
  const result = Report.safeParse(value);
  if (!result.success) throw new ReportValidationError(describeIssues(result.error, where));
  return result.data;
}

/** Validate and serialise a report (pretty JSON, trailing newline). Throws before anything is written. */
export function serializeReport(report: Report): string {
  return `${JSON.stringify(parseReport(report, "report to write"), null, 2)}\n`;
}

/** Parse report JSON text, with a clear error for invalid JSON as well as an invalid shape. */
export function parseReportJson(text: string, where = "report"): Report {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ReportValidationError(`${where} is not valid JSON: ${(error as Error).message}`);
  }
  return parseReport(value, where);
}
