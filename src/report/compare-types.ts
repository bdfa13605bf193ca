/**
 * The plain data a comparison produces (compare.ts builds it, family.ts judges it, the renderers print it).
 * Types only, so the modules that build and judge a comparison can share them without importing each other.
 */
export type Verdict =
  "increase" | "decrease" | "within-noise" | "no-baseline" | "different-hardware" | "not-comparable";

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

/** Where the row's noise estimate came from (noise.ts), percents are CVs. */
export interface NoiseSources {
  priorPercent: number;
  priorDf: number;
  /** pooled CV of the base branch's other rows, and the degrees of freedom it counted for */
  poolPercent: number | null;
  poolDf: number;
  poolRows: number;
  /** this row's own CV (null with one base run), and its degrees of freedom */
  ownPercent: number | null;
  ownDf: number;
  /** the base runs are identical: their spread counts for nothing */
  identical: boolean;
  /** the estimate σ̂ and its degrees of freedom */
  sigmaPercent: number;
  df: number;
  /** the between-runner term, when every base run shared one self-hosted runner and the head ran on another */
  sharedRunnerPercent: number | null;
}

/** The noise band a row was judged with, in the row's basis unit (Wh, or Wh per 1k work units). */
export interface Band {
  method: "predictive";
  /** true when base runs measured the noise (this row's spread or the pool); false: the prior alone */
  noiseKnown: boolean;
  /** base runs behind the band */
  n: number;
  /** the level this row was judged at, after the multiplicity correction (e.g. 0.975) */
  confidence: number;
  /** rows judged together in this comment (1: the total alone) */
  familySize: number;
  mean: number;
  /** this row's own sample SD; null with n = 1 */
  sd: number | null;
  noise: NoiseSources;
  /** the head's value in the basis unit */
  head: number;
  /** predictive scale σ̂·√(1 + 1/n) (+ between-runner term), basis unit */
  scale: number;
  /** two-sided p of the head under the noise model, with `df` */
  pValue: number;
  /** degrees of freedom of the t used: ν for the total, at most MAX_DF for phase and job rows (noise.ts) */
  df: number;
  /** t quantile at `confidence` */
  t: number;
  /** half-width before the floor: t · scale */
  statisticalHalfWidth: number;
  /** sampling resolution (head + base), only where boundaries fell between ticks */
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
  /** range of the difference: model part per component, resolution, measured run-to-run noise (module comment) */
  deltaEnergyLowWh: number | null;
  deltaEnergyHighWh: number | null;
  /** the run-to-run noise part of that range (± Wh); null when no base runs measured it yet */
  deltaNoiseWh: number | null;
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
  /** the verdict in words */
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
  /** the method in words, for the "How this was measured" section */
  noiseRule: string;
}
