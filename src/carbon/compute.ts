/**
 * Emissions from energy: operational (energy × PUE × intensity) and embodied (SCI-style share of hardware manufacturing
 * emissions), each with a low/high range. Pure.
 */
import type { Carbon, Hardware } from "../model/report.js";
import {
  DATACENTER_GPU_PATTERN,
  EMBODIED_CPU_SERVER,
  EMBODIED_GPU,
  HOST_THREADS,
  HOURS_PER_YEAR,
  type EmbodiedFigure,
} from "./constants.js";
import type { CarbonContext } from "./context.js";

export interface EnergyFigures {
  energyWh: number;
  lowWh: number;
  highWh: number;
  durationS: number;
}

export interface CarbonInput extends EnergyFigures {
  phases: (EnergyFigures & { name: string })[];
  hardware: Hardware;
}

interface Range {
  value: number;
  low: number;
  high: number;
}

/** gCO2e for energy × PUE × intensity, low with every low factor, high with every high one. */
export function operationalG(energy: Omit<EnergyFigures, "durationS">, ctx: CarbonContext): Range {
  const { pue, intensity } = ctx;
  return {
    value: (energy.energyWh / 1_000) * pue.value * intensity.gPerKWh,
    low: (energy.lowWh / 1_000) * pue.low * intensity.lowGPerKWh,
    high: (energy.highWh / 1_000) * pue.high * intensity.highGPerKWh,
  };
}

function amortised(figure: EmbodiedFigure, hours: number, share: Range): Range {
  const usage = figure.usageFactor ?? 1;
  const perHourG = (kg: number, years: number) => (kg * 1_000) / (years * HOURS_PER_YEAR * usage);
  return {
    value: perHourG(figure.kgCO2e, figure.lifetimeYears) * hours * share.value,
    low: perHourG(figure.lowKgCO2e, figure.highLifetimeYears) * hours * share.low,
    high: perHourG(figure.highKgCO2e, figure.lowLifetimeYears) * hours * share.high,
  };
}

/**
 * SCI-style embodied emissions for `durationS` of use: the server's manufacturing emissions × (duration / lifetime) × the
 * share of its logical CPUs the job had, plus each GPU whole (a GPU is not shared between jobs).
 */
export function embodiedG(hardware: Hardware, durationS: number): Range & { detail: string } {
  const hours = durationS / 3_600;
  const threads = hardware.cpu.threads;
  const share = {
    value: Math.min(1, threads / HOST_THREADS.value),
    low: Math.min(1, threads / HOST_THREADS.high),
    high: Math.min(1, threads / HOST_THREADS.low),
  };
  const parts = [amortised(EMBODIED_CPU_SERVER, hours, share)];
  let datacenter = 0;
  // GPUs outside the job's set (gpus input, CUDA_VISIBLE_DEVICES) are another job's: not amortised here.
  const gpus = hardware.gpus.filter((g) => g.counted !== false);
  for (const gpu of gpus) {
    const isDatacenter = DATACENTER_GPU_PATTERN.test(gpu.name);
    if (isDatacenter) datacenter++;
    parts.push(
      amortised(EMBODIED_GPU[isDatacenter ? "datacenter" : "small"], hours, { value: 1, low: 1, high: 1 }),
    );
  }
  const sum = (key: keyof Range) => parts.reduce((total, part) => total + part[key], 0);
  const gpuText = gpus.length
    ? `; ${gpus.length} GPU(s) whole (${datacenter} data-centre class: ${EMBODIED_GPU.datacenter.source}; others: ${EMBODIED_GPU.small.source})`
    : "";
  return {
    value: sum("value"),
    low: sum("low"),
    high: sum("high"),
    detail: `embodied (SCI-style): ${threads}/${HOST_THREADS.value} host threads of a server (${EMBODIED_CPU_SERVER.source})${gpuText}`,
  };
}

export function computeCarbon(input: CarbonInput, ctx: CarbonContext): Carbon {
  const operational = operationalG(input, ctx);
  const embodied = embodiedG(input.hardware, input.durationS);
  const phaseEmissionsG = input.phases.map((phase) => {
    const op = operationalG(phase, ctx);
    const em = embodiedG(input.hardware, phase.durationS);
    return { name: phase.name, totalG: op.value + em.value, lowG: op.low + em.low, highG: op.high + em.high };
  });
  const notes = [
    ...ctx.notes,
    ...ctx.warnings,
    `operational = energy × PUE ${ctx.pue.value} (${ctx.pue.source}) × ${round(ctx.intensity.gPerKWh)} g/kWh`,
    embodied.detail,
  ].slice(0, 50);
  return {
    region: {
      id: ctx.region.id,
      name: ctx.region.name,
      source: ctx.region.source,
      provenance: ctx.region.provenance,
    },
    intensity: { ...ctx.intensity },
    pue: { value: ctx.pue.value, low: ctx.pue.low, high: ctx.pue.high, source: ctx.pue.source },
    emissions: {
      operationalG: operational.value,
      operationalLowG: operational.low,
      operationalHighG: operational.high,
      embodiedG: embodied.value,
      embodiedLowG: embodied.low,
      embodiedHighG: embodied.high,
      totalG: operational.value + embodied.value,
      lowG: operational.low + embodied.low,
      highG: operational.high + embodied.high,
    },
    phaseEmissionsG,
    notes,
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
