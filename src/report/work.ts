/**
 * Work counts a training script may write to the file named by ML_FOOTPRINT_METRICS, e.g.
 *   {"samples": 60000, "steps": 938, "epochs": 1}
 * so that the report can give Wh per 1,000 units and a longer run is judged per unit of work.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";

const MAX_METRICS_BYTES = 64 * 1024;
const WorkUnits = z.record(
  z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,49}$/),
  z.number().finite().nonnegative(),
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
  for (const [unit, count] of Object.entries(units))
    if (count > 0) whPer1k[unit] = (energyWh / count) * 1_000;
  return { units, whPer1k };
}
