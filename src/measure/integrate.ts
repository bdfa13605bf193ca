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
import type { ComponentEnergy, Hardware, Phase } from "../model/report.js";
import { addPower, component, newAcc, type PhaseAcc, type SampleState } from "./integrate-acc.js";
import { GpuIntegration, gpuComponents } from "./integrate-gpu.js";
import type { PowerModels } from "./power-model.js";
import type { GpuReaderName, MetaLine, SamplesFileLine } from "./samples.js";

/**
 * RAPL accuracy: ±5 % of energy, after Khan et al., "RAPL in Action: Experiences in Using RAPL for Power
 * Measurements", ACM TOMPECS 3(2), 2018 (package+DRAM RAPL tracks wall-meter deltas within a few %).
 */
const RAPL_RELATIVE_ERROR = 0.05;
/**
 * powermetrics accuracy: ±15 % (assumed). Apple publishes no calibration and its help text says the average power
 * values "are estimated and may be inaccurate"; the figure is wider than RAPL's and narrower than the model's.
 */
const POWERMETRICS_RELATIVE_ERROR = 0.15;

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
  /** whose CPU time the sampler measured and over how many vCPUs (absent in older samples files) */
  samplerCpu?: NonNullable<MetaLine["cpu"]>;
  warnings: string[];
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
  private readonly gpuPowerFields = new Map<number, string>();
  private readonly gpu = new GpuIntegration({
    gpus: () => this.gpus,
    phases: this.phases,
    firstTs: () => this.firstTs,
    reader: () => this.gpuReader,
  });
  /** the tool that read the GPUs, from the latest hw line */
  private gpuReader: GpuReaderName = "nvidia-smi";

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
        this.gpuReader = line.reader ?? "nvidia-smi";
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
      socCpu: newAcc(),
      socGpu: newAcc(),
      socAneJ: 0,
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
      soc: line.soc,
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
      this.gpu.track(null, cur);
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
    this.gpu.track(prev, cur);
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
    const soc = prev.soc && cur.soc ? integrateSoc(phase, prev.soc, cur.soc, share, seconds) : false;

    if (isGap) {
      // GPUs: counters stay exact; sampled power is bridged with the range widened (edge rule).
      this.gpu.integrate(phase, prev, cur, a, b, true);
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
      // powermetrics measured this interval's CPU: the model only counts where it did not.
      if (!soc) addPower(phase.cpu, this.models.cpu.powerW(cur.cpu), seconds);
      phase.cpuUtilWeighted += cur.cpu * seconds;
      phase.cpuUtilS += seconds;
    }
    addPower(phase.memory, this.models.memory, seconds);
    if (this.models.other) addPower(phase.other, this.models.other, seconds);
    this.gpu.integrate(phase, prev, cur, a, b);
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
    this.gpu.tail(endMs);
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
    warnings.push(...this.gpu.warnings());

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
      gpuHeldS: this.gpu.heldS,
      gpuBridgedS: this.gpu.bridgedS,
      gpus: this.gpus.map((g) => {
        const energyMethod = this.gpu.energyMethod(g.index);
        const powerField = this.gpuPowerFields.get(g.index);
        return {
          ...g,
          ...(energyMethod ? { energyMethod } : {}),
          ...(powerField ? { powerField } : {}),
        };
      }),
      ...(this.gpuSelection ? { gpuSelection: this.gpuSelection } : {}),
      ...(this.meta?.cpu ? { samplerCpu: this.meta.cpu } : {}),
      warnings,
    };
  }

  private toPhase(acc: PhaseAcc, durationMs: number): Phase {
    const components: ComponentEnergy[] = [];
    const cpuFromRapl = acc.rapl.coveredS > 0;
    if (acc.socCpu.coveredS > 0) {
      // Intervals powermetrics did not cover (it exited) are the model's, inside the same component.
      const modelled = acc.cpu.coveredS;
      const cpu = mergeAcc(acc.socCpu, acc.cpu);
      components.push(
        component(
          "cpu",
          "powermetrics",
          "measured",
          cpu,
          `powermetrics CPU Power (Apple silicon, whole SoC's CPU clusters)${modelled >= 0.05 ? `; ${modelled.toFixed(1)} s without powermetrics from the CPU model (${this.models.cpu.detail})` : ""}`,
        ),
      );
    } else if (cpuFromRapl) {
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
    components.push(...gpuComponents(acc, durationMs));
    if (acc.socGpu.coveredS > 0) {
      components.push(
        component(
          "gpu",
          "powermetrics",
          "measured",
          acc.socGpu,
          `powermetrics GPU Power + ANE Power (Apple silicon; the Neural Engine ${(acc.socAneJ / 3_600).toPrecision(3)} Wh of it)`,
        ),
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

/** Add one interval's share of powermetrics' counters; false when a rail went backwards (not used then). */
function integrateSoc(
  phase: PhaseAcc,
  prev: NonNullable<SampleState["soc"]>,
  cur: NonNullable<SampleState["soc"]>,
  share: number,
  seconds: number,
): boolean {
  const cpuJ = ((cur.cpu - prev.cpu) / 1_000) * share;
  const gpuJ = ((cur.gpu - prev.gpu) / 1_000) * share;
  const aneJ = ((cur.ane - prev.ane) / 1_000) * share;
  if (cpuJ < 0 || gpuJ < 0 || aneJ < 0) return false;
  const add = (acc: PhaseAcc["socCpu"], joules: number) => {
    acc.joules += joules;
    acc.lowJ += joules * (1 - POWERMETRICS_RELATIVE_ERROR);
    acc.highJ += joules * (1 + POWERMETRICS_RELATIVE_ERROR);
    acc.coveredS += seconds;
    if (seconds > 0) acc.peakW = Math.max(acc.peakW, joules / seconds);
  };
  add(phase.socCpu, cpuJ);
  add(phase.socGpu, gpuJ + aneJ);
  phase.socAneJ += aneJ;
  return true;
}

function mergeAcc(a: PhaseAcc["cpu"], b: PhaseAcc["cpu"]): PhaseAcc["cpu"] {
  return {
    joules: a.joules + b.joules,
    lowJ: a.lowJ + b.lowJ,
    highJ: a.highJ + b.highJ,
    coveredS: a.coveredS + b.coveredS,
    peakW: Math.max(a.peakW, b.peakW),
    heldS: a.heldS + b.heldS,
    bridgedS: a.bridgedS + b.bridgedS,
  };
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
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
