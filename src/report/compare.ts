/**
 * Compare a head report with the base branch's recent reports of the same key: per phase and in total,
 * energy first (what the code changed), then emissions (which also move with the grid) and duration.
 * Pure: plain reports in, a plain `Comparison` out (JSON-serialisable; the renderers and `compare --json`
 * print it as is). docs/methodology.md ("Verdict statistics") gives the reasoning and the simulation.
 *
 * Method, the same for every phase row and the total row:
 * 1. Base runs: of the history (newest first), the first `history` runs whose hardware class matches the
 *    head (CPU brand string, vCPU count, GPU models) are used; the others are listed in
 *    `baseRunsSkipped` with their differences. No matching run at all → `different-hardware`: the deltas
 *    are still shown against the newest base run, but never called a regression.
 * 2. Basis: energy (Wh). A row is judged on Wh per 1k work units instead when the head and at least one
 *    used base run count the same unit for it: the total on the report's work (each unit divided into the
 *    energy of the phases that counted it), a phase on its own counts.
 * 3. Band, n = base runs that have the row:
 *    - n ≥ 2: a two-sided prediction interval for one new observation, mean ± t(1 − α/2, n − 1) · s ·
 *      √(1 + 1/n) (α = 1 − confidence, default 95 %). If the head came from the same normal distribution
 *      as the base runs it would fall outside with probability α (α/2 on each side).
 *    - n = 1: the noise is unknown. The band is a default of ±10 % of the base run (`compare --tolerance`):
 *      our own assumption, not a measured figure. Laaber, Scheuner & Leitner
 *      (Empirical Software Engineering 24, 2019) found run-to-run coefficients of variation from 0.03 %
 *      to over 100 % across microbenchmarks and cloud instance types, so no single default follows from
 *      the literature. The verdict's words say "noise unknown".
 *    - Floor, both cases: the measurement's resolution, one sampling interval at the row's mean power for
 *      the head and for the base (a phase boundary is only known to one interval).
 * 4. Verdict: `increase` / `decrease` when the head is outside mean ± band, else `within-noise`.
 * 5. Delta range (`deltaEnergyLowWh` … `deltaEnergyHighWh`): the uncertainty of the *difference*. Model
 *    factors shared by both runs on the same hardware (watts per vCPU, power curve, W/GB, sensor
 *    calibration) scale the delta by the ratios low/value and high/value of the reports' own ranges; they
 *    do not widen it around zero. The resolution above is added on both sides. A report compared with
 *    itself gives 0 with a range of about ±2 sampling intervals of energy. Emissions: when both sides share
 *    intensity and PUE, the same scaling; otherwise (another region) the two ranges are independent and
 *    the range is head.low − base.high … head.high − base.low.
 *
 * Shape (all plain data):
 *   Comparison { key, verdict, total: Row, phases: Row[], base (newest used run), baseRunsUsed[],
 *                baseRunsSkipped[] (with hardware differences), hardwareDifferences (when no run matched),
 *                baseRuns (count used), confidence, defaultTolerancePercent, noiseRule (words) }
 *   Row { name, isTotal, presence, base (mean of the used runs), head, deltas and their ranges, work,
 *         basis, band (method, n, mean, sd, t, floor, halfWidth, percent, noiseKnown) | null,
 *         bandPercent, baseRuns, verdict, verdictWords }
 */
import type { Report } from "../model/report.js";
import { mean, predictionInterval } from "./stats.js";

export type Verdict = "increase" | "decrease" | "within-noise" | "no-baseline" | "different-hardware";

/** Default confidence of the prediction interval. */
export const DEFAULT_CONFIDENCE = 0.95;
/**
 * Band with exactly one base run, percent: OUR ASSUMPTION, not a sourced figure (see the module comment;
 * Laaber et al. 2019 show run-to-run variation anywhere from 0.03 % to over 100 %).
 */
export const DEFAULT_TOLERANCE_PERCENT = 10;
/** Preferred work units when both reports count several; otherwise the first common one alphabetically. */
const WORK_UNIT_PREFERENCE = ["samples", "tokens", "images", "examples", "steps", "batches", "epochs"];

export interface Side {
  energyWh: number;
  lowWh: number;
  highWh: number;
  /** total CO2e (operational + embodied); null without carbon accounting */
  emissionsG: number | null;
  emissionsLowG: number | null;
  emissionsHighG: number | null;
  durationS: number;
}

export interface WorkComparison {
  unit: string;
  /** mean over the base runs that count the unit */
  baseWhPer1k: number;
  headWhPer1k: number;
  deltaPercent: number | null;
}

/** The noise band a row was judged with, in the row's basis unit (Wh, or Wh per 1k work units). */
export interface Band {
  method: "prediction-interval" | "default-band";
  /** false with one base run: no spread was measured, the band is the default (our assumption) */
  noiseKnown: boolean;
  /** base runs behind the band */
  n: number;
  /** confidence of the prediction interval; null for the default band */
  confidence: number | null;
  /** mean of the base runs */
  mean: number;
  /** sample standard deviation of the base runs; null with n = 1 */
  sd: number | null;
  /** t quantile used; null for the default band */
  t: number | null;
  /** half-width before the floor: t · sd · √(1 + 1/n), or the default band */
  statisticalHalfWidth: number;
  /** measurement resolution (one sampling interval of energy, head + base) */
  floor: number;
  /** half-width applied: max(statisticalHalfWidth, floor) */
  halfWidth: number;
  /** halfWidth relative to the mean, percent; null when the mean is 0 */
  percent: number | null;
}

export interface Row {
  /** phase name, or "total" for the report-level row */
  name: string;
  isTotal: boolean;
  presence: "both" | "added" | "removed";
  /** mean of the used base runs that have this row */
  base: Side | null;
  head: Side | null;
  deltaEnergyWh: number | null;
  deltaEnergyPercent: number | null;
  /** range of the difference: shared model factors scale the delta; resolution widens it (module comment) */
  deltaEnergyLowWh: number | null;
  deltaEnergyHighWh: number | null;
  deltaEmissionsG: number | null;
  deltaEmissionsPercent: number | null;
  deltaEmissionsLowG: number | null;
  deltaEmissionsHighG: number | null;
  deltaDurationS: number | null;
  /** Wh per 1k work units, when the row is judged on them */
  work: WorkComparison | null;
  /** what the verdict was judged on */
  basis: "energy" | "energy-per-work";
  band: Band | null;
  /** = band.percent; null when no band applies */
  bandPercent: number | null;
  /** base runs that contributed to this row */
  baseRuns: number;
  verdict: Verdict;
  /** the verdict in words, e.g. "increase: +12 % is outside the 95 % prediction interval of 5 base runs (±4.1 %)" */
  verdictWords: string;
}

export interface BaseRunRef {
  sha: string;
  runId: string;
  createdAt: string;
}

export interface SkippedRun extends BaseRunRef {
  /** "CPU: A → B" lines against the head */
  hardwareDifferences: string[];
}

export interface Comparison {
  key: string;
  /** the total row's verdict */
  verdict: Verdict;
  total: Row;
  phases: Row[];
  /** "CPU: base → head" lines when no base run matched the head's hardware (vs the newest); else empty */
  hardwareDifferences: string[];
  /** the newest base run used (or, with different hardware, the newest base run) */
  base: BaseRunRef | null;
  /** base runs used for the deltas and the band, newest first */
  baseRunsUsed: BaseRunRef[];
  /** base runs left out because their hardware differs from the head's, newest first */
  baseRunsSkipped: SkippedRun[];
  /** = baseRunsUsed.length */
  baseRuns: number;
  confidence: number;
  defaultTolerancePercent: number;
  /** the method in words, for the "How this was measured" section */
  noiseRule: string;
}

export interface CompareOptions {
  /** band with one base run, percent (default 10, our assumption) */
  defaultTolerancePercent?: number;
  /** prediction-interval confidence, 0.5 … 0.999 (default 0.95) */
  confidence?: number;
  /** at most this many matching base runs are used (default: all given) */
  history?: number;
}

function formatPct(v: number): string {
  const a = Math.abs(v);
  return `${a >= 10 ? a.toFixed(0) : a.toFixed(1)} %`;
}

function formatSignedPct(v: number | null): string {
  if (v === null) return "n/a";
  return `${v >= 0 ? "+" : "−"}${formatPct(v)}`;
}

export function noiseRuleText(
  defaultTolerancePercent = DEFAULT_TOLERANCE_PERCENT,
  confidence = DEFAULT_CONFIDENCE,
): string {
  const c = formatPct(confidence * 100);
  return (
    `Only base runs on the same hardware (CPU model, vCPU count, GPU models) count. With two or more, a change ` +
    `counts when it is larger than their run-to-run spread allows (outside the ${c} range for one more run). ` +
    `With one base run the spread is unknown and the band is ±${formatPct(defaultTolerancePercent)}, our ` +
    `assumption (runs on cloud machines have been measured to vary from 0.03 % to over 100 %). The band is never ` +
    `narrower than one sampling interval's energy. When head and base count the same unit of work, the total is ` +
    `judged on energy per 1,000 units.`
  );
}

function percentOf(delta: number, base: number): number | null {
  return base > 0 ? (delta / base) * 100 : null;
}

function hardwareSignature(report: Report): { cpu: string; threads: number; gpus: string[] } {
  return {
    cpu: report.hardware.cpu.brand.trim(),
    threads: report.hardware.cpu.threads,
    gpus: report.hardware.gpus.map((g) => g.name.trim()).sort(),
  };
}

/** Differences that make an energy comparison unfair, as short "what: base → head" lines. */
export function hardwareDifferences(base: Report, head: Report): string[] {
  const b = hardwareSignature(base);
  const h = hardwareSignature(head);
  const out: string[] = [];
  if (b.cpu !== h.cpu) out.push(`CPU: ${b.cpu} → ${h.cpu}`);
  if (b.threads !== h.threads) out.push(`vCPUs: ${b.threads} → ${h.threads}`);
  if (b.gpus.length !== h.gpus.length) out.push(`GPU count: ${b.gpus.length} → ${h.gpus.length}`);
  else if (b.gpus.join("\n") !== h.gpus.join("\n")) {
    out.push(`GPU model: ${b.gpus.join(", ")} → ${h.gpus.join(", ")}`);
  }
  return out;
}

/** True when `base` ran on the head's hardware class (same CPU brand, vCPU count and GPU models). */
export function sameHardware(base: Report, head: Report): boolean {
  return hardwareDifferences(base, head).length === 0;
}

function runRef(r: Report): BaseRunRef {
  return { sha: r.identity.sha, runId: r.identity.runId, createdAt: r.createdAt };
}

/** One run's figures for one row, with what the range and band need. */
interface Obs {
  side: Side;
  /** energy of one sampling interval at the row's mean power */
  resolutionWh: number;
  /** intensity × PUE identity; emissions ranges scale together only when equal */
  carbonKey: string | null;
  /** Wh per 1k of each counted unit */
  whPer1k: Record<string, number> | null;
}

function carbonKey(report: Report): string | null {
  const c = report.carbon;
  if (!c) return null;
  return `${c.region.id}|${c.intensity.gPerKWh}|${c.pue.value}`;
}

function resolution(energyWh: number, durationS: number, intervalMs: number): number {
  return durationS > 0 ? (energyWh / durationS) * (intervalMs / 1_000) : 0;
}

interface Figures {
  energyWh: number;
  lowWh: number;
  highWh: number;
  durationS: number;
  work?: { whPer1k: Record<string, number> } | null;
}

/** One observation (total or phase) from its figures and, when known, its emissions. */
function obsOf(
  report: Report,
  f: Figures,
  e: { totalG: number; lowG: number; highG: number } | undefined,
  carbonKnown: boolean,
): Obs {
  return {
    side: {
      energyWh: f.energyWh,
      lowWh: f.lowWh,
      highWh: f.highWh,
      emissionsG: e ? e.totalG : null,
      emissionsLowG: e ? e.lowG : null,
      emissionsHighG: e ? e.highG : null,
      durationS: f.durationS,
    },
    resolutionWh: resolution(f.energyWh, f.durationS, report.intervalMs),
    carbonKey: carbonKnown ? carbonKey(report) : null,
    whPer1k: f.work?.whPer1k ?? null,
  };
}

function totalObs(report: Report): Obs {
  return obsOf(report, report, report.carbon?.emissions, true);
}

function phaseObs(report: Report, name: string): Obs | null {
  const phase = report.phases.find((p) => p.name === name);
  if (!phase) return null;
  const e = report.carbon?.phaseEmissionsG.find((p) => p.name === name);
  return obsOf(report, phase, e, e !== undefined);
}

/** The mean side of several runs (emissions over the runs that have them; null when none has). */
function meanSide(sides: Side[]): Side {
  const m = (f: (s: Side) => number) => mean(sides.map(f));
  const withCarbon = sides.filter((s) => s.emissionsG !== null);
  const mc = (f: (s: Side) => number | null) =>
    withCarbon.length ? mean(withCarbon.map((s) => f(s) ?? 0)) : null;
  return {
    energyWh: m((s) => s.energyWh),
    lowWh: m((s) => s.lowWh),
    highWh: m((s) => s.highWh),
    emissionsG: mc((s) => s.emissionsG),
    emissionsLowG: mc((s) => s.emissionsLowG),
    emissionsHighG: mc((s) => s.emissionsHighG),
    durationS: m((s) => s.durationS),
  };
}

/** The work unit the head and at least one base run count, by preference; null when they share none. */
export function commonWorkUnit(
  head: Record<string, number> | null,
  bases: (Record<string, number> | null)[],
): string | null {
  if (!head) return null;
  const common = Object.keys(head)
    .filter((u) => bases.some((b) => b !== null && Object.hasOwn(b, u)))
    .sort();
  return WORK_UNIT_PREFERENCE.find((u) => common.includes(u)) ?? common[0] ?? null;
}

/**
 * Range of a difference whose two sides share multiplicative model factors: the delta scaled by the
 * widest low/value and high/value ratios of the two sides, then ± the resolution.
 */
function sharedRange(
  delta: number,
  sides: { value: number; low: number; high: number }[],
  resolutionAbs: number,
): [number, number] {
  let rLow = 1;
  let rHigh = 1;
  for (const s of sides) {
    if (s.value <= 0) continue;
    rLow = Math.min(rLow, s.low / s.value);
    rHigh = Math.max(rHigh, s.high / s.value);
  }
  const a = delta * rLow;
  const b = delta * rHigh;
  return [Math.min(a, b) - resolutionAbs, Math.max(a, b) + resolutionAbs];
}

function verdictWords(row: Row, differentHardware: boolean, anyBaseRun: boolean): string {
  const band = row.band;
  const what = row.basis === "energy-per-work" && row.work ? `energy per 1k ${row.work.unit}` : "energy";
  const change =
    row.basis === "energy-per-work" && row.work
      ? formatSignedPct(row.work.deltaPercent)
      : formatSignedPct(row.deltaEnergyPercent);
  switch (row.verdict) {
    case "no-baseline":
      return anyBaseRun && !row.isTotal ? "new: no base run has this phase" : "no base run to compare with";
    case "different-hardware":
      return differentHardware
        ? "different hardware: no base run on the head's CPU model, vCPU count and GPUs"
        : "different hardware";
    default:
      break;
  }
  if (!band) return row.verdict;
  const width = band.percent === null ? "" : ` (±${formatPct(band.percent)})`;
  const where = row.verdict === "within-noise" ? "inside" : "outside";
  const label = row.verdict === "within-noise" ? "within noise" : row.verdict;
  if (!band.noiseKnown) {
    return `${label}, noise unknown: ${what} ${change} is ${where} the assumed default band${width} for one base run`;
  }
  const floorNote =
    band.halfWidth > band.statisticalHalfWidth ? ", widened to the measurement resolution" : "";
  return `${label}: ${what} ${change} is ${where} the ${formatPct((band.confidence ?? 0) * 100)} prediction interval of ${band.n} base runs${width}${floorNote}`;
}

interface RowContext {
  differentHardware: boolean;
  anyBaseRun: boolean;
  tolerance: number;
  confidence: number;
}

function buildRow(
  name: string,
  isTotal: boolean,
  head: Obs | null,
  bases: Obs[],
  ctx: RowContext,
  workUnit: string | null,
): Row {
  const headSide = head?.side ?? null;
  const presence = head && bases.length ? "both" : head ? "added" : "removed";
  const row: Row = {
    name,
    isTotal,
    presence,
    base: bases.length ? meanSide(bases.map((b) => b.side)) : null,
    head: headSide,
    deltaEnergyWh: null,
    deltaEnergyPercent: null,
    deltaEnergyLowWh: null,
    deltaEnergyHighWh: null,
    deltaEmissionsG: null,
    deltaEmissionsPercent: null,
    deltaEmissionsLowG: null,
    deltaEmissionsHighG: null,
    deltaDurationS: null,
    work: null,
    basis: "energy",
    band: null,
    bandPercent: null,
    baseRuns: 0,
    verdict: "no-baseline",
    verdictWords: "",
  };
  const base = row.base;
  if (!base) {
    row.verdictWords = verdictWords(row, ctx.differentHardware, ctx.anyBaseRun);
    return row;
  }
  const h: Side = headSide ?? {
    energyWh: 0,
    lowWh: 0,
    highWh: 0,
    emissionsG: base.emissionsG === null ? null : 0,
    emissionsLowG: base.emissionsG === null ? null : 0,
    emissionsHighG: base.emissionsG === null ? null : 0,
    durationS: 0,
  };
  const headRes = head?.resolutionWh ?? 0;
  const baseRes = mean(bases.map((b) => b.resolutionWh));
  const resWh = headRes + baseRes;
  const present = [...(headSide ? [headSide] : []), base];

  row.deltaEnergyWh = h.energyWh - base.energyWh;
  row.deltaEnergyPercent = percentOf(row.deltaEnergyWh, base.energyWh);
  [row.deltaEnergyLowWh, row.deltaEnergyHighWh] = sharedRange(
    row.deltaEnergyWh,
    present.map((s) => ({ value: s.energyWh, low: s.lowWh, high: s.highWh })),
    resWh,
  );
  if (h.emissionsG !== null && base.emissionsG !== null) {
    row.deltaEmissionsG = h.emissionsG - base.emissionsG;
    row.deltaEmissionsPercent = percentOf(row.deltaEmissionsG, base.emissionsG);
    const keys = new Set([...(head ? [head.carbonKey] : []), ...bases.map((b) => b.carbonKey)]);
    if (keys.size === 1 && !keys.has(null)) {
      const gPerWh = base.energyWh > 0 ? base.emissionsG / base.energyWh : 0;
      [row.deltaEmissionsLowG, row.deltaEmissionsHighG] = sharedRange(
        row.deltaEmissionsG,
        present.map((s) => ({
          value: s.emissionsG ?? 0,
          low: s.emissionsLowG ?? 0,
          high: s.emissionsHighG ?? 0,
        })),
        resWh * gPerWh,
      );
    } else {
      row.deltaEmissionsLowG = (h.emissionsLowG ?? 0) - (base.emissionsHighG ?? 0);
      row.deltaEmissionsHighG = (h.emissionsHighG ?? 0) - (base.emissionsLowG ?? 0);
    }
  }
  row.deltaDurationS = h.durationS - base.durationS;
  if (ctx.differentHardware) {
    row.verdict = "different-hardware";
    row.verdictWords = verdictWords(row, true, true);
    return row;
  }

  // Basis values: Wh per 1k units when the head and some base runs count the unit, else energy.
  let headValue = h.energyWh;
  let baseValues = bases.map((b) => b.side.energyWh);
  let relResolution = base.energyWh > 0 ? resWh / base.energyWh : 0;
  let floorAbs = resWh;
  const unitBases = workUnit ? bases.filter((b) => b.whPer1k?.[workUnit] !== undefined) : [];
  const headWork = workUnit ? head?.whPer1k?.[workUnit] : undefined;
  if (workUnit && headWork !== undefined && unitBases.length > 0) {
    baseValues = unitBases.map((b) => b.whPer1k![workUnit]!);
    headValue = headWork;
    const baseWhPer1k = mean(baseValues);
    row.work = {
      unit: workUnit,
      baseWhPer1k,
      headWhPer1k: headWork,
      deltaPercent: percentOf(headWork - baseWhPer1k, baseWhPer1k),
    };
    row.basis = "energy-per-work";
    floorAbs = relResolution * baseWhPer1k;
  } else {
    relResolution = 0;
  }
  const n = baseValues.length;
  const m = mean(baseValues);
  const pi = predictionInterval(baseValues, ctx.confidence);
  const statistical = pi ? pi.halfWidth : (ctx.tolerance / 100) * m;
  const halfWidth = Math.max(statistical, floorAbs);
  row.band = {
    method: pi ? "prediction-interval" : "default-band",
    noiseKnown: pi !== null,
    n,
    confidence: pi ? ctx.confidence : null,
    mean: m,
    sd: pi ? pi.sd : null,
    t: pi ? pi.t : null,
    statisticalHalfWidth: statistical,
    floor: floorAbs,
    halfWidth,
    percent: m > 0 ? (halfWidth / m) * 100 : null,
  };
  row.bandPercent = row.band.percent;
  row.baseRuns = n;
  const diff = headValue - m;
  row.verdict = diff > halfWidth ? "increase" : diff < -halfWidth ? "decrease" : "within-noise";
  row.verdictWords = verdictWords(row, false, true);
  return row;
}

/**
 * Compare `head` with `baseHistory` (newest first, same key). An empty history gives `no-baseline`
 * everywhere; phases are matched by name, in head order, then phases only the base runs had.
 */
export function compareReports(head: Report, baseHistory: Report[], opts: CompareOptions = {}): Comparison {
  const tolerance = opts.defaultTolerancePercent ?? DEFAULT_TOLERANCE_PERCENT;
  const confidence = opts.confidence ?? DEFAULT_CONFIDENCE;
  const limit = opts.history ?? Infinity;
  const used: Report[] = [];
  const skipped: SkippedRun[] = [];
  for (const r of baseHistory) {
    const differences = hardwareDifferences(r, head);
    if (differences.length > 0) skipped.push({ ...runRef(r), hardwareDifferences: differences });
    else if (used.length < limit) used.push(r);
  }
  const newest = baseHistory[0] ?? null;
  const differentHardware = newest !== null && used.length === 0;
  // With no matching run the deltas are shown against the newest base run, never judged.
  const runs = differentHardware && newest ? [newest] : used;
  const ctx: RowContext = { differentHardware, anyBaseRun: runs.length > 0, tolerance, confidence };

  const headTotal = totalObs(head);
  const baseTotals = runs.map(totalObs);
  const unit = commonWorkUnit(
    headTotal.whPer1k,
    baseTotals.map((b) => b.whPer1k),
  );
  const total = buildRow("total", true, headTotal, baseTotals, ctx, unit);

  const names = head.phases.map((p) => p.name);
  for (const r of runs) for (const p of r.phases) if (!names.includes(p.name)) names.push(p.name);
  const phases = names.map((name) => {
    const headPhase = phaseObs(head, name);
    const basePhases = runs.flatMap((r) => phaseObs(r, name) ?? []);
    // A phase that reports work (in the head and some base runs) is judged per unit of work too.
    const phaseUnit = commonWorkUnit(
      headPhase?.whPer1k ?? null,
      basePhases.map((b) => b.whPer1k),
    );
    return buildRow(name, false, headPhase, basePhases, ctx, phaseUnit);
  });
  const firstUsed = used[0] ?? newest;
  return {
    key: head.identity.key,
    verdict: total.verdict,
    total,
    phases,
    hardwareDifferences: differentHardware && newest ? hardwareDifferences(newest, head) : [],
    base: firstUsed ? runRef(firstUsed) : null,
    baseRunsUsed: used.map(runRef),
    baseRunsSkipped: skipped,
    baseRuns: used.length,
    confidence,
    defaultTolerancePercent: tolerance,
    noiseRule: noiseRuleText(tolerance, confidence),
  };
}
