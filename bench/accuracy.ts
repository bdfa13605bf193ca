/**
 * 6. Accuracy of integration: synthetic GPU power traces with step changes and short spikes, whose exact
 * energy is known (piecewise constant: an exact counter would read it), sampled as point readings at
 * 100 ms, 1 s, 5 s and 15 s (CodeCarbon's default interval), integrated by our EnergyIntegrator
 * (trapezoid). Error in % of the exact energy over 20 sampling phase offsets: mean |error| and worst.
 */
import { EnergyIntegrator } from "../src/measure/integrate.js";
import type { PowerModels } from "../src/measure/power-model.js";
import { rng } from "./rng.js";
import type { Figure } from "./util.js";

/** A piecewise-constant power trace: [start s, watts] pieces, in order, and its length. */
interface Trace {
  name: string;
  pieces: [number, number][];
  lengthS: number;
}

const ZERO = { w: 0, lowW: 0, highW: 0 };
const MODELS: PowerModels = {
  cpu: { powerW: () => ZERO, detail: "none", provenance: "modelled" },
  memory: { ...ZERO, detail: "none" },
  other: null,
};

function traces(): Trace[] {
  const r = rng(42);
  // Training: 20 minutes of steps between idle (70 W), data loading (200 W) and compute (550-690 W).
  const train: [number, number][] = [];
  for (let t = 0; t < 1_200;) {
    train.push([t, [70, 200, 550 + r() * 140][Math.floor(r() * 3)]!]);
    t += 5 + r() * 55;
  }
  // Spiky: 300 W base with 400 ms bursts to 700 W every 7 s (e.g. all-reduce or eval bursts).
  const spiky: [number, number][] = [];
  for (let t = 0; t < 600; t += 7) spiky.push([t, 300], [t + 3, 700], [t + 3.4, 300]);
  // Short job: 90 s, idle → load → idle.
  const short: [number, number][] = [
    [0, 70],
    [10, 650],
    [80, 70],
  ];
  return [
    { name: "training steps (20 min)", pieces: train, lengthS: 1_200 },
    { name: "spikes 0.4 s every 7 s (10 min)", pieces: spiky, lengthS: 600 },
    { name: "short job (90 s)", pieces: short, lengthS: 90 },
  ];
}

function powerAt(trace: Trace, t: number): number {
  let w = trace.pieces[0]?.[1] ?? 0;
  for (const [start, watts] of trace.pieces) {
    if (start > t) break;
    w = watts;
  }
  return w;
}

function exactWh(trace: Trace, fromS: number, toS: number): number {
  let joules = 0;
  trace.pieces.forEach(([start, watts], i) => {
    const end = trace.pieces[i + 1]?.[0] ?? trace.lengthS;
    const a = Math.max(start, fromS);
    const b = Math.min(end, toS);
    if (b > a) joules += watts * (b - a);
  });
  return joules / 3_600;
}

/** Sample the trace every intervalS starting at offsetS, integrate; compare over the sampled span. */
function sampledErrorPercent(trace: Trace, intervalS: number, offsetS: number): number {
  const integrator = new EnergyIntegrator({ models: MODELS });
  const intervalMs = Math.round(intervalS * 1_000);
  integrator.push({ t: "meta", v: 1, startMs: 0, intervalMs });
  let last = offsetS;
  for (let t = offsetS; t <= trace.lengthS + 1e-9; t += intervalS) {
    integrator.push({
      t: "s",
      ts: Math.round(t * 1_000),
      gpu: [{ i: 0, w: powerAt(trace, t), u: null, mem: null }],
    });
    last = t;
  }
  const measured = integrator.finish().energyWh;
  const exact = exactWh(trace, offsetS, last);
  return ((measured - exact) / exact) * 100;
}

export const ACCURACY_INTERVALS_S = [0.1, 1, 5, 15];

export function benchAccuracy() {
  const rows: string[][] = [["trace", ...ACCURACY_INTERVALS_S.map((s) => `${s} s: mean |err| / worst`)]];
  let worst1s = 0;
  for (const trace of traces()) {
    const cells = ACCURACY_INTERVALS_S.map((intervalS) => {
      const errors = Array.from({ length: 20 }, (_, k) =>
        sampledErrorPercent(trace, intervalS, (k / 20) * intervalS),
      );
      const mean = errors.reduce((s, e) => s + Math.abs(e), 0) / errors.length;
      const worst = Math.max(...errors.map(Math.abs));
      if (intervalS === 1) worst1s = Math.max(worst1s, worst);
      return `${mean.toFixed(2)} % / ${worst.toFixed(2)} %`;
    });
    rows.push([trace.name, ...cells]);
  }
  const figures: Figure[] = [
    {
      section: "6",
      name: "energy error at 1 s sampling vs exact (worst trace, worst phase)",
      value: `${worst1s.toFixed(2)} %`,
    },
  ];
  return { rows, figures };
}
