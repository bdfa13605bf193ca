/**
 * The run-to-run noise model behind every verdict (docs/methodology.md, "Verdict statistics"). Pure.
 *
 * Noise is a relative spread (coefficient of variation, CV): much the same across the jobs and phases of one
 * repository on one hardware class. Three sources, combined as a normal model with a scaled-inverse-χ² prior on
 * the variance (Gelman et al., Bayesian Data Analysis, 3rd ed., 2013, §3.3, with a flat prior on the mean):
 *
 *   1. A stated prior: CV σ₀ with ν₀ degrees of freedom (PRIOR below: our assumption, its sources there).
 *   2. The pool: every other row (key × total/phase) of the base branch with two or more matching base runs,
 *      s²_pool = Σ (n_j − 1)·cv_j² / Σ (n_j − 1), counted with at most POOL_MAX_DF degrees of freedom — rows
 *      differ, so the pool says what is typical here, not what this row's noise is.
 *   3. This row's own n base runs: cv² with n − 1 degrees of freedom.
 *
 *   ν_prior = ν₀ + min(Σ (n_j − 1), POOL_MAX_DF),   τ² = (ν₀σ₀² + min(…)·s²_pool) / ν_prior
 *   ν = ν_prior + n − 1,                              σ̂² = (ν_prior·τ² + (n − 1)·cv²) / ν
 *
 * and the head of an unchanged row lies in  mean · (1 ± t(1 − α/2, ν) · √(σ̂²·(1 + 1/n) + shared))  with
 * probability 1 − α, where `shared` = 2·σ_b² when every base run ran on one self-hosted runner and the head on
 * another (their spread cannot contain the offset between runners). Usable from n = 1 (ν = ν_prior); as n grows
 * the row's own spread outweighs the prior and the pool.
 */
import { mean, sampleSd, studentTCdf, studentTQuantile } from "./stats.js";

/**
 * The stated prior, OUR ASSUMPTION (labelled as such wherever it shows):
 * - σ₀ = 4 % run-to-run CV. CodSpeed measured a CV of 2.66 % over 100 runs of four projects' benchmark suites,
 *   each run on a different GitHub-hosted runner ("Benchmarks in CI: Escaping the Cloud Chaos", codspeed.io,
 *   2025-07-30); ML jobs add data loading and caches, so we take about 1.5 × that. Laaber, Scheuner & Leitner
 *   (Empirical Software Engineering 24, 2019) show the range can be far wider (0.03 % to over 100 %), which is why
 *   the prior is weak (ν₀ = 4: worth five runs) and the base branch's own spread soon outweighs it.
 * - σ_b = 3 % between runners, for base runs that all ran on one self-hosted runner while the head ran on
 *   another: of the order of the same 2.66 % CodSpeed measured across machines, rounded up.
 * Our own repeated runs (docs/methodology.md) on a 2-core VM shared with five other builds gave CVs of 25 % and
 * 39 % (ten runs of one CPU-bound command each, load 1.5–8.5 and 10–17): contention of that kind is beyond any
 * prior, and only the base runs' spread can say so.
 */
export const PRIOR = { cvPercent: 4, df: 4, betweenRunnersPercent: 3 } as const;
/**
 * Phase and job rows use a t with at most this many degrees of freedom, whatever the weights: run times on CI
 * have heavy tails (a slow runner, a cold cache), and a normal-theory t with many degrees of freedom understates
 * how often a quiet head lands far out at the small levels those rows are judged at (α/8 for four phases). The
 * total, judged at α/2, keeps its ν. Chosen by the simulation (BENCHMARKS.md §7): with Student-t (3 df) noise
 * and no cap on any row, the whole-comment false alarms reached 7-8 % at n = 10; with the total uncapped, a cap
 * of 6 on the other rows gave 5.3 % (600 trials), 5 gives 4.5 %.
 * σ̂ itself still converges to the row's own spread.
 */
export const MAX_DF = 5;
/** The pool counts as at most this many degrees of freedom (rows of one repository are alike, not equal). */
export const POOL_MAX_DF = 6;
/** A row joins the pool only when its sampling resolution is at most this share of its energy (run noise, not ticks). */
const POOL_MAX_RELATIVE_RESOLUTION = 0.01;

/** One row's base runs as the pool sees them. */
export interface PoolEntry {
  /** "key\u0000row", so a row can leave itself out */
  id: string;
  df: number;
  /** squared CV of the row's base runs */
  cv2: number;
}

/** Pool entries from the values of one row (energy per base run); null when they say nothing about noise. */
export function poolEntry(id: string, values: readonly number[], relativeResolution = 0): PoolEntry | null {
  if (values.length < 2 || relativeResolution > POOL_MAX_RELATIVE_RESOLUTION) return null;
  const m = mean(values);
  const sd = sampleSd(values);
  // identical runs are duplicates or quantised figures: no evidence of zero noise
  if (!(m > 0) || !(sd > 1e-12 * m) || !Number.isFinite(sd)) return null;
  return { id, df: values.length - 1, cv2: (sd / m) ** 2 };
}

export interface PooledNoise {
  df: number;
  /** pooled CV², over the entries' degrees of freedom */
  cv2: number;
  rows: number;
}

/** Pool the entries other than `exclude`; null when none is left. */
export function pooled(entries: readonly PoolEntry[], exclude?: string): PooledNoise | null {
  let df = 0;
  let ss = 0;
  let rows = 0;
  for (const e of entries) {
    if (e.id === exclude) continue;
    df += e.df;
    ss += e.df * e.cv2;
    rows++;
  }
  return df > 0 ? { df, cv2: ss / df, rows } : null;
}

export interface NoiseInput {
  /** this row's base values (energy or Wh per 1k units), one per base run */
  values: readonly number[];
  head: number;
  pool: PooledNoise | null;
  /** every base run ran on one self-hosted runner and the head on another */
  sharedRunnerOffset: boolean;
  /** σ₀ in percent (default PRIOR.cvPercent) */
  priorPercent?: number;
}

export interface NoiseEstimate {
  n: number;
  mean: number;
  /** this row's own spread: sample SD, null with n < 2 */
  sd: number | null;
  /** the base runs are identical (n ≥ 2, s = 0): their spread counts for nothing */
  identical: boolean;
  /** σ₀ and ν₀ as used, percent */
  priorPercent: number;
  /** pooled CV of the other rows, percent, and the degrees of freedom it counted for (capped) */
  poolPercent: number | null;
  poolDf: number;
  poolRows: number;
  /** this row's own CV, percent; null with n < 2 */
  ownPercent: number | null;
  ownDf: number;
  /** posterior CV σ̂, percent, and the degrees of freedom of its t (ν) */
  sigmaPercent: number;
  df: number;
  /** between-runner term added (percent of the mean, already √2-scaled), null when not applied */
  sharedRunnerPercent: number | null;
  /** σ̂·√(1 + 1/n) (+ shared), in the row's unit: the head's predictive scale */
  scale: number;
  /** (head − mean) / scale, and its two-sided p under Student's t with ν degrees of freedom */
  statistic: number;
  pValue: number;
  /** run-to-run noise for the delta's range: the estimate's scale and df once base runs measured any; else null */
  measured: { scale: number; df: number } | null;
}

export function estimateNoise(input: NoiseInput): NoiseEstimate {
  const { values, head, pool } = input;
  const n = values.length;
  const m = mean(values);
  const sd = n >= 2 ? sampleSd(values) : null;
  // equal to the last bits (the mean of equal floats can differ from them by a rounding error)
  const identical = n >= 2 && sd !== null && sd <= 1e-12 * Math.abs(m);
  const ownDf = sd !== null && !identical && m > 0 ? n - 1 : 0;
  const ownCv2 = ownDf > 0 ? ((sd as number) / m) ** 2 : 0;
  const poolDf = pool ? Math.min(pool.df, POOL_MAX_DF) : 0;
  const priorPercent = input.priorPercent ?? PRIOR.cvPercent;
  const prior2 = (priorPercent / 100) ** 2;
  const priorDf = PRIOR.df + poolDf;
  const tau2 = (PRIOR.df * prior2 + poolDf * (pool?.cv2 ?? 0)) / priorDf;
  const weights = priorDf + ownDf;
  const sigma2 = (priorDf * tau2 + ownDf * ownCv2) / weights;
  const df = weights;
  const shared2 = input.sharedRunnerOffset ? 2 * (PRIOR.betweenRunnersPercent / 100) ** 2 : 0;
  const inflate = n > 0 ? 1 + 1 / n : 2;
  const scale = Math.sqrt(sigma2 * inflate + shared2) * m;
  const statistic = scale > 0 ? (head - m) / scale : head === m ? 0 : Infinity * Math.sign(head - m);
  const pValue = twoSidedP(statistic, df);
  // Once base runs have measured anything (own spread or pool), the difference's noise is the estimate's;
  // before that (one base run, nothing else), it is not measured at all and the range leaves it out.
  const measured = ownDf + poolDf > 0 ? { df, scale } : null;
  return {
    n,
    mean: m,
    sd,
    identical,
    priorPercent,
    poolPercent: pool ? Math.sqrt(pool.cv2) * 100 : null,
    poolDf,
    poolRows: pool?.rows ?? 0,
    ownPercent: ownDf > 0 ? Math.sqrt(ownCv2) * 100 : identical ? 0 : null,
    ownDf,
    sigmaPercent: Math.sqrt(sigma2) * 100,
    df,
    sharedRunnerPercent: shared2 > 0 ? Math.sqrt(shared2) * 100 : null,
    scale,
    statistic,
    pValue,
    measured,
  };
}

/** Two-sided p of a t statistic with `df` degrees of freedom (0 for an infinite statistic). */
export function twoSidedP(statistic: number, df: number): number {
  if (!Number.isFinite(statistic)) return 0;
  return Math.min(1, Math.max(0, 2 * (1 - studentTCdf(Math.abs(statistic), df))));
}

/** Half-width of the two-sided interval at level `alpha` for a predictive scale with `df` degrees of freedom. */
export function halfWidthAt(scale: number, df: number, alpha: number): number {
  return studentTQuantile(1 - alpha / 2, df) * scale;
}

/**
 * Weighted Holm (Holm 1979, Scand. J. Statist. 6; weights as in Benjamini & Hochberg 1997, Scand. J. Statist.
 * 24): strong control of the family-wise error rate at `alpha` under any dependence between the tests. Returns,
 * per test, whether it is rejected and the level it was judged at: for a rejected test the level of its step, for
 * the others α·w_i / Σ w over the tests not rejected (the most lenient level they could have met).
 */
export function weightedHolm(
  tests: readonly { p: number; weight: number }[],
  alpha: number,
): { rejected: boolean; level: number }[] {
  const out = tests.map(() => ({ rejected: false, level: 0 }));
  const order = tests
    .map((t, i) => ({ ...t, i }))
    .filter((t) => t.weight > 0)
    .sort((a, b) => a.p / a.weight - b.p / b.weight);
  let remaining = order.reduce((a, t) => a + t.weight, 0);
  let stopped = false;
  for (const t of order) {
    const level = (alpha * t.weight) / remaining;
    if (!stopped && t.p <= level) {
      out[t.i] = { rejected: true, level };
      remaining -= t.weight;
    } else stopped = true;
  }
  for (const t of order) if (!out[t.i]!.rejected) out[t.i]!.level = (alpha * t.weight) / remaining;
  return out;
}

/** Family weights: the headline's total carries half of α, the other rows share the other half equally. */
export function familyWeights(others: number): { total: number; each: number } {
  return others === 0 ? { total: 1, each: 0 } : { total: 0.5, each: 0.5 / others };
}
