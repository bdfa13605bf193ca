/**
 * 7. Verdict statistics, simulated: synthetic base histories with a known run-to-run noise, judged by the
 * real `compareReports`. For each noise level and number of base runs n it reports the false-alarm rate
 * when nothing changed (any verdict other than "within noise", and the "increase" share of it) and the
 * detection rate ("increase") when the head's true energy is +5, +10 or +20 % higher.
 *
 * Model: every run's energy is μ · (1 + Δ) · (1 + σ · Z), Z standard normal (or Student t with 3 degrees of
 * freedom scaled to unit variance: heavy tails, as when a runner is sometimes much slower), Δ = 0 for base
 * runs. μ = 100 Wh over one hour sampled at 1 s, so the resolution floor (0.06 %) plays no part.
 * Seeded (mulberry32), so every run prints the same table. No timing is measured.
 */
import { compareReports } from "../src/report/compare.js";
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

const MEAN_WH = 100;
const DURATION_S = 3_600;

/** A minimal valid report with one phase whose energy is `energyWh` (ranges ×0.8 … ×1.25, shared model). */
function template(): Report {
  const at = "2026-11-20T10:00:00.000Z";
  return {
    schema: "ml-footprint/report@1",
    tool: { name: "ml-footprint", version: "bench" },
    createdAt: at,
    identity: {
      repository: "bench/sim",
      sha: "0".repeat(40),
      ref: "refs/heads/main",
      baseRef: "main",
      headRef: "main",
      eventName: "push",
      workflow: "sim",
      job: "train",
      matrix: null,
      runId: "1",
      runAttempt: "1",
      prNumber: null,
      key: "train",
    },
    runner: { os: "Linux", arch: "X64", githubHosted: true, name: "sim" },
    hardware: {
      cpu: { brand: "AMD EPYC 7763 64-Core Processor", threads: 4, cores: 2 },
      memoryGB: 16,
      gpus: [],
    },
    command: null,
    exitCode: 0,
    signal: null,
    intervalMs: 1_000,
    startedAt: at,
    durationS: DURATION_S,
    energyWh: MEAN_WH,
    lowWh: MEAN_WH * 0.8,
    highWh: MEAN_WH * 1.25,
    samples: DURATION_S,
    phases: [
      {
        name: "train",
        startedAt: at,
        durationS: DURATION_S,
        energyWh: MEAN_WH,
        lowWh: MEAN_WH * 0.8,
        highWh: MEAN_WH * 1.25,
        components: [],
        samples: DURATION_S,
        meanCpuUtil: null,
        meanGpuUtil: null,
        gaps: [],
      },
    ],
    carbon: null,
    work: null,
    warnings: [],
  };
}

/** A synthetic report of `energyWh` (valid report@1). */
export function syntheticReport(energyWh: number): Report {
  return withEnergy(template(), energyWh);
}

function withEnergy(t: Report, energyWh: number): Report {
  const e = Math.max(0, energyWh);
  const phase = { ...t.phases[0]!, energyWh: e, lowWh: e * 0.8, highWh: e * 1.25 };
  return { ...t, energyWh: e, lowWh: e * 0.8, highWh: e * 1.25, phases: [phase] };
}

export interface VerdictCell {
  noise: string;
  n: number;
  falseAlarm: number;
  falseIncrease: number;
  detect: Record<number, number>;
}

export interface VerdictBenchOptions {
  trials: number;
  seed?: number;
  ns?: number[];
  changesPercent?: number[];
}

const NOISES: { name: string; sigma: number; draw: (u: () => number) => number }[] = [
  { name: "normal, σ = 2 %", sigma: 0.02, draw: normal },
  { name: "normal, σ = 5 %", sigma: 0.05, draw: normal },
  { name: "heavy-tailed (t, 3 df), σ = 5 %", sigma: 0.05, draw: heavy },
];

export function simulateVerdicts(opts: VerdictBenchOptions): VerdictCell[] {
  const u = rng(opts.seed ?? 17);
  const ns = opts.ns ?? [1, 3, 5, 10];
  const changes = opts.changesPercent ?? [5, 10, 20];
  const base = template();
  const cells: VerdictCell[] = [];
  for (const noise of NOISES) {
    const run = (delta: number) =>
      withEnergy(base, MEAN_WH * (1 + delta) * (1 + noise.sigma * noise.draw(u)));
    for (const n of ns) {
      let falseAlarm = 0;
      let falseIncrease = 0;
      const hits: Record<number, number> = Object.fromEntries(changes.map((c) => [c, 0]));
      for (let i = 0; i < opts.trials; i++) {
        const history = Array.from({ length: n }, () => run(0));
        const quiet = compareReports(run(0), history).verdict;
        if (quiet !== "within-noise") falseAlarm++;
        if (quiet === "increase") falseIncrease++;
        for (const c of changes) if (compareReports(run(c / 100), history).verdict === "increase") hits[c]!++;
      }
      cells.push({
        noise: noise.name,
        n,
        falseAlarm: falseAlarm / opts.trials,
        falseIncrease: falseIncrease / opts.trials,
        detect: Object.fromEntries(changes.map((c) => [c, hits[c]! / opts.trials])),
      });
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
      "noise",
      "base runs",
      "false alarm (no change)",
      "of which 'increase'",
      ...changes.map((c) => `detected +${c} %`),
    ],
    ...cells.map((c) => [
      c.noise,
      c.n === 1 ? "1 (default ±10 %)" : String(c.n),
      pct(c.falseAlarm),
      pct(c.falseIncrease),
      ...changes.map((ch) => pct(c.detect[ch] ?? 0)),
    ]),
  ];
  const figures: Figure[] = cells
    .filter((c) => c.n >= 3 && c.noise.startsWith("normal"))
    .map((c) => ({
      section: "7",
      name: `false alarms, ${c.noise}, ${c.n} base runs (${opts.trials} trials)`,
      value: pct(c.falseAlarm),
      goal: "≈ 5 % (95 % interval)",
      met: Math.abs(c.falseAlarm - 0.05) < 4 * Math.sqrt((0.05 * 0.95) / opts.trials),
    }));
  return { rows, figures };
}
