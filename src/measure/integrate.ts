/**
 * Samples → energy per component per phase. Pure and streaming: lines are pushed one at a time and only
 * the previous sample and per-phase accumulators are kept, so memory is O(phases), not O(job length).
 *
 * Rules (docs/methodology.md explains them in prose):
 * - CPU utilization at a sample is the mean over the tick that ends there, so CPU model power is applied
 *   as a rectangle over (prev, cur].
 * - GPU energy: NVML's energy counter where both ends of an interval carry it (exact difference), else
 *   power.draw as a point reading, trapezoid between consecutive readings of the same GPU.
 * - GPU edges: a GPU's first reading is held back to the start of the measurement and its last forward to
 *   the end ("held"); an interval inside the run without readings (a stream restart) is bridged linearly
 *   ("bridged"). Those device-seconds widen the range to [0 W, power limit] so it holds the truth.
 * - RAPL counters: exact differences, with wraparound at max_energy_range_uj.
 * - Memory and fixed "other" draw: constant power over covered time.
 * - A pause between samples longer than `gapFactor` intervals is a gap: recorded, never filled in
 *   (counter differences across it are still exact and are kept).
 * - A phase marker between two samples splits the interval at the marker time.
 */
import type { ComponentEnergy, Gap, Hardware, Phase } from "../model/report.js";
import type { PowerModels, PowerRange } from "./power-model.js";
import type { GpuReading, MetaLine, SamplesFileLine } from "./samples.js";

/**
 * RAPL accuracy: ±5 % of energy, after Khan et al., "RAPL in Action: Experiences in Using RAPL for Power
 * Measurements", ACM TOMPECS 3(2), 2018 (package+DRAM RAPL tracks wall-meter deltas within a few %).
 */
const RAPL_RELATIVE_ERROR = 0.05;
/**
 * nvidia-smi power.draw: NVIDIA documents "accurate to within +/- 5 watts" (nvidia-smi(1) manual, power.draw).
 * Yang et al., "Part-time Power Measurements: nvidia-smi's Lack of Attention" (arXiv:2312.02741, 2023) show
 * A100/H100 readings cover part of each window, so we add ±5 % of energy for sampling error on top.
 */
const GPU_ABSOLUTE_ERROR_W = 5;
const GPU_RELATIVE_ERROR = 0.05;
/**
 * NVML's energy counter integrates the board power sensor inside the driver, so it has no sampling error;
 * what is left is the sensor's own accuracy, the same ±5 W NVIDIA states for power.draw (nvidia-smi(1),
 * power.draw: "accurate to within +/- 5 watts"), applied over the seconds counted.
 */
const GPU_COUNTER_ABSOLUTE_ERROR_W = 5;

export interface IntegrationOptions {
  models: PowerModels;
  /** phase name used before the first phase marker */
  defaultPhase?: string;
  /** an interval longer than gapFactor × intervalMs is a gap (default 3) */
  gapFactor?: number;
}

export interface IntegrationResult {
  startMs: number;
  endMs: number;
  intervalMs: number;
  durationS: number;
  samples: number;
  phases: Phase[];
  energyWh: number;
  lowWh: number;
  highWh: number;
  /** GPU indices that produced at least one power reading */
  gpuIndices: number[];
  /** held and bridged device-seconds over the whole run (see ComponentEnergy.heldS) */
  gpuHeldS: number;
  gpuBridgedS: number;
  /** GPU inventory from the last `hw` line, with each GPU's method */
  gpus: Hardware["gpus"];
  /** which GPUs were counted and why (absent in samples files older than this field) */
  gpuSelection?: Hardware["gpuSelection"];
  warnings: string[];
}

interface SampleState {
  ts: number;
  cpu: number | null;
  rapl: Record<string, number> | undefined;
  gpu: Map<number, GpuReading>;
}

interface ComponentAcc {
  joules: number;
  lowJ: number;
  highJ: number;
  coveredS: number;
  peakW: number;
  heldS: number;
  bridgedS: number;
}

/** Per GPU: the last sample that carried a power reading for it, for the edge and bridge rules. */
interface GpuTrack {
  ts: number;
  w: number;
  counter: boolean;
}

interface PhaseAcc {
  name: string;
  startMs: number;
  samples: number;
  cpu: ComponentAcc;
  rapl: ComponentAcc;
  gpu: ComponentAcc;
  gpuCounter: ComponentAcc;
  /** per GPU: held + bridged seconds in this phase (for the covered time of the GPU component) */
  gpuEdgeS: Map<number, number>;
  memory: ComponentAcc;
  other: ComponentAcc;
  cpuUtilWeighted: number;
  cpuUtilS: number;
  gpuUtilWeighted: number;
  gpuUtilS: number;
  gaps: Gap[];
}

const newAcc = (): ComponentAcc => ({
  joules: 0,
  lowJ: 0,
  highJ: 0,
  coveredS: 0,
  peakW: 0,
  heldS: 0,
  bridgedS: 0,
});

function addPower(acc: ComponentAcc, power: PowerRange, seconds: number): void {
  acc.joules += power.w * seconds;
  acc.lowJ += power.lowW * seconds;
  acc.highJ += power.highW * seconds;
  acc.coveredS += seconds;
  if (power.w > acc.peakW) acc.peakW = power.w;
}

/** RAPL counter difference with wraparound at `maxUj`; null when the pair cannot be trusted. */
export function counterDeltaUj(prev: number, next: number, maxUj: number | undefined): number | null {
  if (next >= prev) return next - prev;
  if (maxUj === undefined || prev > maxUj) return null;
  return next + (maxUj - prev);
}

/** Most phases one report holds (the report schema's bound). */
export const MAX_PHASES = 1_000;

export class EnergyIntegrator {
  private readonly models: PowerModels;
  private readonly defaultPhase: string;
  private readonly gapFactor: number;
  private meta: MetaLine | null = null;
  private prev: SampleState | null = null;
  private readonly phases: PhaseAcc[] = [];
  private pendingPhases: { ts: number; name: string }[] = [];
  private readonly pendingGaps: { ts: number; source: string; reason: string; durationMs?: number }[] = [];
  private readonly warnings: string[] = [];
  private readonly gpuIndices = new Set<number>();
  private firstTs: number | null = null;
  private lastTs: number | null = null;
  private endTs: number | null = null;
  private nonMonotonic = 0;
  private raplHasDram = false;
  private gpus: Hardware["gpus"] = [];
  private gpuSelection: Hardware["gpuSelection"];
  private unwrappableRapl = 0;
  /** phase boundaries past MAX_PHASES, merged into the last phase */
  private mergedPhases = 0;
  private readonly gpuTracks = new Map<number, GpuTrack>();
  /** per GPU: which methods gave its energy */
  private readonly gpuMethods = new Map<number, Set<"nvml-counter" | "nvidia-smi">>();
  private readonly gpuPowerFields = new Map<number, string>();
  private gpuHeldS = 0;
  private gpuBridgedS = 0;
  private counterFallbacks = 0;
  private gpuLimitUnknown = false;

  constructor(options: IntegrationOptions) {
    this.models = options.models;
    this.defaultPhase = options.defaultPhase ?? "run";
    this.gapFactor = options.gapFactor ?? 3;
  }

  push(line: SamplesFileLine): void {
    switch (line.t) {
      case "meta":
        this.meta = line;
        return;
      case "phase":
        if (this.prev === null) this.pendingPhases = [{ ts: line.ts, name: line.name }];
        else this.pendingPhases.push({ ts: line.ts, name: line.name });
        return;
      case "gap":
        this.pendingGaps.push(line);
        return;
      case "warn":
        if (this.warnings.length < 100 && !this.warnings.includes(line.message))
          this.warnings.push(line.message);
        return;
      case "end":
        this.endTs = line.ts;
        return;
      case "hw":
        this.gpus = line.gpus.map((g) => ({
          index: g.index,
          name: g.name,
          uuid: g.uuid,
          powerLimitW: g.powerLimitW,
          memoryTotalMiB: g.memoryTotalMiB,
          ...(g.counted === undefined ? {} : { counted: g.counted }),
        }));
        for (const g of line.gpus) if (g.powerField) this.gpuPowerFields.set(g.index, g.powerField);
        if (line.selection) this.gpuSelection = line.selection;
        return;
      case "s":
        this.pushSample(line);
    }
  }

  private get intervalMs(): number {
    return this.meta?.intervalMs ?? 1_000;
  }

  private currentPhase(ts: number): PhaseAcc {
    const last = this.phases[this.phases.length - 1];
    if (last) return last;
    return this.openPhase(this.defaultPhase, ts);
  }

  private openPhase(name: string, ts: number): PhaseAcc {
    // A report holds at most MAX_PHASES phases: the last one collects every later boundary (named and
    // warned about in finish), so a job that marks 5,000 phases keeps its whole energy, in bounded memory.
    const last = this.phases[this.phases.length - 1];
    if (last && this.phases.length >= MAX_PHASES) {
      this.mergedPhases += 1;
      return last;
    }
    const phase: PhaseAcc = {
      name,
      startMs: ts,
      samples: 0,
      cpu: newAcc(),
      rapl: newAcc(),
      gpu: newAcc(),
      gpuCounter: newAcc(),
      gpuEdgeS: new Map(),
      memory: newAcc(),
      other: newAcc(),
      cpuUtilWeighted: 0,
      cpuUtilS: 0,
      gpuUtilWeighted: 0,
      gpuUtilS: 0,
      gaps: [],
    };
    this.phases.push(phase);
    return phase;
  }

  private pushSample(line: Extract<SamplesFileLine, { t: "s" }>): void {
    const cur: SampleState = {
      ts: line.ts,
      cpu: line.cpu ?? null,
      rapl: line.rapl,
      gpu: new Map((line.gpu ?? []).map((g) => [g.i, g])),
    };
    for (const g of line.gpu ?? []) if (g.w !== null) this.gpuIndices.add(g.i);

    const prev = this.prev;
    if (prev === null) {
      // First sample: phases announced before it start here.
      const first = this.pendingPhases.pop();
      this.pendingPhases = [];
      this.openPhase(first?.name ?? this.defaultPhase, first ? Math.min(first.ts, cur.ts) : cur.ts);
      this.firstTs = this.phases[0]?.startMs ?? cur.ts;
      this.currentPhase(cur.ts).samples += 1;
      this.prev = cur;
      this.lastTs = cur.ts;
      this.trackGpus(null, cur);
      this.flushGaps(cur.ts);
      return;
    }
    if (cur.ts <= prev.ts) {
      this.nonMonotonic += 1;
      return;
    }

    // Split (prev.ts, cur.ts] at each phase marker inside it.
    const bounds = this.pendingPhases.filter((p) => p.ts < cur.ts).sort((a, b) => a.ts - b.ts);
    this.pendingPhases = this.pendingPhases.filter((p) => p.ts >= cur.ts);
    let segmentStart = prev.ts;
    for (const boundary of bounds) {
      const at = Math.max(boundary.ts, prev.ts);
      if (at > segmentStart) this.integrateSegment(prev, cur, segmentStart, at);
      this.openPhase(boundary.name, at);
      segmentStart = at;
    }
    this.integrateSegment(prev, cur, segmentStart, cur.ts);
    this.currentPhase(cur.ts).samples += 1;
    this.trackGpus(prev, cur);
    this.flushGaps(cur.ts);
    this.prev = cur;
    this.lastTs = cur.ts;
  }

  /** Integrate the part [a, b] of the sample interval (prev.ts, cur.ts] into the current phase. */
  private integrateSegment(prev: SampleState, cur: SampleState, a: number, b: number): void {
    const phase = this.currentPhase(a);
    const intervalS = (cur.ts - prev.ts) / 1_000;
    const seconds = (b - a) / 1_000;
    const share = seconds / intervalS;
    const isGap = cur.ts - prev.ts > this.gapFactor * this.intervalMs;

    // Counters are exact across gaps too.
    if (prev.rapl && cur.rapl) this.integrateRapl(phase, prev.rapl, cur.rapl, share, seconds);

    if (isGap) {
      // GPUs: counters stay exact; sampled power is bridged with the range widened (edge rule).
      this.integrateGpus(phase, prev, cur, a, b, true);
      if (a === prev.ts) {
        phase.gaps.push({
          source: "sampler",
          atS: Math.max(0, (prev.ts - (this.firstTs ?? prev.ts)) / 1_000),
          durationS: intervalS,
          reason: `no samples for ${intervalS.toFixed(1)} s (sampler paused, starved or killed); CPU and memory power not counted for it, GPU power bridged (range 0 W to the limit)`,
        });
      }
      return;
    }

    if (cur.cpu !== null && cur.cpu !== undefined) {
      addPower(phase.cpu, this.models.cpu.powerW(cur.cpu), seconds);
      phase.cpuUtilWeighted += cur.cpu * seconds;
      phase.cpuUtilS += seconds;
    }
    addPower(phase.memory, this.models.memory, seconds);
    if (this.models.other) addPower(phase.other, this.models.other, seconds);
    this.integrateGpus(phase, prev, cur, a, b);
  }

  private integrateRapl(
    phase: PhaseAcc,
    prevRapl: Record<string, number>,
    curRapl: Record<string, number>,
    share: number,
    seconds: number,
  ): void {
    let totalUj = 0;
    for (const [domain, next] of Object.entries(curRapl)) {
      if (domain.startsWith("dram")) this.raplHasDram = true;
      const before = prevRapl[domain];
      if (before === undefined) continue;
      const maxUj = this.meta?.raplMaxUj?.[domain];
      const delta = counterDeltaUj(before, next, maxUj);
      // A true wrap within one interval covers far less than half the range (≈ 131 kJ at the usual
      // 262 kJ range: over 2 kW for 60 s); a bigger "wrap" is a counter that went backwards (reset).
      const implausibleWrap = next < before && delta !== null && maxUj !== undefined && delta > maxUj / 2;
      if (delta === null || implausibleWrap) {
        this.unwrappableRapl += 1;
        continue;
      }
      totalUj += delta;
    }
    const joules = (totalUj / 1e6) * share;
    const acc = phase.rapl;
    acc.joules += joules;
    acc.lowJ += joules * (1 - RAPL_RELATIVE_ERROR);
    acc.highJ += joules * (1 + RAPL_RELATIVE_ERROR);
    acc.coveredS += seconds;
    if (seconds > 0) acc.peakW = Math.max(acc.peakW, joules / seconds);
  }

  private integrateGpus(
    phase: PhaseAcc,
    prev: SampleState,
    cur: SampleState,
    a: number,
    b: number,
    bridged = false,
  ): void {
    const span = cur.ts - prev.ts;
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
        this.methodsOf(index).add("nvml-counter");
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
          const limitW = this.gpus.find((g) => g.index === index)?.powerLimitW ?? Math.max(pa, pb);
          phase.gpu.highJ += Math.max(joules, limitW * seconds);
          phase.gpu.bridgedS += seconds;
          phase.gpuEdgeS.set(index, (phase.gpuEdgeS.get(index) ?? 0) + seconds);
          this.gpuBridgedS += seconds;
          this.methodsOf(index).add("nvidia-smi");
          continue;
        }
        phase.gpu.lowJ += Math.max(0, joules * (1 - GPU_RELATIVE_ERROR) - GPU_ABSOLUTE_ERROR_W * seconds);
        phase.gpu.highJ += joules * (1 + GPU_RELATIVE_ERROR) + GPU_ABSOLUTE_ERROR_W * seconds;
        sumW += end.w;
        this.methodsOf(index).add("nvidia-smi");
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

  private methodsOf(index: number): Set<"nvml-counter" | "nvidia-smi"> {
    let set = this.gpuMethods.get(index);
    if (!set) this.gpuMethods.set(index, (set = new Set()));
    return set;
  }

  /**
   * The edge and bridge rules, applied once per sample after its interval was integrated. A GPU with a
   * reading now whose previous sample had none: its uncovered stretch ends here. Never seen before → held
   * back from the start of the measurement at this reading; seen before → bridged linearly from its last
   * reading (a stream restart, a stale row). Intervals the NVML counter covered count as covered, power reading
   * or not, so a stream restart under a working counter is exact, not bridged.
   */
  private trackGpus(prev: SampleState | null, cur: SampleState): void {
    for (const [index, reading] of cur.gpu) {
      const before = prev?.gpu.get(index);
      // The counter covered (prev, cur] exactly, with or without a power reading at either end.
      const counterCovered = before?.e != null && reading.e != null && reading.e >= before.e;
      const track = this.gpuTracks.get(index);
      if (reading.w === null) {
        // No power reading (a stale nvidia-smi row), but the counter counted the interval: coverage goes on.
        if (counterCovered && track) this.gpuTracks.set(index, { ...track, ts: cur.ts, counter: true });
        continue;
      }
      const counter = reading.e !== undefined && reading.e !== null;
      const hadBefore = before?.w != null || counterCovered;
      if (!hadBefore) {
        const from = track ? track.ts : (this.firstTs ?? cur.ts);
        if (cur.ts > from) {
          if (track) this.spreadGpu(index, from, track.w, cur.ts, reading.w, "bridged", counter);
          else this.spreadGpu(index, from, reading.w, cur.ts, reading.w, "held", counter);
        }
      }
      this.gpuTracks.set(index, { ts: cur.ts, w: reading.w, counter });
    }
  }

  /** Power going linearly from w0 at t0 to w1 at t1, for a stretch without readings, spread over the phases. */
  private spreadGpu(
    index: number,
    t0: number,
    w0: number,
    t1: number,
    w1: number,
    kind: "held" | "bridged",
    counter: boolean,
  ): void {
    const limitW = this.gpus.find((g) => g.index === index)?.powerLimitW ?? null;
    for (const [i, phase] of this.phases.entries()) {
      const phaseEnd = this.phases[i + 1]?.startMs ?? Infinity;
      const x = Math.max(t0, phase.startMs);
      const y = Math.min(t1, phaseEnd);
      if (y <= x) continue;
      const at = (t: number) => w0 + ((w1 - w0) * (t - t0)) / (t1 - t0);
      const seconds = (y - x) / 1_000;
      const joules = ((at(x) + at(y)) / 2) * seconds;
      const acc = counter ? phase.gpuCounter : phase.gpu;
      acc.joules += joules;
      // Any power between idle (≥ 0 W; neither nvidia-smi nor NVML reports an idle floor) and the limit.
      acc.highJ += Math.max(joules, (limitW ?? Math.max(w0, w1)) * seconds);
      if (kind === "held") acc.heldS += seconds;
      else acc.bridgedS += seconds;
      phase.gpuEdgeS.set(index, (phase.gpuEdgeS.get(index) ?? 0) + seconds);
      if (kind === "bridged" && i === this.phases.length - 1 && y === t1) {
        phase.gaps.push({
          source: "nvidia-smi",
          atS: Math.max(0, (t0 - (this.firstTs ?? t0)) / 1_000),
          durationS: (t1 - t0) / 1_000,
          reason: `GPU ${index}: no power reading for ${((t1 - t0) / 1_000).toFixed(1)} s; power bridged linearly, range widened to 0 W – ${limitW === null ? "highest reading" : `${limitW} W`}`,
        });
      }
    }
    if (limitW === null) this.gpuLimitUnknown = true;
    if (kind === "held") this.gpuHeldS += (t1 - t0) / 1_000;
    else this.gpuBridgedS += (t1 - t0) / 1_000;
  }

  private flushGaps(ts: number): void {
    if (this.pendingGaps.length === 0) return;
    const phase = this.currentPhase(ts);
    for (const gap of this.pendingGaps.splice(0)) {
      phase.gaps.push({
        source: gap.source,
        atS: Math.max(0, (gap.ts - (this.firstTs ?? gap.ts)) / 1_000),
        durationS: (gap.durationMs ?? 0) / 1_000,
        reason: gap.reason,
      });
    }
  }

  finish(): IntegrationResult {
    const startMs = this.firstTs ?? this.meta?.startMs ?? 0;
    const endMs = Math.max(this.endTs ?? this.lastTs ?? startMs, this.lastTs ?? startMs);
    // Tail: each GPU's last reading held forward to the end.
    for (const [index, track] of this.gpuTracks) {
      if (endMs > track.ts) this.spreadGpu(index, track.ts, track.w, endMs, track.w, "held", track.counter);
    }
    this.gpuTracks.clear();
    this.flushGaps(endMs);
    const warnings = [...this.warnings];
    if (this.nonMonotonic > 0)
      warnings.push(`${this.nonMonotonic} samples with a timestamp going backwards were skipped`);
    if (this.unwrappableRapl > 0)
      warnings.push(
        `${this.unwrappableRapl} RAPL counter readings went backwards (not a plausible wraparound) and were skipped`,
      );
    if (this.prev === null)
      warnings.push("no samples were recorded; energy is zero because nothing was measured");
    if (this.counterFallbacks > 0)
      warnings.push(
        `${this.counterFallbacks} GPU interval(s) had no NVML energy counter at one end (read failed or counter reset) and were integrated from sampled power`,
      );
    if (this.gpuLimitUnknown && this.gpuHeldS + this.gpuBridgedS > 0)
      warnings.push(
        "a GPU without a known power limit had seconds without readings: the high end of the range uses its highest reading and may not hold the truth",
      );

    if (this.mergedPhases > 0) {
      const last = this.phases[this.phases.length - 1]!;
      const first = last.name;
      last.name = `later phases (from "${first.slice(0, 60)}", ${this.mergedPhases + 1} merged)`;
      warnings.push(
        `more than ${MAX_PHASES} phases: the last ${this.mergedPhases + 1} are merged into one ("${last.name}"); energy and duration are complete`,
      );
    }
    const phases = this.phases.map((phase, i) => {
      const next = this.phases[i + 1];
      const phaseEnd = next ? next.startMs : endMs;
      return this.toPhase(phase, Math.max(0, phaseEnd - phase.startMs));
    });
    const totals = phases.reduce(
      (sum, p) => ({ e: sum.e + p.energyWh, lo: sum.lo + p.lowWh, hi: sum.hi + p.highWh }),
      { e: 0, lo: 0, hi: 0 },
    );
    const totalSamples = this.phases.reduce((n, p) => n + p.samples, 0);
    return {
      startMs,
      endMs,
      intervalMs: this.intervalMs,
      durationS: Math.max(0, (endMs - startMs) / 1_000),
      samples: totalSamples,
      phases,
      energyWh: totals.e,
      lowWh: totals.lo,
      highWh: totals.hi,
      gpuIndices: [...this.gpuIndices].sort((a, b) => a - b),
      gpuHeldS: this.gpuHeldS,
      gpuBridgedS: this.gpuBridgedS,
      gpus: this.gpus.map((g) => {
        const methods = this.gpuMethods.get(g.index);
        const powerField = this.gpuPowerFields.get(g.index);
        return {
          ...g,
          ...(methods?.size
            ? {
                energyMethod:
                  methods.size === 2
                    ? ("nvml-counter+nvidia-smi" as const)
                    : (methods.values().next().value as "nvml-counter" | "nvidia-smi"),
              }
            : {}),
          ...(powerField ? { powerField } : {}),
        };
      }),
      ...(this.gpuSelection ? { gpuSelection: this.gpuSelection } : {}),
      warnings,
    };
  }

  private toPhase(acc: PhaseAcc, durationMs: number): Phase {
    const components: ComponentEnergy[] = [];
    const cpuFromRapl = acc.rapl.coveredS > 0;
    if (cpuFromRapl) {
      components.push(
        component(
          "cpu",
          "rapl",
          "measured",
          acc.rapl,
          `RAPL counters (${this.raplHasDram ? "package + dram" : "package"}), whole machine`,
        ),
      );
    } else if (acc.cpu.coveredS > 0) {
      components.push(
        component(
          "cpu",
          "cpu-model",
          this.models.cpu.provenance === "assumed" ? "assumed" : "modelled",
          acc.cpu,
          this.models.cpu.detail,
        ),
      );
    }
    // Covered time of the GPU components: sampled intervals plus the longest edge/bridge stretch of one GPU.
    const edgeS = Math.max(0, ...acc.gpuEdgeS.values());
    const gpuCoveredS = Math.min(durationMs / 1_000, acc.gpu.coveredS + edgeS);
    if (acc.gpuCounter.joules > 0 || acc.gpuCounter.heldS + acc.gpuCounter.bridgedS > 0) {
      components.push(
        gpuComponent(
          "nvml-counter",
          acc.gpuCounter,
          gpuCoveredS,
          "NVML total energy counter, exact differences",
        ),
      );
    }
    const counterUsed = acc.gpuCounter.joules > 0 || acc.gpuCounter.heldS + acc.gpuCounter.bridgedS > 0;
    // coveredS is shared by both methods: a phase the counter measured alone gets no empty stream component.
    if (
      acc.gpu.joules > 0 ||
      (acc.gpu.coveredS > 0 && !counterUsed) ||
      acc.gpu.heldS + acc.gpu.bridgedS > 0
    ) {
      components.push(
        gpuComponent("nvidia-smi", acc.gpu, gpuCoveredS, "power sampled from one nvidia-smi stream"),
      );
    }
    // A RAPL dram domain already measures memory; otherwise memory is modelled.
    if (!(cpuFromRapl && this.raplHasDram) && acc.memory.coveredS > 0) {
      components.push(component("memory", "memory-model", "modelled", acc.memory, this.models.memory.detail));
    }
    if (this.models.other && acc.other.coveredS > 0) {
      components.push(component("other", "fixed", "assumed", acc.other, this.models.other.detail));
    }
    const sum = (f: (c: ComponentEnergy) => number) => components.reduce((s, c) => s + f(c), 0);
    return {
      name: acc.name,
      startedAt: new Date(acc.startMs).toISOString(),
      durationS: durationMs / 1_000,
      energyWh: sum((c) => c.energyWh),
      lowWh: sum((c) => c.lowWh),
      highWh: sum((c) => c.highWh),
      components,
      samples: acc.samples,
      meanCpuUtil: acc.cpuUtilS > 0 ? clamp01(acc.cpuUtilWeighted / acc.cpuUtilS) : null,
      meanGpuUtil: acc.gpuUtilS > 0 ? clamp01(acc.gpuUtilWeighted / acc.gpuUtilS) : null,
      gaps: acc.gaps.slice(0, 1_000),
    };
  }
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

const JOULES_PER_WH = 3_600;

function component(
  name: ComponentEnergy["component"],
  method: ComponentEnergy["method"],
  provenance: ComponentEnergy["provenance"],
  acc: ComponentAcc,
  detail: string,
): ComponentEnergy {
  const energyWh = acc.joules / JOULES_PER_WH;
  return {
    component: name,
    method,
    provenance,
    energyWh,
    lowWh: Math.min(energyWh, acc.lowJ / JOULES_PER_WH),
    highWh: Math.max(energyWh, acc.highJ / JOULES_PER_WH),
    meanPowerW: acc.coveredS > 0 ? acc.joules / acc.coveredS : 0,
    peakPowerW: acc.peakW,
    detail: detail.slice(0, 2_000),
  };
}

function gpuComponent(
  method: "nvml-counter" | "nvidia-smi",
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

/** Convenience for tests and one-shot use: integrate a whole list of lines. */
export function integrateEnergy(
  lines: Iterable<SamplesFileLine>,
  options: IntegrationOptions,
): IntegrationResult {
  const integrator = new EnergyIntegrator(options);
  for (const line of lines) integrator.push(line);
  return integrator.finish();
}
