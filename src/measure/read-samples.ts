/**
 * Stream a samples file through the integrator line by line: memory stays flat however long the job.
 * Lines that do not parse (a truncated last line after a crash, disk-full garbage) are counted and reported.
 */
import { createReadStream, existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { EnergyIntegrator, type IntegrationOptions, type IntegrationResult } from "./integrate.js";
import { parseLine, type ParsedLine, type RejectedLine, type SamplesFileLine } from "./samples.js";

const isFinite01 = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= 1;
const isFiniteNonNeg = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0;
const SAMPLE_KEYS = new Set(["t", "ts", "cpu", "rapl", "gpu"]);

/**
 * The same checks as the zod SampleLine schema, by hand, for the one line kind that makes up the file
 * (a 24 h, 8-GPU trace has 86,400 of them: zod was a third of the integration time, see BENCHMARKS.md).
 * Returns false on anything unusual, and the caller then asks zod, so rejections keep zod's reasons.
 */
export function isPlainSampleLine(value: unknown): value is Extract<SamplesFileLine, { t: "s" }> {
  if (typeof value !== "object" || value === null) return false;
  const line = value as Record<string, unknown>;
  if (line.t !== "s" || typeof line.ts !== "number" || !Number.isFinite(line.ts)) return false;
  for (const key in line) if (!SAMPLE_KEYS.has(key)) return false;
  if (line.cpu !== undefined && line.cpu !== null && !isFinite01(line.cpu)) return false;
  if (line.rapl !== undefined) {
    if (typeof line.rapl !== "object" || line.rapl === null || Array.isArray(line.rapl)) return false;
    for (const key in line.rapl)
      if (!isFiniteNonNeg((line.rapl as Record<string, unknown>)[key])) return false;
  }
  if (line.gpu !== undefined) {
    if (!Array.isArray(line.gpu)) return false;
    for (const g of line.gpu as unknown[]) {
      if (typeof g !== "object" || g === null) return false;
      const keys = Object.keys(g).length;
      const { i, w, u, mem, e } = g as Record<string, unknown>;
      if (keys !== (e === undefined ? 4 : 5)) return false;
      if (e !== undefined && e !== null && !isFiniteNonNeg(e)) return false;
      if (!Number.isInteger(i) || (i as number) < 0) return false;
      if ((w !== null && !isFiniteNonNeg(w)) || (u !== null && !isFinite01(u))) return false;
      if (mem !== null && !isFiniteNonNeg(mem)) return false;
    }
  }
  return true;
}

function parseFast(text: string): ParsedLine | RejectedLine {
  if (text.startsWith('{"t":"s"')) {
    try {
      const value: unknown = JSON.parse(text);
      if (isPlainSampleLine(value)) return { ok: true, line: value };
    } catch {
      // fall through: parseLine reports it
    }
  }
  return parseLine(text);
}

export interface SamplesFileResult extends IntegrationResult {
  rejectedLines: number;
}

export async function integrateSamplesFile(
  path: string,
  options: IntegrationOptions,
): Promise<SamplesFileResult> {
  const integrator = new EnergyIntegrator(options);
  let rejectedLines = 0;
  let firstRejection = "";
  if (!existsSync(path)) {
    // Nothing could be written (missing or read-only directory): report zero measured, and say why.
    const result = integrator.finish();
    result.warnings.push(`the samples file ${path} does not exist; nothing was recorded`);
    return { ...result, rejectedLines: 0 };
  }
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const text of lines) {
    if (text.trim() === "") continue;
    const parsed = parseFast(text);
    if (parsed.ok) integrator.push(parsed.line);
    else {
      rejectedLines += 1;
      if (!firstRejection) firstRejection = parsed.reason;
    }
  }
  const result = integrator.finish();
  if (rejectedLines > 0) {
    result.warnings.push(
      `${rejectedLines} line(s) of the samples file could not be read and were skipped (first: ${firstRejection}); ` +
        "a sampler killed mid-write leaves a truncated last line",
    );
  }
  return { ...result, rejectedLines };
}
