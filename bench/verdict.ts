/**
 * 7. Verdict statistics, simulated: synthetic base histories with a known run-to-run noise, judged by the real
 * `compareReports` (and, for a matrix, `totalComparison`), exactly as a comment would show them.
 *
 * Two comments are simulated:
 * - "job, 4 phases": one job with four phases (10, 40, 30, 20 Wh, each 15 min at 1 s sampling); the comment
 *   shows the total and the four phase rows.
 * - "matrix, 3 jobs": three single-phase jobs (30, 50, 20 Wh); the comment shows the matrix total and the three
 *   job rows; the jobs' base runs pool their noise.
 * Every row's energy in a run is μ · (1 + Δ) · (1 + σ·Z) · (1 + offset): Z standard normal, or Student t with
 * 3 degrees of freedom scaled to unit variance (heavy tails), independent per row and run; the offset is the
 * runner's, σ_b·N(0, 1), the same for every row of a run. Δ = 0 for base runs. Noise settings:
 * - normal σ = 2 % and σ = 5 %, heavy-tailed σ = 5 %: GitHub-hosted runners, no runner offset;
 * - "shared runner offset": σ_b = 3 % between runners, σ = 2 % within; every base run of a job ran on one
 *   self-hosted runner (one offset), the head on another (its own offset) — the base runs' spread cannot see it.
 * Reported per cell: the whole comment's false-alarm rate when nothing changed (any row not "within noise"), the
 * total's false-alarm rate, and how often the total is called an increase at +5, +10 and +20 % (every row
 * changed by Δ). Seeded (mulberry32): every run prints the same table. No timing is measured.
 */
import { totalComparison, matrixPool, sumReports } from "../src/report/aggregate.js";
import { compareReports, type Comparison } from "../src/report/compare.js";
import type { JobInput } from "../src/report/comment-model.js";
import type { Report } from "../src/model/report.js";
import { rng } from "./rng.js";
import type { Figure } from "./util.js";

/** Standard normal by Box–Muller. */
function normal(u: () => number): number {
  const a = Math.max(u(), 1e-300);
  return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * u());
}

/** Student t with 3 df, scaled to variance 1 (the t3 variance is 3). */
function heavy(u: () => number): number {
  const z = normal(u);
  let chi2 = 0;
  for (let i = 0; i < 3; i++) chi2 += normal(u) ** 2;
  return z / Math.sqrt(chi2 / 3) / Math.sqrt(3);
}

const PHASE_S = 900;
const AT = "2026-11-20T10:00:00.000Z";

/** A valid report@1 with one phase per entry of `energies` (Wh), CPU-model components (0.8× … 1.25×). */
function template(key: string, energies: number[], runner: string | null): Report {
  const phases = energies.map((e, i) => ({
    name: `p${i + 1}`,
    startedAt: AT,
    durationS: PHASE_S,
    energyWh: e,
    lowWh: e * 0.8,
    highWh: e * 1.25,
    components: [
      {
        component: "cpu" as const,
        method: "cpu-model" as const,
        provenance: "modelled" as const,
        energyWh: e,
        lowWh: e * 0.8,
        highWh: e * 1.25,
        meanPowerW: (e * 3_600) / PHASE_S,
        peakPowerW: (e * 3_600) / PHASE_S,
      },
    ],
    samples: PHASE_S,
    meanCpuUtil: null,
    meanGpuUtil: null,
    gaps: [],
  }));
  const total = energies.reduce((a, e) => a + e, 0);
  return {
    schema: "ml-footprint/report@1",
    tool: { name: "ml-footprint", version: "bench" },
    createdAt: AT,
    identity: {
      repository: "bench/sim",
      sha: "0".repeat(40),
      ref: "refs/heads/main",
      baseRef: "main",
      headRef: "main",
      eventName: "push",
      workflow: "sim",
      job: key,
      matrix: null,
      runId: "1",
      runAttempt: "1",
      prNumber: null,
      key,
    },
    runner: { os: "Linux", arch: "X64", githubHosted: runner === null, name: runner ?? "GitHub Actions 1" },
    hardware: {
      cpu: { brand: "AMD EPYC 7763 64-Core Processor", threads: 4, cores: 2 },
      memoryGB: 16,
      gpus: [],
    },
    command: null,
    exitCode: 0,
    signal: null,
    intervalMs: 1_000,
    startedAt: AT,
    durationS: PHASE_S * energies.length,
    energyWh: total,
    lowWh: total * 0.8,
    highWh: total * 1.25,
    samples: PHASE_S * energies.length,
    phases,
    carbon: null,
    work: null,
    warnings: [],
  };
}

/** A synthetic one-phase report of `energyWh` (valid report@1). */
export function syntheticReport(energyWh: number): Report {
  return template("train", [energyWh], null);
}

interface Noise {
  name: string;
  sigma: number;
  draw: (u: () => number) => number;
  /** between-runner σ, shared by all base runs of a job (self-hosted), the head on another runner */
  sharedRunner: number;
}

export const NOISES: Noise[] = [
  { name: "normal, σ = 2 %", sigma: 0.02, draw: normal, sharedRunner: 0 },
  { name: "normal, σ = 5 %", sigma: 0.05, draw: normal, sharedRunner: 0 },
  { name: "heavy-tailed (t, 3 df), σ = 5 %", sigma: 0.05, draw: heavy, sharedRunner: 0 },
  { name: "shared runner offset: 3 % between, 2 % within", sigma: 0.02, draw: normal, sharedRunner: 0.03 },
];

export type Scenario = "job, 4 phases" | "matrix, 3 jobs";
const SCENARIOS: Record<Scenario, { jobs: number[][] }> = {
  "job, 4 phases": { jobs: [[10, 40, 30, 20]] },
  "matrix, 3 jobs": { jobs: [[30], [50], [20]] },
};

export interface VerdictCell {
  scenario: Scenario;
  noise: string;
  n: number;
  /** any row of the comment flagged when nothing changed */
  commentFalseAlarm: number;
  /** the headline's total flagged when nothing changed */
  totalFalseAlarm: number;
  /** the total called an increase at +c % */
  detect: Record<number, number>;
}

export interface VerdictBenchOptions {
  trials: number;
  seed?: number;
  ns?: number[];
  changesPercent?: number[];
  scenarios?: Scenario[];
  noises?: string[];
}

/** Every row the comment shows, judged: the total's and the rest's verdicts. */
function judge(jobs: { head: Report; history: Report[] }[]): {
  total: Comparison["verdict"];
  rows: string[];
} {
  if (jobs.length === 1) {
    const c = compareReports(jobs[0]!.head, jobs[0]!.history);
    return { total: c.verdict, rows: c.phases.map((p) => p.verdict) };
  }
  const inputs: JobInput[] = jobs.map((j) => ({ head: j.head, history: j.history, comparison: null }));
  const pool = matrixPool(inputs);
  for (const j of inputs) j.comparison = compareReports(j.head, j.history, { pool });
  const heads = inputs.map((j) => j.head);
  const overall = totalComparison(inputs, sumReports(heads, heads[0]!), { pool });
  return { total: overall.verdict, rows: inputs.map((j) => j.comparison!.verdict) };
}

export function simulateVerdicts(opts: VerdictBenchOptions): VerdictCell[] {
  const u = rng(opts.seed ?? 17);
  const ns = opts.ns ?? [1, 2, 3, 5, 10];
  const changes = opts.changesPercent ?? [5, 10, 20];
  const scenarios = opts.scenarios ?? (Object.keys(SCENARIOS) as Scenario[]);
  const noises = NOISES.filter((x) => !opts.noises || opts.noises.includes(x.name));
  const cells: VerdictCell[] = [];
  for (const scenario of scenarios) {
    const jobs = SCENARIOS[scenario].jobs;
    for (const noise of noises) {
      for (const n of ns) {
        let comment = 0;
        let total = 0;
        const hits: Record<number, number> = Object.fromEntries(changes.map((c) => [c, 0]));
        for (let i = 0; i < opts.trials; i++) {
          // one trial: every job's base history, then heads at Δ = 0 and each change, on one new runner
          const histories = jobs.map((mu, j) => {
            const shared = noise.sharedRunner * normal(u);
            return Array.from({ length: n }, (_, k) => {
              const offset = noise.sharedRunner > 0 ? shared : 0;
              const energies = mu.map((m) => m * (1 + noise.sigma * noise.draw(u)) * (1 + offset));
              const r = template(`job${j}`, energies, noise.sharedRunner > 0 ? `runner-${j}` : null);
              r.identity.runId = String(100 + k);
              return r;
            });
          });
          const headOffsets = jobs.map(() => (noise.sharedRunner > 0 ? noise.sharedRunner * normal(u) : 0));
          const draws = jobs.map((mu) => mu.map(() => noise.sigma * noise.draw(u)));
          const heads = (delta: number) =>
            jobs.map((mu, j) =>
              template(
                `job${j}`,
                mu.map((m, p) => m * (1 + delta) * (1 + draws[j]![p]!) * (1 + headOffsets[j]!)),
                noise.sharedRunner > 0 ? `runner-head-${j}` : null,
              ),
            );
          const quiet = judge(heads(0).map((head, j) => ({ head, history: histories[j]! })));
          if (quiet.total !== "within-noise") total++;
          if (quiet.total !== "within-noise" || quiet.rows.some((v) => v !== "within-noise")) comment++;
          for (const c of changes) {
            const r = judge(heads(c / 100).map((head, j) => ({ head, history: histories[j]! })));
            if (r.total === "increase") hits[c]!++;
          }
        }
        cells.push({
          scenario,
          noise: noise.name,
          n,
          commentFalseAlarm: comment / opts.trials,
          totalFalseAlarm: total / opts.trials,
          detect: Object.fromEntries(changes.map((c) => [c, hits[c]! / opts.trials])),
        });
      }
    }
  }
  return cells;
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

export function benchVerdict(opts: VerdictBenchOptions): { rows: string[][]; figures: Figure[] } {
  const changes = opts.changesPercent ?? [5, 10, 20];
  const cells = simulateVerdicts(opts);
  const rows = [
    [
      "comment",
      "noise",
      "base runs",
      "false alarm, whole comment",
      "false alarm, total",
      ...changes.map((c) => `total found +${c} %`),
    ],
    ...cells.map((c) => [
      c.scenario,
      c.noise,
      String(c.n),
      pct(c.commentFalseAlarm),
      pct(c.totalFalseAlarm),
      ...changes.map((ch) => pct(c.detect[ch] ?? 0)),
    ]),
  ];
  // the goal: ≤ 5 % for the whole comment, allowing two standard errors of the simulation itself
  const slack = 2 * Math.sqrt((0.05 * 0.95) / opts.trials);
  const figures: Figure[] = cells.map((c) => ({
    section: "7",
    name: `whole-comment false alarms, ${c.scenario}, ${c.noise}, n = ${c.n} (${opts.trials} trials)`,
    value: pct(c.commentFalseAlarm),
    goal: "≤ 5 %",
    met: c.commentFalseAlarm <= 0.05 + slack,
  }));
  return { rows, figures };
}
