/**
 * Small, dependency-free statistics for the verdict: mean, sample standard deviation, Student's t
 * quantiles and the prediction interval for one new observation. Pure.
 *
 * Student's t CDF via the regularized incomplete beta function:
 *   P(T ≤ t) = 1 − ½ · I_{ν/(ν+t²)}(ν/2, ½)   for t ≥ 0
 * (the standard identity between the t and beta distributions), with I evaluated by its continued fraction
 * (modified Lentz method) and the quantile found by bisection. Checked in the tests against the printed
 * table of upper critical values of Student's t (NIST/SEMATECH e-Handbook of Statistical Methods, 1.3.6.7.2).
 */

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  return values.reduce((a, v) => a + v, 0) / values.length;
}

/** Sample standard deviation (n − 1 denominator); NaN for fewer than two values. */
export function sampleSd(values: readonly number[]): number {
  if (values.length < 2) return NaN;
  const m = mean(values);
  const ss = values.reduce((a, v) => a + (v - m) ** 2, 0);
  return Math.sqrt(ss / (values.length - 1));
}

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, n = 9; relative error below 1e-13). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction for the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/**
 * Regularized incomplete beta I_x(a, b), 0 ≤ x ≤ 1. `oneMinusX` may be given when the caller knows 1 − x
 * more precisely than the subtraction would give it (x close to 1).
 */
export function regularizedBeta(x: number, a: number, b: number, oneMinusX = 1 - x): number {
  if (x <= 0) return 0;
  if (oneMinusX <= 0) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(oneMinusX),
  );
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, oneMinusX)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom (df > 0). */
export function studentTCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * regularizedBeta(x, df / 2, 0.5, (t * t) / (df + t * t));
  return t >= 0 ? 1 - tail : tail;
}

/** p → df → quantile; a verdict asks for few distinct pairs, many times. */
const quantileCache = new Map<number, Map<number, number>>();

/** The `p` quantile of Student's t with `df` degrees of freedom, 0.5 ≤ p < 1 (bisection to 1e-10, memoized). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p >= 0.5 && p < 1)) throw new RangeError(`p must be in [0.5, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`df must be positive, got ${df}`);
  let byDf = quantileCache.get(p);
  if (!byDf) {
    if (quantileCache.size > 100) quantileCache.clear();
    byDf = new Map();
    quantileCache.set(p, byDf);
  }
  let q = byDf.get(df);
  if (q === undefined) {
    if (byDf.size > 1_000) byDf.clear();
    q = bisectQuantile(p, df);
    byDf.set(df, q);
  }
  return q;
}

function bisectQuantile(p: number, df: number): number {
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-10 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
