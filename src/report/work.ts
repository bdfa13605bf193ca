/**
 * Work counts a training script may write to the file named by ML_FOOTPRINT_METRICS, e.g.
 *   {"samples": 60000, "steps": 938, "epochs": 1}
 * so that the report can give Wh per 1,000 units and a longer run is judged per unit of work.
 */
import { readFile } from "node:fs/promises";
import * as z from "zod";
import { describeZodIssues } from "../model/zod-issues.js";
import { MAX_FIGURE } from "../model/report.js";

const MAX_METRICS_BYTES = 64 * 1024;
/**
 * A count is 0 (ignored) or from a thousandth of a unit (fractional epochs) to 1e15: a count of 1e-320 would
 * make Wh per 1k units Infinity, and no job counts more than a quadrillion tokens.
 */
export const MIN_WORK_COUNT = 0.001;
export const MAX_WORK_COUNT = 1e15;
const WorkUnits = z.record(
  z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,49}$/),
  z
    .number()
    .finite()
    .nonnegative()
    .refine((n) => n === 0 || (n >= MIN_WORK_COUNT && n <= MAX_WORK_COUNT), {
      message: `a count must be 0 or from ${MIN_WORK_COUNT} to ${MAX_WORK_COUNT}`,
    }),
);

/** Counts that describe the plan, not work done (the forecast reads them): no Wh per 1k for them. */
const PLANNED_UNITS = new Set(["epochs_total"]);

export type WorkResult = { units: Record<string, number>; whPer1k: Record<string, number> } | null;

/** Read and validate the metrics file; missing file → null, invalid → null plus a warning that says why. */
export async function readWorkMetrics(
  path: string | undefined,
): Promise<{ units: Record<string, number> | null; warning: string | null }> {
  if (!path) return { units: null, warning: null };
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { units: null, warning: null };
    return {
      units: null,
      warning: `ML_FOOTPRINT_METRICS file ${path} could not be read: ${(error as Error).message}`,
    };
  }
  if (text.length > MAX_METRICS_BYTES) {
    return {
      units: null,
      warning: `ML_FOOTPRINT_METRICS file ${path} is larger than 64 KiB and was ignored`,
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {
      units: null,
      warning: `ML_FOOTPRINT_METRICS file ${path} is not JSON; expected e.g. {"samples": 60000}`,
    };
  }
  const parsed = WorkUnits.safeParse(value);
  if (!parsed.success) {
    return {
      units: null,
      warning: `ML_FOOTPRINT_METRICS file ${path} was ignored: ${describeZodIssues(parsed.error)}; expected an object of unit names to non-negative numbers, e.g. {"samples": 60000, "steps": 938}`,
    };
  }
  return { units: parsed.data, warning: null };
}

/** Wh per 1,000 units of each non-zero count. */
export function workEfficiency(units: Record<string, number> | null, energyWh: number): WorkResult {
  if (!units || Object.keys(units).length === 0) return null;
  const whPer1k: Record<string, number> = {};
  for (const [unit, count] of Object.entries(units)) {
    const perK = (energyWh / count) * 1_000;
    if (count > 0 && !PLANNED_UNITS.has(unit) && Number.isFinite(perK) && perK <= MAX_FIGURE) {
      whPer1k[unit] = perK;
    }
  }
  return { units, whPer1k };
}

/** Counts of one unit added up; a sum above MAX_WORK_COUNT is capped there. */
function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [unit, n] of Object.entries(b)) out[unit] = Math.min(MAX_WORK_COUNT, (out[unit] ?? 0) + n);
  return out;
}

export interface PhaseWorkInput {
  /** phase name → counts written while that phase ran (several files of one phase add up) */
  byPhase: Map<string, Record<string, number>[]>;
  /** counts that cannot be attributed to a phase (a metrics path the user set for the whole job) */
  job: Record<string, number> | null;
}

export interface PhaseWorkResult {
  /** each phase that reported work: its counts and Wh per 1k on its own energy */
  phases: Map<string, NonNullable<WorkResult>>;
  /**
   * The job's work: counts summed over phases; Wh per 1k of a unit on the energy of the phases that counted
   * it only (an eval step's 200 samples are not divided into the training's energy). A unit only the
   * unattributed job-level file counts is divided into the whole job's energy, as before.
   */
  job: WorkResult;
}

/**
 * Merge work counts per phase and compute Wh per 1k units per phase and for the job. Phases not in
 * `phases` (a counts file for a phase that recorded no energy) are ignored.
 */
export function workByPhase(
  phases: { name: string; energyWh: number }[],
  input: PhaseWorkInput,
  jobEnergyWh: number,
): PhaseWorkResult {
  const perPhase = new Map<string, NonNullable<WorkResult>>();
  const totals: Record<string, { count: number; energyWh: number }> = {};
  for (const phase of phases) {
    const files = input.byPhase.get(phase.name);
    if (!files?.length) continue;
    const units = files.reduce(addCounts, {});
    const work = workEfficiency(units, phase.energyWh);
    if (!work) continue;
    perPhase.set(phase.name, work);
    for (const [unit, count] of Object.entries(units)) {
      if (count <= 0) continue;
      const t = (totals[unit] ??= { count: 0, energyWh: 0 });
      t.count = Math.min(MAX_WORK_COUNT, t.count + count);
      t.energyWh += phase.energyWh;
    }
  }
  const units: Record<string, number> = {};
  const whPer1k: Record<string, number> = {};
  for (const [unit, t] of Object.entries(totals)) {
    units[unit] = t.count;
    if (!PLANNED_UNITS.has(unit)) whPer1k[unit] = (t.energyWh / t.count) * 1_000;
  }
  for (const [unit, count] of Object.entries(input.job ?? {})) {
    if (Object.hasOwn(units, unit)) continue; // the phases' attribution wins
    units[unit] = count;
    if (count > 0 && !PLANNED_UNITS.has(unit)) whPer1k[unit] = (jobEnergyWh / count) * 1_000;
  }
  return { phases: perPhase, job: Object.keys(units).length ? { units, whPer1k } : null };
}

/** Where a job's work counts are: a job-level file and/or one file per phase. */
export interface WorkSources {
  /** counts for the whole job (a path the user set, or the CLI's single wrapped command) */
  jobPath: string | null;
  /** counts written while a phase ran */
  phaseFiles: { phase: string; path: string }[];
}

/** Read every work-count file (missing ones are skipped, invalid ones warned about). */
export async function readWorkSources(
  sources: WorkSources,
): Promise<{ input: PhaseWorkInput; warnings: string[] }> {
  const warnings: string[] = [];
  const byPhase = new Map<string, Record<string, number>[]>();
  for (const { phase, path } of sources.phaseFiles) {
    const r = await readWorkMetrics(path);
    if (r.warning) warnings.push(`${r.warning} (phase "${phase}")`);
    if (r.units) byPhase.set(phase, [...(byPhase.get(phase) ?? []), r.units]);
  }
  let job: Record<string, number> | null = null;
  if (sources.jobPath) {
    const r = await readWorkMetrics(sources.jobPath);
    if (r.warning) warnings.push(r.warning);
    job = r.units;
  }
  return { input: { byPhase, job }, warnings };
}
