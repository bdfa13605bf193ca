/**
 * GPU energy inside the integrator: NVML counter differences where both ends of an interval carry the counter
 * (exact), else the nvidia-smi power stream (trapezoid), plus the edge and bridge rules for device-seconds
 * without readings (held at the run's edges, bridged across stream restarts and sampler pauses), which widen
 * the range to 0 W … power limit. The phases and the GPU inventory stay the integrator's; it passes them in.
 */
import type { ComponentEnergy, Hardware } from "../model/report.js";
import { component, type ComponentAcc, type PhaseAcc, type SampleState } from "./integrate-acc.js";
import type { GpuReaderName } from "./samples.js";

type CounterMethod = "nvml-counter" | "amd-smi-counter";
type PowerMethod = "nvidia-smi" | "nvml-power" | "amd-smi";
type GpuMethod = CounterMethod | PowerMethod;

/** The report's method names for the tool that read the GPUs: its counter's and its sampled power's. */
export function gpuMethods(reader: GpuReaderName | undefined): {
  counter: CounterMethod;
  power: PowerMethod;
} {
  switch (reader) {
    case "amd-smi":
      return { counter: "amd-smi-counter", power: "amd-smi" };
    case "nvml":
      return { counter: "nvml-counter", power: "nvml-power" };
    default:
      // nvidia-smi's stream, with NVML's counter beside it in files written before the single reader
      return { counter: "nvml-counter", power: "nvidia-smi" };
  }
}

const COUNTER_DETAIL: Record<CounterMethod, string> = {
  "nvml-counter": "NVML total energy counter, exact differences",
  "amd-smi-counter": "AMD energy counter read through amd-smi, exact differences",
};
const POWER_DETAIL: Record<PowerMethod, string> = {
  "nvidia-smi": "power sampled from one nvidia-smi stream",
  "nvml-power": "power read through NVML once per tick",
  "amd-smi": "socket power read through amd-smi once per tick",
};

/**
 * nvidia-smi power.draw: NVIDIA documents "accurate to within +/- 5 watts" (nvidia-smi(1) manual, power.draw).
 * Yang et al., "Part-time Power Measurements: nvidia-smi's Lack of Attention" (arXiv:2312.02741, 2023) show
 * A100/H100 readings cover part of each window, so we add a sampling error on top: ±5 % of energy is our assumption
 * (the paper gives no such percentage; its errors depend on the workload and the averaging window).
 */
const GPU_ABSOLUTE_ERROR_W = 5;
const GPU_RELATIVE_ERROR = 0.05;
/**
 * NVML's energy counter integrates the board power sensor inside the driver, so it has no sampling error;
 * what is left is the sensor's own accuracy, the same ±5 W NVIDIA states for power.draw (nvidia-smi(1),
 * power.draw: "accurate to within +/- 5 watts"), applied over the seconds counted.
 */
const GPU_COUNTER_ABSOLUTE_ERROR_W = 5;

/** Per GPU: the last sample that carried a power reading for it, for the edge and bridge rules. */
interface GpuTrack {
  ts: number;
  w: number;
  counter: boolean;
}

export interface GpuIntegrationContext {
  /** the GPU inventory of the latest hw line */
  gpus(): Hardware["gpus"];
  /** the integrator's phases, in order */
  readonly phases: readonly PhaseAcc[];
  /** the measurement's start (the first phase's start), once known */
  firstTs(): number | null;
  /** the tool that reads the GPUs now (latest hw line) */
  reader(): GpuReaderName;
}

export class GpuIntegration {
  private readonly tracks = new Map<number, GpuTrack>();
  /** per GPU: which methods gave its energy */
  private readonly methods = new Map<number, Set<GpuMethod>>();
  /** held and bridged device-seconds over the whole run */
  heldS = 0;
  bridgedS = 0;
  private counterFallbacks = 0;
  private limitUnknown = false;

  constructor(private readonly ctx: GpuIntegrationContext) {}

  /** GPU energy of the part [a, b] of the sample interval (prev.ts, cur.ts], into `phase`. */
  integrate(
    phase: PhaseAcc,
    prev: SampleState,
    cur: SampleState,
    a: number,
    b: number,
    bridged = false,
  ): void {
    const span = cur.ts - prev.ts;
    const reader = this.ctx.reader();
    const method = gpuMethods(reader);
    phase.gpuReader = reader;
    let sumW = 0;
    let utilSum = 0;
    let utilCount = 0;
    let any = false;
    const seconds = (b - a) / 1_000;
    const share = seconds / (span / 1_000);
    for (const [index, end] of cur.gpu) {
      const start = prev.gpu.get(index);
      if (!start) continue;
      const startE = start.e ?? null;
      const endE = end.e ?? null;
      if (startE !== null && endE !== null && endE >= startE) {
        // Exact: the counter difference, shared between phases in proportion to time within the interval.
        const joules = ((endE - startE) / 1_000) * share;
        const acc = phase.gpuCounter;
        acc.joules += joules;
        acc.lowJ += Math.max(0, joules - GPU_COUNTER_ABSOLUTE_ERROR_W * seconds);
        acc.highJ += joules + GPU_COUNTER_ABSOLUTE_ERROR_W * seconds;
        sumW += seconds > 0 ? joules / seconds : 0;
        this.methodsOf(index).add(method.counter);
      } else {
        if (start.w === null || end.w === null) continue;
        // Both ends were read through the counter, one read failed or the counter went back. A GPU whose
        // counter starts (helper answering late) or stops (warned by the sampler) is not a fallback here.
        if (start.e !== undefined && end.e !== undefined) this.counterFallbacks += 1;
        // Linear power between the two readings, evaluated at the segment ends.
        const pa = start.w + ((end.w - start.w) * (a - prev.ts)) / span;
        const pb = start.w + ((end.w - start.w) * (b - prev.ts)) / span;
        const joules = ((pa + pb) / 2) * seconds;
        phase.gpu.joules += joules;
        if (bridged) {
          // Across a sampler pause: any power from 0 W to the limit.
          const limitW = this.ctx.gpus().find((g) => g.index === index)?.powerLimitW ?? Math.max(pa, pb);
          phase.gpu.highJ += Math.max(joules, limitW * seconds);
          phase.gpu.bridgedS += seconds;
          phase.gpuEdgeS.set(index, (phase.gpuEdgeS.get(index) ?? 0) + seconds);
          this.bridgedS += seconds;
          this.methodsOf(index).add(method.power);
          continue;
        }
        phase.gpu.lowJ += Math.max(0, joules * (1 - GPU_RELATIVE_ERROR) - GPU_ABSOLUTE_ERROR_W * seconds);
        phase.gpu.highJ += joules * (1 + GPU_RELATIVE_ERROR) + GPU_ABSOLUTE_ERROR_W * seconds;
        sumW += end.w;
        this.methodsOf(index).add(method.power);
      }
      any = true;
      if (end.u !== null) {
        utilSum += end.u;
        utilCount += 1;
      }
    }
    if (any && !bridged) {
      for (const acc of [phase.gpu, phase.gpuCounter]) acc.peakW = Math.max(acc.peakW, sumW);
      phase.gpu.coveredS += seconds;
    }
    if (utilCount > 0 && !bridged) {
      phase.gpuUtilWeighted += (utilSum / utilCount) * seconds;
      phase.gpuUtilS += seconds;
    }
  }

  private methodsOf(index: number): Set<GpuMethod> {
    let set = this.methods.get(index);
    if (!set) this.methods.set(index, (set = new Set()));
    return set;
  }

  /**
   * The edge and bridge rules, applied once per sample after its interval was integrated. A GPU with a
   * reading now whose previous sample had none: its uncovered stretch ends here. Never seen before → held
   * back from the start of the measurement at this reading; seen before → bridged linearly from its last
   * reading (a stream restart, a stale row). Intervals the NVML counter covered count as covered, power reading
   * or not, so a stream restart under a working counter is exact, not bridged.
   */
  track(prev: SampleState | null, cur: SampleState): void {
    for (const [index, reading] of cur.gpu) {
      const before = prev?.gpu.get(index);
      // The counter covered (prev, cur] exactly, with or without a power reading at either end.
      const counterCovered = before?.e != null && reading.e != null && reading.e >= before.e;
      const track = this.tracks.get(index);
      if (reading.w === null) {
        // No power reading (a stale nvidia-smi row), but the counter counted the interval: coverage goes on.
        if (counterCovered && track) this.tracks.set(index, { ...track, ts: cur.ts, counter: true });
        continue;
      }
      const counter = reading.e !== undefined && reading.e !== null;
      const hadBefore = before?.w != null || counterCovered;
      if (!hadBefore) {
        const from = track ? track.ts : (this.ctx.firstTs() ?? cur.ts);
        if (cur.ts > from) {
          if (track) this.spread(index, from, track.w, cur.ts, reading.w, "bridged", counter);
          else this.spread(index, from, reading.w, cur.ts, reading.w, "held", counter);
        }
      }
      this.tracks.set(index, { ts: cur.ts, w: reading.w, counter });
    }
  }

  /** Tail: each GPU's last reading held forward to the end. */
  tail(endMs: number): void {
    for (const [index, track] of this.tracks) {
      if (endMs > track.ts) this.spread(index, track.ts, track.w, endMs, track.w, "held", track.counter);
    }
    this.tracks.clear();
  }

  /** Power going linearly from w0 at t0 to w1 at t1, for a stretch without readings, spread over the phases. */
  private spread(
    index: number,
    t0: number,
    w0: number,
    t1: number,
    w1: number,
    kind: "held" | "bridged",
    counter: boolean,
  ): void {
    const limitW = this.ctx.gpus().find((g) => g.index === index)?.powerLimitW ?? null;
    for (const [i, phase] of this.ctx.phases.entries()) {
      const phaseEnd = this.ctx.phases[i + 1]?.startMs ?? Infinity;
      const x = Math.max(t0, phase.startMs);
      const y = Math.min(t1, phaseEnd);
      if (y <= x) continue;
      const at = (t: number) => w0 + ((w1 - w0) * (t - t0)) / (t1 - t0);
      const seconds = (y - x) / 1_000;
      const joules = ((at(x) + at(y)) / 2) * seconds;
      const acc = counter ? phase.gpuCounter : phase.gpu;
      phase.gpuReader ??= this.ctx.reader();
      acc.joules += joules;
      // Any power between idle (≥ 0 W; neither nvidia-smi nor NVML reports an idle floor) and the limit.
      acc.highJ += Math.max(joules, (limitW ?? Math.max(w0, w1)) * seconds);
      if (kind === "held") acc.heldS += seconds;
      else acc.bridgedS += seconds;
      phase.gpuEdgeS.set(index, (phase.gpuEdgeS.get(index) ?? 0) + seconds);
      if (kind === "bridged" && i === this.ctx.phases.length - 1 && y === t1) {
        phase.gaps.push({
          source: "nvidia-smi",
          atS: Math.max(0, (t0 - (this.ctx.firstTs() ?? t0)) / 1_000),
          durationS: (t1 - t0) / 1_000,
          reason: `GPU ${index}: no power reading for ${((t1 - t0) / 1_000).toFixed(1)} s; power bridged linearly, range widened to 0 W – ${limitW === null ? "highest reading" : `${limitW} W`}`,
        });
      }
    }
    if (limitW === null) this.limitUnknown = true;
    if (kind === "held") this.heldS += (t1 - t0) / 1_000;
    else this.bridgedS += (t1 - t0) / 1_000;
  }

  warnings(): string[] {
    const out: string[] = [];
    if (this.counterFallbacks > 0)
      out.push(
        `${this.counterFallbacks} GPU interval(s) had no energy counter reading at one end (read failed or counter reset) and were integrated from sampled power`,
      );
    if (this.limitUnknown && this.heldS + this.bridgedS > 0)
      out.push(
        "a GPU without a known power limit had seconds without readings: the high end of the range uses its highest reading and may not hold the truth",
      );
    return out;
  }

  /** The energy method of GPU `index` for the report, when it gave any energy. */
  energyMethod(index: number): string | null {
    const methods = this.methods.get(index);
    if (!methods?.size) return null;
    // Counter methods first: "nvml-counter+nvml-power" where some intervals fell back to sampled power.
    return [...methods]
      .sort((a, b) => Number(b.endsWith("-counter")) - Number(a.endsWith("-counter")))
      .join("+");
  }
}

/** A phase's GPU components: the counter's and the stream's, each only when it counted something. */
export function gpuComponents(acc: PhaseAcc, durationMs: number): ComponentEnergy[] {
  const components: ComponentEnergy[] = [];
  // Covered time of the GPU components: sampled intervals plus the longest edge/bridge stretch of one GPU.
  const edgeS = Math.max(0, ...acc.gpuEdgeS.values());
  const gpuCoveredS = Math.min(durationMs / 1_000, acc.gpu.coveredS + edgeS);
  const counterUsed = acc.gpuCounter.joules > 0 || acc.gpuCounter.heldS + acc.gpuCounter.bridgedS > 0;
  const method = gpuMethods(acc.gpuReader);
  if (counterUsed) {
    components.push(
      gpuComponent(method.counter, acc.gpuCounter, gpuCoveredS, COUNTER_DETAIL[method.counter]),
    );
  }
  // coveredS is shared by both methods: a phase the counter measured alone gets no empty stream component.
  if (acc.gpu.joules > 0 || (acc.gpu.coveredS > 0 && !counterUsed) || acc.gpu.heldS + acc.gpu.bridgedS > 0) {
    components.push(gpuComponent(method.power, acc.gpu, gpuCoveredS, POWER_DETAIL[method.power]));
  }
  return components;
}

function gpuComponent(
  method: GpuMethod,
  acc: ComponentAcc,
  coveredS: number,
  detail: string,
): ComponentEnergy {
  const edges = [
    acc.heldS > 0 ? `${acc.heldS.toFixed(1)} device-s held at the edges` : "",
    acc.bridgedS > 0 ? `${acc.bridgedS.toFixed(1)} device-s bridged across stream gaps` : "",
  ].filter(Boolean);
  const c = component(
    "gpu",
    method,
    "measured",
    { ...acc, coveredS: Math.max(coveredS, acc.coveredS) },
    edges.length ? `${detail}; ${edges.join(", ")} (range 0 W to the power limit over them)` : detail,
  );
  return {
    ...c,
    ...(acc.heldS > 0 ? { heldS: acc.heldS } : {}),
    ...(acc.bridgedS > 0 ? { bridgedS: acc.bridgedS } : {}),
  };
}
