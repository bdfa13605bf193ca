/**
 * One false-alarm rate per comment: the rows one comment shows (the total and its phases, or the matrix total
 * and its jobs) are judged together. The total carries half of α, the other rows share the other half, and
 * weighted Holm (noise.ts) decides, so a comment where nothing changed flags any row with probability ≤ α.
 * Sets each row's band level, half-width, verdict and words in place. Pure.
 */
import type { Row } from "./compare-types.js";
import { familyWeights, halfWidthAt, MAX_DF, twoSidedP, weightedHolm } from "./noise.js";

/** A percentage in the verdict's words and the noise rule: "4.0 %", "12 %", "0.05 %" (sign dropped). */
export function formatPct(v: number): string {
  const a = Math.abs(v);
  if (a > 0 && a < 0.1) return `${a.toPrecision(1)} %`;
  return `${a >= 10 ? a.toFixed(0) : a.toFixed(1)} %`;
}

function formatSignedPct(v: number | null): string {
  if (v === null) return "n/a";
  return `${v >= 0 ? "+" : "−"}${formatPct(v)}`;
}

/** The confidence as a reader expects it: 95 %, 97.5 %, 99.38 %. */
function formatLevel(confidence: number): string {
  const p = confidence * 100;
  for (const digits of [0, 1, 2, 3]) {
    const s = p.toFixed(digits);
    if (Math.abs(Number(s) - p) < 1e-9 || digits === 3) return `${Number(s)} %`;
  }
  return `${p} %`;
}

/** Where the noise figure came from, in a few words. */
function noiseSourceWords(row: Row): string {
  const band = row.band!;
  const s = band.noise;
  const parts: string[] = [];
  if (s.ownDf > 0) parts.push(`${band.n} base runs`);
  else if (s.identical) parts.push(`${band.n} identical base runs (their spread counts for nothing)`);
  if (s.poolDf > 0) parts.push(`${s.poolRows} other row${s.poolRows === 1 ? "" : "s"} of the base branch`);
  parts.push(`the ${formatPct(s.priorPercent)} prior (our assumption)`);
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)!}` : parts[0]!;
  const runner = s.sharedRunnerPercent !== null ? ", plus the offset between runners" : "";
  return `noise ${formatPct(s.sigmaPercent)} from ${list}${runner}`;
}

function words(row: Row): string {
  const band = row.band!;
  const what = row.basis === "energy-per-work" && row.work ? `energy per 1k ${row.work.unit}` : "energy";
  const change =
    row.basis === "energy-per-work" && row.work
      ? formatSignedPct(row.work.deltaPercent)
      : formatSignedPct(row.deltaEnergyPercent);
  const width = band.percent === null ? "" : ` (±${formatPct(band.percent)})`;
  const label = row.verdict === "within-noise" ? "within noise" : row.verdict;
  const family = band.familySize > 1 ? `, Holm-corrected over ${band.familySize} rows` : "";
  const floor =
    band.halfWidth > band.statisticalHalfWidth
      ? "; widened to the sampling resolution of its phase boundaries"
      : "";
  const inside = row.verdict === "within-noise";
  return `${label}: ${what} ${change} is ${inside ? "inside" : "outside"} the ${formatLevel(band.confidence)} prediction interval${width}; ${noiseSourceWords(row)}${family}${floor}${band.n === 1 ? "; one base run has no spread yet" : ""}`;
}

/** The verdict of a judged row from its band (half-width set) and its delta's range. */
function decide(row: Row, rejected: boolean): void {
  const band = row.band!;
  const diff = band.head - band.mean;
  const outside = rejected && Math.abs(diff) > band.halfWidth;
  row.verdict = outside ? (diff > 0 ? "increase" : "decrease") : "within-noise";
  row.verdictWords = words(row);
}

/** Judge `total` and `others` (rows with a band; the others keep their verdict) as one family at `confidence`. */
export function judgeFamily(total: Row, others: readonly Row[], confidence: number): void {
  const alpha = 1 - confidence;
  const rows = [total, ...others].filter((r) => r.band !== null);
  const rest = rows.filter((r) => r !== total);
  const w = familyWeights(rest.length);
  // the total keeps its ν; the other rows, judged at smaller levels, a t with at most MAX_DF (heavy tails)
  for (const r of rows) {
    const band = r.band!;
    band.df = r === total ? band.noise.df : Math.min(band.noise.df, MAX_DF);
    const statistic =
      band.scale > 0 ? (band.head - band.mean) / band.scale : band.head === band.mean ? 0 : Infinity;
    band.pValue = twoSidedP(statistic, band.df);
  }
  const tests = rows.map((r) => ({ p: r.band!.pValue, weight: r === total ? w.total : w.each }));
  const results = weightedHolm(tests, alpha);
  rows.forEach((row, i) => {
    const band = row.band!;
    const level = results[i]!.level;
    band.familySize = rows.length;
    band.confidence = 1 - level;
    band.t = level > 0 ? halfWidthAt(1, band.df, level) : Infinity;
    band.statisticalHalfWidth = band.t * band.scale;
    band.halfWidth = Math.max(band.statisticalHalfWidth, band.floor);
    band.percent = band.mean > 0 ? (band.halfWidth / band.mean) * 100 : null;
    row.bandPercent = band.percent;
    decide(row, results[i]!.rejected);
  });
}
