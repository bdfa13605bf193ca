/**
 * The range of a difference between head and base, and the sampling resolution of a row. Pure.
 *
 * Model part: each component (CPU, GPU, memory, other) is a figure times factors both runs share when the
 * method is the same on both sides (watts per vCPU and the power curve, W/GB, sensor calibration): a factor
 * wrong for both scales the component's change Δ_c, so its range is Δ_c × [lowest low/value, highest
 * high/value] of the two sides; a component unchanged between the runs adds nothing, and no factor widens the
 * range around zero. A component measured one way in the base and another in the head has independent ranges:
 * head.low − base.high … head.high − base.low. The components' ranges add up worst with worst (the project's
 * uncertainty rule). Reports without a per-component breakdown (summed matrix totals) scale the whole row the
 * same way.
 *
 * Resolution: counters are read at the exact start and end of a run (CPU time in /proc/stat, RAPL, NVML), so
 * a total has no edge uncertainty except for sampled GPU power (nvidia-smi), whose first and last readings
 * are held to the edges. A phase boundary marked between two ticks splits that tick's energy by time: half an
 * interval of the phase's energy for each boundary that is not the run's start or end.
 */
import type { ComponentEnergy, Report } from "../model/report.js";

/** One side's figures for one component (a mean over base runs, or the head). */
export interface ComponentSide {
  energyWh: number;
  lowWh: number;
  highWh: number;
  /** methods, sorted and joined: ranges are shared only when they are equal */
  methods: string;
}

export type Components = Map<string, ComponentSide>;

/** Components of a list of phases, summed by component. */
export function componentsOf(phases: readonly { components: readonly ComponentEnergy[] }[]): Components {
  const out: Components = new Map();
  const methods = new Map<string, Set<string>>();
  for (const p of phases) {
    for (const c of p.components) {
      const seen = out.get(c.component) ?? { energyWh: 0, lowWh: 0, highWh: 0, methods: "" };
      out.set(c.component, {
        energyWh: seen.energyWh + c.energyWh,
        lowWh: seen.lowWh + c.lowWh,
        highWh: seen.highWh + c.highWh,
        methods: "",
      });
      const m = methods.get(c.component) ?? new Set<string>();
      m.add(c.method);
      methods.set(c.component, m);
    }
  }
  for (const [k, v] of out) v.methods = [...(methods.get(k) ?? [])].sort().join("+");
  return out;
}

/** The mean of several runs' components (a run without a component counts it as 0). */
export function meanComponents(runs: readonly Components[]): Components {
  const out: Components = new Map();
  if (runs.length === 0) return out;
  const names = new Set(runs.flatMap((r) => [...r.keys()]));
  for (const name of names) {
    const present = runs.map((r) => r.get(name));
    const sum = (f: (c: ComponentSide) => number) => present.reduce((a, c) => a + (c ? f(c) : 0), 0);
    const methods = new Set(present.flatMap((c) => (c ? [c.methods] : [])));
    out.set(name, {
      energyWh: sum((c) => c.energyWh) / runs.length,
      lowWh: sum((c) => c.lowWh) / runs.length,
      highWh: sum((c) => c.highWh) / runs.length,
      methods: [...methods].sort().join("|"),
    });
  }
  return out;
}

interface Figure {
  value: number;
  low: number;
  high: number;
}

/** Range of `delta` whose two sides share multiplicative factors: delta × the widest low/value … high/value. */
function scaledRange(delta: number, sides: readonly Figure[]): [number, number] {
  let rLow = 1;
  let rHigh = 1;
  for (const s of sides) {
    if (!(s.value > 0)) continue;
    rLow = Math.min(rLow, s.low / s.value);
    rHigh = Math.max(rHigh, s.high / s.value);
  }
  const a = delta * rLow;
  const b = delta * rHigh;
  return [Math.min(a, b), Math.max(a, b)];
}

/**
 * The model part of the range of head − base, as deviations [below, above] from the delta (below ≤ 0 ≤ above):
 * per component when both sides have a breakdown, else the whole row scaled.
 */
export function modelDeviation(
  head: { side: Figure; components: Components | null },
  base: { side: Figure; components: Components | null },
): [number, number] {
  const delta = head.side.value - base.side.value;
  if (!head.components?.size || !base.components?.size) {
    const [lo, hi] = scaledRange(delta, [head.side, base.side]);
    return [lo - delta, hi - delta];
  }
  let below = 0;
  let above = 0;
  const names = new Set([...head.components.keys(), ...base.components.keys()]);
  for (const name of names) {
    const zero: ComponentSide = { energyWh: 0, lowWh: 0, highWh: 0, methods: "" };
    const h = head.components.get(name) ?? zero;
    const b = base.components.get(name) ?? zero;
    const d = h.energyWh - b.energyWh;
    let lo: number;
    let hi: number;
    if (h.methods === b.methods || h.energyWh === 0 || b.energyWh === 0) {
      [lo, hi] = scaledRange(d, [
        { value: h.energyWh, low: h.lowWh, high: h.highWh },
        { value: b.energyWh, low: b.lowWh, high: b.highWh },
      ]);
    } else {
      lo = h.lowWh - b.highWh;
      hi = h.highWh - b.lowWh;
    }
    below += Math.min(0, lo - d);
    above += Math.max(0, hi - d);
  }
  return [below, above];
}

/** GPU energy of a phase that came from sampled power (its edges are held from the nearest reading). */
function sampledWh(phase: Report["phases"][number]): number {
  return phase.components
    .filter((c) => c.method === "nvidia-smi" || (c.heldS ?? 0) > 0)
    .reduce((a, c) => a + c.energyWh, 0);
}

/**
 * Sampling resolution of one run's row, Wh: half an interval of sampled (non-counter) power at each of the run's
 * edges, and half an interval of the phase's energy at each phase boundary between ticks.
 */
export function resolutionWh(report: Report, phaseName: string | null): number {
  const intervalS = report.intervalMs / 1_000;
  if (phaseName === null) {
    const sampled = report.phases.reduce((a, p) => a + sampledWh(p), 0);
    return report.durationS > 0 ? (sampled / report.durationS) * intervalS : 0;
  }
  const i = report.phases.findIndex((p) => p.name === phaseName);
  const phase = report.phases[i];
  if (!phase || !(phase.durationS > 0)) return 0;
  const last = report.phases.length - 1;
  const inner = (i > 0 ? 1 : 0) + (i < last ? 1 : 0);
  const edges = 2 - inner;
  return (0.5 * intervalS * (inner * phase.energyWh + edges * sampledWh(phase))) / phase.durationS;
}
