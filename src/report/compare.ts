/**
 * Compare a head report with the base branch's recent reports of the same key: per phase and in total,
 * energy first (what the code changed), then emissions (which also move with the grid) and duration.
 * Pure: plain reports in, a plain `Comparison` out.
 *
 * Noise rule (also returned as `noiseRule` text for the comment):
 * - With n ≥ 2 base runs on the newest base run's hardware, the band is ±max(k × s / mean, floor), where
 *   s is the sample standard deviation of those runs' energies (or Wh per 1k work units), k = 2 and
 *   floor = 3 %. k = 2 because roughly 95 % of normally distributed run-to-run variation lies within 2 σ:
 *   a delta beyond it is unlikely to be noise alone, while k = 3 would hide real 10-20 % regressions on
 *   runners whose spread is a few percent. The floor is our own guard (not a sourced figure): two
 *   near-identical base runs must not make a 1 % wobble "significant".
 * - With one base run there is no spread to measure, so the band is a default tolerance of ±10 %:
 *   run-to-run variability on shared cloud machines is commonly several percent and sometimes above 10 %
 *   (Laaber, Scheuner & Leitner, "Software microbenchmarking in the cloud. How bad is it really?",
 *   Empirical Software Engineering 24, 2019), and our energy is largely duration × modelled power.
 * - A delta is significant (`increase` / `decrease`) only outside the band.
 * - When both reports count the same unit of work, the total's verdict uses Wh per 1k units, so a PR that
 *   trains twice as long is judged fairly; phases are judged on energy.
 * - Different CPU brand, vCPU count, GPU model or GPU count between head and the newest base run →
 *   `different-hardware`, never a regression.
 */
import type { Report } from "./schema.js";

export type Verdict = "increase" | "decrease" | "within-noise" | "no-baseline" | "different-hardware";

/** k in the noise rule: 2 standard deviations (see the module comment). */
export const NOISE_K = 2;
/** Smallest band with ≥ 2 base runs, percent; our own guard, see the module comment. */
export const NOISE_FLOOR_PERCENT = 3;
/** Band with exactly one base run, percent (Laaber et al., Empirical Software Engineering 24, 2019). */
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
  baseWhPer1k: number;
  headWhPer1k: number;
  deltaPercent: number | null;
}

export interface Row {
  /** phase name, or "total" for the report-level row */
  name: string;
  isTotal: boolean;
  presence: "both" | "added" | "removed";
  base: Side | null;
  head: Side | null;
  deltaEnergyWh: number | null;
  deltaEnergyPercent: number | null;
  /** conservative range: head.low − base.high … head.high − base.low (ranges treated as independent) */
  deltaEnergyLowWh: number | null;
  deltaEnergyHighWh: number | null;
  deltaEmissionsG: number | null;
  deltaEmissionsPercent: number | null;
  deltaDurationS: number | null;
  /** Wh per 1k work units; total row only, when both reports count the same unit */
  work: WorkComparison | null;
  /** what the verdict was judged on */
  basis: "energy" | "energy-per-work";
  /** half-width of the noise band in percent; null when no band applies */
  bandPercent: number | null;
  /** base runs that contributed to the band */
  baseRuns: number;
  verdict: Verdict;
}

export interface Comparison {
  key: string;
  /** the total row's verdict */
  verdict: Verdict;
  total: Row;
  phases: Row[];
  /** "CPU: A → B" lines; empty when the hardware matches */
  hardwareDifferences: string[];
  /** the newest base run compared against */
  base: { sha: string; createdAt: string; runId: string } | null;
  /** base runs on the same hardware as the newest one (used for the band) */
  baseRuns: number;
  /** the noise rule in words, for the "How this was measured" section */
  noiseRule: string;
}

export interface CompareOptions {
  /** band with one base run, percent (default 10) */
  defaultTolerancePercent?: number;
}

export function noiseRuleText(defaultTolerancePercent = DEFAULT_TOLERANCE_PERCENT): string {
  return (
    `A change counts only outside the noise band. With 2 or more base runs the band is ` +
    `±max(${NOISE_K} × their standard deviation relative to their mean, ${NOISE_FLOOR_PERCENT} %); ` +
    `with one base run it is ±${defaultTolerancePercent} % (run-to-run variability on shared cloud machines is ` +
    `often several percent: Laaber et al., Empirical Software Engineering, 2019). The total is judged on Wh per ` +
    `1k work units when both runs report the same unit. Different CPU, vCPU count or GPUs are never called a regression.`
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

/** One side of a row: energy and duration figures plus the matching emissions (null without carbon). */
function side(
  f: { energyWh: number; lowWh: number; highWh: number; durationS: number },
  e: { totalG: number; lowG: number; highG: number } | null | undefined,
): Side {
  return {
    energyWh: f.energyWh,
    lowWh: f.lowWh,
    highWh: f.highWh,
    emissionsG: e ? e.totalG : null,
    emissionsLowG: e ? e.lowG : null,
    emissionsHighG: e ? e.highG : null,
    durationS: f.durationS,
  };
}

function totalSide(report: Report): Side {
  return side(report, report.carbon?.emissions);
}

function phaseSide(report: Report, name: string): Side | null {
  const phase = report.phases.find((p) => p.name === name);
  if (!phase) return null;
  return side(
    phase,
    report.carbon?.phaseEmissionsG.find((p) => p.name === name),
  );
}

/** The work unit both reports count, by preference; null when they share none. */
export function commonWorkUnit(base: Report, head: Report): string | null {
  const b = base.work?.whPer1k;
  const h = head.work?.whPer1k;
  if (!b || !h) return null;
  const common = Object.keys(h)
    .filter((u) => Object.hasOwn(b, u))
    .sort();
  return WORK_UNIT_PREFERENCE.find((u) => common.includes(u)) ?? common[0] ?? null;
}

/** Half-width of the noise band in percent from the base values (newest first); see the module comment. */
export function noiseBandPercent(baseValues: number[], defaultTolerancePercent: number): number {
  if (baseValues.length < 2) return defaultTolerancePercent;
  const mean = baseValues.reduce((a, b) => a + b, 0) / baseValues.length;
  if (mean <= 0) return NOISE_FLOOR_PERCENT;
  const variance = baseValues.reduce((a, v) => a + (v - mean) ** 2, 0) / (baseValues.length - 1);
  return Math.max((NOISE_K * Math.sqrt(variance) * 100) / mean, NOISE_FLOOR_PERCENT);
}

function judge(deltaPercent: number | null, delta: number, band: number): Verdict {
  // A base of zero has no percent: any growth from nothing is outside every band.
  if (deltaPercent === null) return delta > 0 ? "increase" : "within-noise";
  if (deltaPercent > band) return "increase";
  if (deltaPercent < -band) return "decrease";
  return "within-noise";
}

function buildRow(
  name: string,
  isTotal: boolean,
  head: Side | null,
  base: Side | null,
  history: (Side | null)[],
  work: WorkComparison | null,
  workHistory: number[],
  differentHardware: boolean,
  tolerance: number,
): Row {
  const presence = head && base ? "both" : head ? "added" : "removed";
  const row: Row = {
    name,
    isTotal,
    presence,
    base,
    head,
    deltaEnergyWh: null,
    deltaEnergyPercent: null,
    deltaEnergyLowWh: null,
    deltaEnergyHighWh: null,
    deltaEmissionsG: null,
    deltaEmissionsPercent: null,
    deltaDurationS: null,
    work,
    basis: work ? "energy-per-work" : "energy",
    bandPercent: null,
    baseRuns: 0,
    verdict: "no-baseline",
  };
  if (!base) return row;
  const headSide: Side = head ?? {
    energyWh: 0,
    lowWh: 0,
    highWh: 0,
    emissionsG: base.emissionsG === null ? null : 0,
    emissionsLowG: base.emissionsG === null ? null : 0,
    emissionsHighG: base.emissionsG === null ? null : 0,
    durationS: 0,
  };
  row.deltaEnergyWh = headSide.energyWh - base.energyWh;
  row.deltaEnergyPercent = percentOf(row.deltaEnergyWh, base.energyWh);
  row.deltaEnergyLowWh = headSide.lowWh - base.highWh;
  row.deltaEnergyHighWh = headSide.highWh - base.lowWh;
  if (headSide.emissionsG !== null && base.emissionsG !== null) {
    row.deltaEmissionsG = headSide.emissionsG - base.emissionsG;
    row.deltaEmissionsPercent = percentOf(row.deltaEmissionsG, base.emissionsG);
  }
  row.deltaDurationS = headSide.durationS - base.durationS;
  if (differentHardware) {
    row.verdict = "different-hardware";
    return row;
  }
  const values = work ? workHistory : history.filter((s): s is Side => s !== null).map((s) => s.energyWh);
  row.baseRuns = values.length;
  row.bandPercent = noiseBandPercent(values, tolerance);
  row.verdict = work
    ? judge(work.deltaPercent, work.headWhPer1k - work.baseWhPer1k, row.bandPercent)
    : judge(row.deltaEnergyPercent, row.deltaEnergyWh, row.bandPercent);
  return row;
}

/**
 * Compare `head` with `baseHistory` (newest first, same key). An empty history gives `no-baseline`
 * everywhere; phases are matched by name, in head order, then phases only the base had.
 */
export function compareReports(head: Report, baseHistory: Report[], opts: CompareOptions = {}): Comparison {
  const tolerance = opts.defaultTolerancePercent ?? DEFAULT_TOLERANCE_PERCENT;
  const newest = baseHistory[0] ?? null;
  const differences = newest ? hardwareDifferences(newest, head) : [];
  const differentHardware = differences.length > 0;
  // Only runs on the newest base's hardware say anything about its noise.
  const sameHw = newest ? baseHistory.filter((r) => hardwareDifferences(newest, r).length === 0) : [];

  let work: WorkComparison | null = null;
  let workHistory: number[] = [];
  const unit = newest ? commonWorkUnit(newest, head) : null;
  if (newest && unit) {
    const baseWhPer1k = newest.work?.whPer1k[unit] ?? 0;
    const headWhPer1k = head.work?.whPer1k[unit] ?? 0;
    work = {
      unit,
      baseWhPer1k,
      headWhPer1k,
      deltaPercent: percentOf(headWhPer1k - baseWhPer1k, baseWhPer1k),
    };
    workHistory = sameHw.flatMap((r) => {
      const v = r.work?.whPer1k[unit];
      return v === undefined ? [] : [v];
    });
  }

  const total = buildRow(
    "total",
    true,
    totalSide(head),
    newest ? totalSide(newest) : null,
    sameHw.map(totalSide),
    work,
    workHistory,
    differentHardware,
    tolerance,
  );
  const names = head.phases.map((p) => p.name);
  for (const p of newest?.phases ?? []) if (!names.includes(p.name)) names.push(p.name);
  const phases = names.map((name) =>
    buildRow(
      name,
      false,
      phaseSide(head, name),
      newest ? phaseSide(newest, name) : null,
      sameHw.map((r) => phaseSide(r, name)),
      null,
      [],
      differentHardware,
      tolerance,
    ),
  );
  return {
    key: head.identity.key,
    verdict: total.verdict,
    total,
    phases,
    hardwareDifferences: differences,
    base: newest
      ? { sha: newest.identity.sha, createdAt: newest.createdAt, runId: newest.identity.runId }
      : null,
    baseRuns: sameHw.length,
    noiseRule: noiseRuleText(tolerance),
  };
}
