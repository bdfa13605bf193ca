/**
 * Pure parser for one line of `nvidia-smi --query-gpu=<NVIDIA_SMI_QUERY> --format=csv,noheader,nounits`.
 *
 * Example line (NVIDIA's documented CSV format, fields joined by ", "):
 *   0, GPU-8f6c2b0e-5d1a-4c3b-9e7f-1a2b3c4d5e6f, NVIDIA A100-SXM4-40GB, 61.23, 400.00, 0, 0, 40960
 * → { index: 0, uuid: "GPU-8f6c…", name: "NVIDIA A100-SXM4-40GB", powerW: 61.23, powerLimitW: 400,
 *     utilization: 0, memoryUsedMiB: 0, memoryTotalMiB: 40960 }
 *
 * `[N/A]`, `[Not Supported]`, `[Unknown Error]` (and any other bracketed placeholder) and blank fields are
 * data, not errors: they become null. Anything else that is not a number rejects the whole line.
 */

/** The fields asked for, in order; changing it changes the parser. */
export const NVIDIA_SMI_QUERY =
  "index,uuid,name,power.draw,power.limit,utilization.gpu,memory.used,memory.total";
/**
 * Where the driver offers it, the averaged reading is asked for too, last. nvidia-smi's `--help-query-gpu`
 * (NVIDIA, nvidia-smi(1)) documents power.draw as the 1 s average on Ampere and newer but instantaneous before,
 * and power.draw.average as the last measured average, supported on Ampere (except GA100) and newer. A GPU that
 * answers [N/A] for it keeps power.draw; each row says which field its power came from.
 */
export const POWER_AVERAGE_FIELD = "power.draw.average";
export const NVIDIA_SMI_QUERY_WITH_AVERAGE = `${NVIDIA_SMI_QUERY},${POWER_AVERAGE_FIELD}`;

/** The field a power reading came from: nvidia-smi's names (NVML reads the same quantities), or amd-smi's socket_power. */
export type PowerField = "power.draw.average" | "power.draw" | "socket_power";

export interface NvidiaSmiRow {
  index: number;
  uuid: string | null;
  name: string;
  powerW: number | null;
  powerLimitW: number | null;
  /** utilization.gpu as a fraction 0..1 */
  utilization: number | null;
  memoryUsedMiB: number | null;
  memoryTotalMiB: number | null;
  /** the field powerW came from */
  powerField: PowerField;
}

export type NvidiaSmiParseResult = { ok: true; row: NvidiaSmiRow } | { ok: false; reason: string };

/**
 * Arguments for one long-running child that prints one block of lines every `intervalMs`; `withAverage`:
 * the driver offers power.draw.average (see offersPowerAverage).
 */
export function nvidiaSmiArgs(intervalMs: number, withAverage = false): string[] {
  if (!Number.isInteger(intervalMs) || intervalMs < 1) {
    throw new RangeError(`nvidia-smi interval: ${intervalMs} ms is not valid; accepted: a positive integer`);
  }
  const query = withAverage ? NVIDIA_SMI_QUERY_WITH_AVERAGE : NVIDIA_SMI_QUERY;
  return [`--query-gpu=${query}`, "--format=csv,noheader,nounits", "-lms", String(intervalMs)];
}

/** Whether `nvidia-smi --help-query-gpu` output lists power.draw.average (drivers that know the field). */
export function offersPowerAverage(helpText: string): boolean {
  return /(^|[\s"])power\.draw\.average([\s"]|$)/m.test(helpText);
}

// Placeholders nvidia-smi prints instead of a value: [N/A], [Not Supported], [Unknown Error],
// [Insufficient Permissions], [GPU is lost], ... (nvidia-smi(1) man page). All mean "no value".
const PLACEHOLDER = /^\[[^\]]*\]$/;

type FieldValue = { ok: true; value: number | null } | { ok: false };

function numberField(text: string): FieldValue {
  const trimmed = text.trim();
  if (trimmed === "" || PLACEHOLDER.test(trimmed)) return { ok: true, value: null };
  // Strict: "12.5" or "12"; no units (nounits), no signs, no exponents.
  if (!/^[0-9]+(?:\.[0-9]+)?$/.test(trimmed)) return { ok: false };
  return { ok: true, value: Number(trimmed) };
}

function textField(text: string): string | null {
  const trimmed = text.trim();
  return trimmed === "" || PLACEHOLDER.test(trimmed) ? null : trimmed;
}

const NUMERIC_NAMES = ["power.draw", "power.limit", "utilization.gpu", "memory.used", "memory.total"];
const NUMERIC_NAMES_WITH_AVERAGE = [...NUMERIC_NAMES, POWER_AVERAGE_FIELD];

/** One line of the query; `withAverage`: the query ended with power.draw.average (nvidiaSmiArgs). */
export function parseNvidiaSmiLine(line: string, withAverage = false): NvidiaSmiParseResult {
  const numericNames = withAverage ? NUMERIC_NAMES_WITH_AVERAGE : NUMERIC_NAMES;
  const fieldCount = 3 + numericNames.length;
  const text = line.replace(/\r$/, "");
  if (text.trim() === "") return { ok: false, reason: "empty line" };
  const parts = text.split(",");
  if (parts.length < fieldCount) {
    return { ok: false, reason: `expected ${fieldCount} fields, got ${parts.length}` };
  }
  // The name is the only free-text field: if it ever contains a comma, the extra parts belong to it.
  const head = parts.slice(0, 2);
  const tail = parts.slice(parts.length - numericNames.length);
  const name = parts
    .slice(2, parts.length - numericNames.length)
    .join(",")
    .trim();
  const indexText = (head[0] ?? "").trim();
  if (!/^[0-9]+$/.test(indexText)) return { ok: false, reason: `index "${indexText}" is not an integer` };

  const numbers: (number | null)[] = [];
  for (const [i, field] of tail.entries()) {
    const parsed = numberField(field);
    if (!parsed.ok) return { ok: false, reason: `${numericNames[i]} "${field.trim()}" is not a number` };
    numbers.push(parsed.value);
  }
  const [drawW, powerLimitW, utilPercent, memoryUsedMiB, memoryTotalMiB, averageW] = numbers;
  const useAverage = averageW !== undefined && averageW !== null;
  const powerW = useAverage ? averageW : drawW;
  if (utilPercent != null && utilPercent > 100) {
    return { ok: false, reason: `utilization.gpu ${utilPercent} is above 100 %` };
  }
  return {
    ok: true,
    row: {
      index: Number(indexText),
      uuid: textField(head[1] ?? ""),
      name: name === "" || PLACEHOLDER.test(name) ? "unknown GPU" : name,
      powerW: powerW ?? null,
      powerLimitW: powerLimitW ?? null,
      utilization: utilPercent == null ? null : utilPercent / 100,
      memoryUsedMiB: memoryUsedMiB ?? null,
      memoryTotalMiB: memoryTotalMiB ?? null,
      powerField: useAverage ? POWER_AVERAGE_FIELD : "power.draw",
    },
  };
}
