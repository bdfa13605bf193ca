/**
 * Many jobs' reports as one: the totals of a matrix (mode: report / publish) and their comparison with
 * the summed base runs. Pure; used by the aggregate flow and the wide-workflow benchmark.
 */
import { compareReports, DEFAULT_CONFIDENCE, poolEntriesFor, type Comparison } from "./compare.js";
import type { JobInput } from "./comment-model.js";
import { judgeFamily } from "./family.js";
import type { PoolEntry } from "./noise.js";
import { MAX_FIGURE, type Identity, type Phase, type Report } from "../model/report.js";

function mergeByName<T extends { name: string }>(items: T[], merge: (a: T, b: T) => T): T[] {
  const byName = new Map<string, T>();
  for (const item of items) {
    const seen = byName.get(item.name);
    byName.set(item.name, seen ? merge(seen, item) : item);
  }
  return [...byName.values()];
}

/**
 * One report for several jobs: energies, durations (job-seconds) and emissions summed, phases merged by
 * name. Hardware, runner and region come from `template` (only the totals are read from the result);
 * per-component detail and work units are dropped, since they do not add up across machines.
 */
export function sumReports(reports: Report[], template: Report, identity?: Identity): Report {
  // Sums stay within what a report may hold: counts (samples) at Number.MAX_SAFE_INTEGER, figures (Wh, s,
  // g) at MAX_FIGURE. Each report is within them, but a sum of many need not be; past them a sum is capped
  // and the total says so, instead of a total that no longer validates (and no comment at all).
  let capped = false;
  /** a + b within `max`; notes when the cap applied */
  const add =
    (max: number) =>
    (a: number, b: number): number => {
      if (a + b <= max) return a + b;
      capped = true;
      return max;
    };
  const count = add(Number.MAX_SAFE_INTEGER);
  const figure = add(MAX_FIGURE);
  const sum = (f: (r: Report) => number, plus: (a: number, b: number) => number = figure): number =>
    reports.reduce((a, r) => plus(a, f(r)), 0);
  const phases = mergeByName<Phase>(
    reports.flatMap((r) =>
      r.phases.map((p) => ({ ...p, components: [], gaps: [], meanCpuUtil: null, meanGpuUtil: null })),
    ),
    (a, b) => ({
      ...a,
      startedAt: a.startedAt < b.startedAt ? a.startedAt : b.startedAt,
      durationS: figure(a.durationS, b.durationS),
      energyWh: figure(a.energyWh, b.energyWh),
      lowWh: figure(a.lowWh, b.lowWh),
      highWh: figure(a.highWh, b.highWh),
      samples: count(a.samples, b.samples),
    }),
  ).slice(0, 1_000);
  let carbon: Report["carbon"] = null;
  const carbons = reports.map((r) => r.carbon);
  const firstCarbon = carbons[0];
  if (firstCarbon && carbons.every((c) => c !== null)) {
    const e = (k: keyof NonNullable<Report["carbon"]>["emissions"]): number =>
      sum((r) => r.carbon?.emissions[k] ?? 0);
    carbon = {
      ...firstCarbon,
      emissions: {
        operationalG: e("operationalG"),
        operationalLowG: e("operationalLowG"),
        operationalHighG: e("operationalHighG"),
        embodiedG: e("embodiedG"),
        embodiedLowG: e("embodiedLowG"),
        embodiedHighG: e("embodiedHighG"),
        totalG: e("totalG"),
        lowG: e("lowG"),
        highG: e("highG"),
      },
      phaseEmissionsG: mergeByName(
        reports.flatMap((r) => r.carbon?.phaseEmissionsG ?? []),
        (a, b) => ({
          name: a.name,
          totalG: figure(a.totalG, b.totalG),
          lowG: figure(a.lowG, b.lowG),
          highG: figure(a.highG, b.highG),
        }),
      ).slice(0, 1_000),
      notes: [],
    };
  }
  const starts = reports.map((r) => r.startedAt).sort();
  // A job whose samples end early makes the sum too small as well (budgets fail closed on it, see budgets.ts).
  const short = reports.flatMap((r) => (r.coverage ? [r.coverage] : []));
  const { coverage: _templateCoverage, ...rest } = template;
  return {
    ...rest,
    ...(short.length
      ? {
          coverage: {
            recordedS: sum((r) => r.coverage?.recordedS ?? r.durationS),
            jobS: sum((r) => r.coverage?.jobS ?? r.durationS),
            reason:
              short.length === 1
                ? `one job's samples end early: ${short[0]!.reason}`
                : `${short.length} jobs' samples end early`,
          },
        }
      : {}),
    identity: identity ?? template.identity,
    command: null,
    exitCode: null,
    signal: null,
    startedAt: starts[0] ?? template.startedAt,
    durationS: sum((r) => r.durationS),
    energyWh: sum((r) => r.energyWh),
    lowWh: sum((r) => r.lowWh),
    highWh: sum((r) => r.highWh),
    samples: sum((r) => r.samples, count),
    phases,
    carbon,
    work: null,
    warnings: capped
      ? [
          `a sum over the jobs passed the largest figure a report holds (samples ${Number.MAX_SAFE_INTEGER}, other figures ${MAX_FIGURE}) and was capped there; an input report's figures are implausible`,
        ]
      : [],
  };
}

/**
 * The noise pool of a matrix: every job's base rows (total and phases, two or more base runs on its
 * hardware). Reports the base lookups already downloaded, no more.
 */
export function matrixPool(jobs: JobInput[], history = Infinity): PoolEntry[] {
  return jobs.flatMap((j) => poolEntriesFor(j.head, j.history, history));
}

/**
 * Compare the summed jobs that have a comparable base with the summed base runs (index by index), and judge
 * the matrix total and the jobs' totals as one family: the rows the comment shows cry wolf ≤ α together.
 * Returns the matrix total's comparison; the jobs' comparisons are replaced by re-judged copies in `jobs`.
 */
export function totalComparison(
  jobs: JobInput[],
  total: Report,
  opts: { pool?: PoolEntry[]; confidence?: number } = {},
): Comparison {
  const confidence = opts.confidence ?? DEFAULT_CONFIDENCE;
  const pool = opts.pool ?? matrixPool(jobs);
  const comparable = jobs.filter((j) =>
    ["increase", "decrease", "within-noise"].includes(j.comparison?.verdict ?? "no-baseline"),
  );
  if (comparable.length === 0) return compareReports(total, [], { confidence });
  const head = sumReports(
    comparable.map((j) => j.head),
    total,
  );
  const depth = Math.min(...comparable.map((j) => j.history.length));
  const bases: Report[] = [];
  for (let i = 0; i < depth; i++) {
    bases.push(
      sumReports(
        comparable.map((j) => j.history[i] as Report),
        total,
      ),
    );
  }
  // summed reports carry one template runner: the jobs' own comparisons know whether base runs shared one
  const sharedRunnerOffset = comparable.some(
    (j) => j.comparison?.total.band?.noise.sharedRunnerPercent != null,
  );
  const overall = compareReports(head, bases, { pool, confidence, sharedRunnerOffset });
  if (jobs.length > 1) {
    for (const j of jobs) if (j.comparison) j.comparison = structuredClone(j.comparison);
    const jobTotals = jobs.flatMap((j) => (j.comparison ? [j.comparison.total] : []));
    judgeFamily(overall.total, jobTotals, confidence);
    overall.verdict = overall.total.verdict;
    for (const j of jobs) if (j.comparison) j.comparison.verdict = j.comparison.total.verdict;
  }
  return overall;
}
