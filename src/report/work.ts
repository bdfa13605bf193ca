/**
 * Work counts a training script may write to the file named by ML_FOOTPRINT_METRICS, e.g.
 *   {"samples": 60000, "steps": 938, "epochs": 1}
 * so that the report can give Wh per 1,000 units and a longer run is judged per unit of work.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { MAX_FIGURE } from "./schema.js";

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
    const issue = parsed.error.issues[0];
    return {
      units: null,
      warning: `ML_FOOTPRINT_METRICS file ${path} was ignored: ${issue?.path.join(".") || "(root)"}: ${issue?.message}; expected an object of unit names to non-negative numbers, e.g. {"samples": 60000, "steps": 938}`,
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
    if (count > 0 && Number.isFinite(perK) && perK <= MAX_FIGURE) whPer1k[unit] = perK;
  }
  return { units, whPer1k };
}
