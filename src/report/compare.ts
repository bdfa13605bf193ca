/**
 * Compare a head report with the base branch's recent reports of the same key: per phase and in total,
 * energy first (what the code changed), then emissions (which also move with the grid) and duration.
 * Pure: plain reports in, a plain `Comparison` out (JSON-serialisable; the renderers and `compare --json`
 * print it as is). docs/methodology.md ("Verdict statistics") gives the reasoning and the simulation.
 *
 * Method, the same for every phase row and the total row:
 * 1. Base runs: of the history (newest first), the first `history` runs whose hardware class matches the
 *    head (CPU brand string, vCPU count, GPU models) are used; the others are listed in `baseRunsSkipped`.
 *    No matching run at all → `different-hardware`: deltas shown against the newest base run, never judged.
 * 2. Basis: energy (Wh), or Wh per 1k work units when the head and a used base run count the same unit.
 * 3. Noise (noise.ts): this row's own spread, the pooled spread of the base branch's other rows (this key's
 *    other rows and, through `pool`, the other keys' rows the caller downloaded) and a stated prior; usable
 *    from one base run. The head of an unchanged row falls outside mean ± t(ν)·scale with probability α.
 * 4. Floor: the sampling resolution, only where it is real (delta-range.ts): phase boundaries between ticks,
 *    sampled GPU power at the run's edges; totals read from counters have none.
 * 5. Verdict, one false-alarm rate per comment (family.ts): the total carries half of α, the phase rows share
 *    the other half, weighted Holm over them. A row is `increase` / `decrease` when its head is outside its
 *    band (at its Holm level, and beyond the floor).
 * 6. Degenerate cases say what they are (`not-comparable`): a base of zero or tiny energy; phases judged on
 *    energy when the job's work count changed (the total is judged per unit of work then); every row of a head
 *    whose samples end before the job did (report.coverage: a sampler that crashed, was killed or hung).
 * 7. Delta range: the uncertainty of the difference: the model part per component that changed (shared
 *    factors scale it, never widen it around zero), the resolution, and the run-to-run noise the base branch
 *    measured (own spread and pool; with nothing measured yet, none, and the words say so).
 */
import { describeCoverage } from "./coverage.js";
import type { Report } from "../model/report.js";
import {
  componentsOf,
  meanComponents,
  modelDeviation,
  resolutionWh,
  type Components,
} from "./delta-range.js";
import { formatPct, judgeFamily } from "./family.js";
import { estimateNoise, poolEntry, pooled, PRIOR, type PoolEntry } from "./noise.js";
import { mean, studentTQuantile } from "./stats.js";
import type { BaseRunRef, Comparison, Row, Side, SkippedRun } from "./compare-types.js";

export type {
  Band,
  BaseRunRef,
  Comparison,
  NoiseSources,
  Row,
  Side,
  SkippedRun,
  Verdict,
  WorkComparison,
} from "./compare-types.js";

/** Default confidence: the whole comment's false-alarm rate is 1 − this. */
export const DEFAULT_CONFIDENCE = 0.95;
/** A base below this energy cannot anchor a relative change (3.6 mJ: far below any measured run). */
export const TINY_BASE_WH = 1e-6;
/** Preferred work units when both reports count several; otherwise the first common one alphabetically. */
const WORK_UNIT_PREFERENCE = ["samples", "tokens", "images", "examples", "steps", "batches", "epochs"];

export interface CompareOptions {
  /** run-to-run spread of the prior, percent (default PRIOR.cvPercent, our assumption) */
  priorNoisePercent?: number;
  /** the whole comment's confidence, 0.5 … 0.999 (default 0.95) */
  confidence?: number;
  /** at most this many matching base runs are used (default: all given) */
  history?: number;
  /** other keys' base rows (poolEntriesFor), already downloaded by the caller */
  pool?: PoolEntry[];
  /**
   * The base runs shared one runner's offset and the head did not (noise.ts); default: read from the reports'
   * runners. A matrix total says it for its jobs, whose summed reports carry one template runner.
   */
  sharedRunnerOffset?: boolean;
}

/**
 * The noise rule in words: the comment's "Noise rule" line and README's "How a change is judged" section
 * print exactly this (test/report/noise-rule.test.ts keeps them equal).
 */
export function noiseRuleText(
  confidence = DEFAULT_CONFIDENCE,
  priorPercent: number = PRIOR.cvPercent,
): string {
  const alpha = formatPct((1 - confidence) * 100);
  return (
    `Only base runs on the same hardware (CPU model, vCPU count, GPUs) are used. Run-to-run noise comes from ` +
    `this row's base runs, the other jobs and phases of the base branch, and a prior of ${formatPct(priorPercent)} ` +
    `(our assumption, worth ${PRIOR.df + 1} runs): one base run is enough, and the row's own spread takes over as ` +
    `its history grows. A change counts when the head lies outside the range one more base run would fall in. ` +
    `The total and the rows share one ${alpha} false-alarm rate (Holm's method), so a comment where nothing ` +
    `changed flags something at most ${alpha} of the time. Sampling resolution widens the band only where a ` +
    `phase boundary fell between two samples. With the same unit of work in head and base, the total is judged ` +
    `per 1,000 units. The change's range adds measured noise to the model uncertainty of what changed.`
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

/** A runner that keeps its offset from run to run: a named self-hosted runner; GitHub-hosted VMs are fresh. */
function runnerIdentity(r: Report): string | null {
  return r.runner.githubHosted === false ? `self-hosted:${r.runner.name}` : null;
}

/** Every base run ran on one self-hosted runner and the head on another (noise.ts: the between-runner term). */
function sharedRunnerOffset(head: Report, bases: readonly Report[]): boolean {
  if (bases.length < 2) return false;
  const ids = new Set(bases.map(runnerIdentity));
  const only = [...ids][0];
  return ids.size === 1 && only !== null && only !== undefined && runnerIdentity(head) !== only;
}

/** One run's figures for one row, with what the range and band need. */
interface Obs {
  side: Side;
  resolutionWh: number;
  /** intensity × PUE identity; emissions ranges scale together only when equal */
  carbonKey: string | null;
  whPer1k: Record<string, number> | null;
  components: Components | null;
}

function carbonKey(report: Report): string | null {
  const c = report.carbon;
  if (!c) return null;
  return `${c.region.id}|${c.intensity.gPerKWh}|${c.pue.value}`;
}

function sideOf(
  f: { energyWh: number; lowWh: number; highWh: number; durationS: number },
  e: { totalG: number; lowG: number; highG: number } | undefined,
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

function totalObs(report: Report): Obs {
  return {
    side: sideOf(report, report.carbon?.emissions),
    resolutionWh: resolutionWh(report, null),
    carbonKey: carbonKey(report),
    whPer1k: report.work?.whPer1k ?? null,
    components: componentsOf(report.phases),
  };
}

function phaseObs(report: Report, name: string): Obs | null {
  const phase = report.phases.find((p) => p.name === name);
  if (!phase) return null;
  const e = report.carbon?.phaseEmissionsG.find((p) => p.name === name);
  return {
    side: sideOf(phase, e),
    resolutionWh: resolutionWh(report, name),
    carbonKey: e !== undefined ? carbonKey(report) : null,
    whPer1k: phase.work?.whPer1k ?? null,
    components: componentsOf([phase]),
  };
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

/** Work counts that differ by more than this share are another workload, not noise. */
const WORK_CHANGE_TOLERANCE = 0.01;

/** "samples 20000 vs 10000 in the base" when the head's count of `unit` differs from the base runs' mean. */
function workChange(head: Report, runs: readonly Report[], unit: string | null): string | null {
  if (!unit) return null;
  const h = head.work?.units[unit];
  const b = runs.flatMap((r) => r.work?.units[unit] ?? []);
  if (h === undefined || b.length === 0) return null;
  const m = mean(b);
  if (!(m > 0) || Math.abs(h / m - 1) <= WORK_CHANGE_TOLERANCE) return null;
  return `${unit} ${Math.round(h)} vs ${Math.round(m)} in the base`;
}

const poolId = (key: string, row: string) => `${key}\u0000${row}`;

/**
 * Pool entries (noise.ts) of one key's base history: its total and every phase with two or more base runs
 * on the head's hardware (the first `history` of them), on energy. The pool of a PR is the concatenation over
 * the keys whose base runs the caller already downloaded.
 */
export function poolEntriesFor(
  head: Report,
  baseHistory: readonly Report[],
  history = Infinity,
): PoolEntry[] {
  const used = baseHistory.filter((r) => sameHardware(r, head)).slice(0, history);
  if (used.length < 2) return [];
  const key = head.identity.key;
  const entries: PoolEntry[] = [];
  const relRes = (values: number[], res: number[]) => {
    const m = mean(values);
    return m > 0 ? mean(res) / m : Infinity;
  };
  const totals = used.map((r) => r.energyWh);
  const total = poolEntry(
    poolId(key, "total"),
    totals,
    relRes(
      totals,
      used.map((r) => resolutionWh(r, null)),
    ),
  );
  if (total) entries.push(total);
  const names = new Set(used.flatMap((r) => r.phases.map((p) => p.name)));
  for (const name of names) {
    const runs = used.filter((r) => r.phases.some((p) => p.name === name));
    const values = runs.map((r) => r.phases.find((p) => p.name === name)!.energyWh);
    // a phase that is the whole job is the total again, not a second row
    const whole = runs.every((r, i) => Math.abs(r.energyWh - values[i]!) <= 1e-9 * Math.max(1, r.energyWh));
    if (whole) continue;
    const e = poolEntry(
      poolId(key, name),
      values,
      relRes(
        values,
        runs.map((r) => resolutionWh(r, name)),
      ),
    );
    if (e) entries.push(e);
  }
  return entries;
}

interface RowContext {
  key: string;
  differentHardware: boolean;
  anyBaseRun: boolean;
  confidence: number;
  /** other keys' rows */
  pool: PoolEntry[];
  /** this key's rows */
  own: PoolEntry[];
  sharedRunner: boolean;
  priorPercent: number;
}

function emptyRow(name: string, isTotal: boolean, head: Obs | null, bases: Obs[]): Row {
  return {
    name,
    isTotal,
    presence: head && bases.length ? "both" : head ? "added" : "removed",
    base: bases.length ? meanSide(bases.map((b) => b.side)) : null,
    head: head?.side ?? null,
    deltaEnergyWh: null,
    deltaEnergyPercent: null,
    deltaEnergyLowWh: null,
    deltaEnergyHighWh: null,
    deltaNoiseWh: null,
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
}

function buildRow(
  name: string,
  isTotal: boolean,
  head: Obs | null,
  bases: Obs[],
  ctx: RowContext,
  workUnit: string | null,
): Row {
  const row = emptyRow(name, isTotal, head, bases);
  const base = row.base;
  if (!base) {
    row.verdictWords =
      ctx.anyBaseRun && !isTotal ? "new: no base run has this phase" : "no base run to compare with";
    return row;
  }
  const h: Side = head?.side ?? {
    energyWh: 0,
    lowWh: 0,
    highWh: 0,
    emissionsG: base.emissionsG === null ? null : 0,
    emissionsLowG: base.emissionsG === null ? null : 0,
    emissionsHighG: base.emissionsG === null ? null : 0,
    durationS: 0,
  };
  const resWh = (head?.resolutionWh ?? 0) + mean(bases.map((b) => b.resolutionWh));
  row.deltaEnergyWh = h.energyWh - base.energyWh;
  row.deltaEnergyPercent = percentOf(row.deltaEnergyWh, base.energyWh);
  row.deltaDurationS = h.durationS - base.durationS;

  // Basis values: Wh per 1k units when the head and some base runs count the unit, else energy.
  let headValue = h.energyWh;
  let baseValues = bases.map((b) => b.side.energyWh);
  let toBasis = 1;
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
    toBasis = base.energyWh > 0 ? baseWhPer1k / base.energyWh : 0;
  }
  const noise = estimateNoise({
    values: baseValues,
    head: headValue,
    // this key's other rows count only where they hold runs this row lacks (the same runs twice are no news)
    pool: pooled(
      [...ctx.pool, ...ctx.own.filter((e) => e.df + 1 > baseValues.length)],
      poolId(ctx.key, name),
    ),
    sharedRunnerOffset: ctx.sharedRunner,
    priorPercent: ctx.priorPercent,
  });

  // The delta's range: model part per component, resolution, and the run-to-run noise base runs measured.
  const [below, above] = modelDeviation(
    { side: { value: h.energyWh, low: h.lowWh, high: h.highWh }, components: head?.components ?? null },
    {
      side: { value: base.energyWh, low: base.lowWh, high: base.highWh },
      components: bases.every((b) => b.components?.size)
        ? meanComponents(bases.map((b) => b.components!))
        : null,
    },
  );
  const noiseWh =
    noise.measured && noise.mean > 0
      ? studentTQuantile(1 - (1 - ctx.confidence) / 2, noise.measured.df) *
        (noise.measured.scale / noise.mean) *
        base.energyWh
      : null;
  row.deltaNoiseWh = noiseWh;
  row.deltaEnergyLowWh = row.deltaEnergyWh + below - resWh - (noiseWh ?? 0);
  row.deltaEnergyHighWh = row.deltaEnergyWh + above + resWh + (noiseWh ?? 0);
  emissionsDelta(row, h, base, head, bases);

  if (ctx.differentHardware) {
    row.verdict = "different-hardware";
    row.verdictWords = "different hardware: no base run on the head's CPU model, vCPU count and GPUs";
    return row;
  }
  row.baseRuns = noise.n;
  if (!(base.energyWh >= TINY_BASE_WH) || !(noise.mean > 0)) {
    row.verdict = "not-comparable";
    row.verdictWords = `not comparable: the base ${base.energyWh > 0 ? "used almost no energy" : "used no energy"} (${base.energyWh.toPrecision(2)} Wh), so a relative change means nothing`;
    return row;
  }
  const floor = resWh * toBasis;
  row.band = {
    method: "predictive",
    noiseKnown: noise.ownDf + noise.poolDf > 0,
    n: noise.n,
    confidence: ctx.confidence,
    familySize: 1,
    mean: noise.mean,
    sd: noise.sd,
    noise: {
      priorPercent: noise.priorPercent,
      priorDf: PRIOR.df,
      poolPercent: noise.poolPercent,
      poolDf: noise.poolDf,
      poolRows: noise.poolRows,
      ownPercent: noise.ownPercent,
      ownDf: noise.ownDf,
      identical: noise.identical,
      sigmaPercent: noise.sigmaPercent,
      df: noise.df,
      sharedRunnerPercent: noise.sharedRunnerPercent,
    },
    head: headValue,
    scale: noise.scale,
    pValue: noise.pValue,
    df: noise.df,
    t: 0,
    statisticalHalfWidth: 0,
    floor,
    halfWidth: 0,
    percent: null,
  };
  row.verdict = "within-noise";
  return row;
}

/** Emissions delta and range: scaled with the energy range when both sides share region, intensity and PUE. */
function emissionsDelta(row: Row, h: Side, base: Side, head: Obs | null, bases: Obs[]): void {
  if (h.emissionsG === null || base.emissionsG === null) return;
  row.deltaEmissionsG = h.emissionsG - base.emissionsG;
  row.deltaEmissionsPercent = percentOf(row.deltaEmissionsG, base.emissionsG);
  const keys = new Set([...(head ? [head.carbonKey] : []), ...bases.map((b) => b.carbonKey)]);
  if (keys.size === 1 && !keys.has(null) && row.deltaEnergyWh !== null && base.energyWh > 0) {
    // g per Wh, and the carbon factors' own range (intensity × PUE), shared by both sides
    const gPerWh = base.emissionsG / base.energyWh;
    const ratio = (v: number | null, e: number) =>
      base.emissionsG! > 0 && e > 0 ? (v ?? 0) / base.emissionsG! / (e / base.energyWh) : 1;
    const fLow = Math.min(1, ratio(base.emissionsLowG, base.lowWh));
    const fHigh = Math.max(1, ratio(base.emissionsHighG, base.highWh));
    const d = row.deltaEmissionsG;
    const lo = (row.deltaEnergyLowWh ?? 0) * gPerWh - row.deltaEnergyWh * gPerWh;
    const hi = (row.deltaEnergyHighWh ?? 0) * gPerWh - row.deltaEnergyWh * gPerWh;
    const a = d + lo;
    const b = d + hi;
    row.deltaEmissionsLowG = Math.min(a * fLow, a * fHigh);
    row.deltaEmissionsHighG = Math.max(b * fLow, b * fHigh);
  } else {
    row.deltaEmissionsLowG = (h.emissionsLowG ?? 0) - (base.emissionsHighG ?? 0);
    row.deltaEmissionsHighG = (h.emissionsHighG ?? 0) - (base.emissionsLowG ?? 0);
  }
}

/**
 * Compare `head` with `baseHistory` (newest first, same key). An empty history gives `no-baseline`
 * everywhere; phases are matched by name, in head order, then phases only the base runs had.
 */
/** A judged row (one with a band) that must not be judged after all: `not-comparable`, with why, and no band. */
function withdrawVerdict(row: Row, words: string): void {
  if (row.band === null) return;
  row.band = null;
  row.bandPercent = null;
  row.verdict = "not-comparable";
  row.verdictWords = words;
}

export function compareReports(head: Report, baseHistory: Report[], opts: CompareOptions = {}): Comparison {
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
  const key = head.identity.key;
  const ctx: RowContext = {
    key,
    differentHardware,
    anyBaseRun: runs.length > 0,
    confidence,
    pool: (opts.pool ?? []).filter((e) => !e.id.startsWith(`${key}\u0000`)),
    own: poolEntriesFor(head, used),
    sharedRunner: opts.sharedRunnerOffset ?? sharedRunnerOffset(head, used),
    priorPercent: opts.priorNoisePercent ?? PRIOR.cvPercent,
  };

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
    const phaseUnit = commonWorkUnit(
      headPhase?.whPer1k ?? null,
      basePhases.map((b) => b.whPer1k),
    );
    return buildRow(name, false, headPhase, basePhases, ctx, phaseUnit);
  });
  // The job did other work than its base runs: a phase judged on energy cannot tell code from workload.
  const changed = workChange(head, runs, unit);
  if (changed && !differentHardware) {
    for (const p of phases)
      if (p.basis === "energy")
        withdrawVerdict(
          p,
          `not comparable on energy: the job's work changed (${changed}); the total is judged per 1k ${unit}`,
        );
  }
  // Samples that end before the job did: the head's figures are too small, so no verdict is drawn on them.
  if (head.coverage && !differentHardware) {
    const why = describeCoverage(head.coverage);
    for (const row of [total, ...phases]) withdrawVerdict(row, `not comparable: ${why}`);
  }
  // One phase that is the whole job is the total's row, not a second test.
  const mirrors = (p: Row) =>
    phases.length === 1 &&
    p.band !== null &&
    total.band !== null &&
    Math.abs(p.band.head - total.band.head) <= 1e-9 * Math.max(1, Math.abs(total.band.head)) &&
    Math.abs(p.band.mean - total.band.mean) <= 1e-9 * Math.max(1, Math.abs(total.band.mean));
  judgeFamily(
    total,
    phases.filter((p) => !mirrors(p)),
    confidence,
  );
  for (const p of phases) if (mirrors(p)) judgeFamily(p, [], confidence);
  const firstUsed = used[0] ?? newest;
  return {
    key,
    verdict: total.verdict,
    total,
    phases,
    hardwareDifferences: differentHardware && newest ? hardwareDifferences(newest, head) : [],
    base: firstUsed ? runRef(firstUsed) : null,
    baseRunsUsed: used.map(runRef),
    baseRunsSkipped: skipped,
    baseRuns: used.length,
    confidence,
    noiseRule: noiseRuleText(confidence, opts.priorNoisePercent ?? PRIOR.cvPercent),
  };
}
