/**
 * Memory power: a constant W per GB of installed RAM. DRAM draw depends little on utilization compared
 * with CPUs, and no counter is readable on cloud VMs, so every published tool uses a constant.
 *
 * No double counting: when the CPU figure comes from Cloud Carbon Footprint's per-vCPU watts, those watts are
 * whole-server SPECpower figures that already contain the servers' memory, on average MEMORY_BY_COMPUTE_PROCESSOR
 * GB per chip. CCF therefore adds memory only above that amount (methodology, "Memory — Applying the
 * coefficient"; @cloud-carbon-footprint/aws@0.15.0). The CPU model says how many GB its watts include for the job's
 * vCPU share (`includedMemoryGB`); only the rest is added here. The high end still counts all memory (the included
 * share is an average over SPECpower servers, not this host).
 */
import { InputError } from "../model/units.js";
import type { ConstantPower } from "./power-model.js";

/**
 * Cloud Carbon Footprint MEMORY_COEFFICIENT 0.000392 kWh/GB-hour = 0.392 W/GB (@cloud-carbon-footprint/aws@0.15.0
 * and azure@1.8.0 constants; methodology "Memory — Chosen coefficient": mean of Crucial's 3 W per 8 GB and
 * Micron's 0.4083 W/GB for DDR4, 2021).
 */
export const CCF_WATTS_PER_GB = 0.392;
/** CodeCarbon (mlco2/codecarbon, RAM power heuristic, 2022): 3 W per 8 GB = 0.375 W/GB. */
export const CODECARBON_WATTS_PER_GB = 3 / 8;
/** Green Algorithms (Lannelongue et al., Advanced Science 2021): 0.3725 W/GB. */
export const GREEN_ALGORITHMS_WATTS_PER_GB = 0.3725;

/**
 * The published constants agree closely (0.3725–0.392 W/GB) but are all one average for DRAM at any
 * activity; idle and busy DIMMs differ by about 2x, so the range is widened to half the lowest and 1.5x
 * the highest published figure (assumed).
 */
export const MEMORY_LOW_W_PER_GB = GREEN_ALGORITHMS_WATTS_PER_GB * 0.5;
export const MEMORY_HIGH_W_PER_GB = CCF_WATTS_PER_GB * 1.5;
/** ±25 % around a user's own W/GB figure (assumed: the user's figure is still one average). */
const OVERRIDE_RANGE_FRACTION = 0.25;

export function memoryPowerModel(
  memoryGB: number,
  overrideWPerGB?: number,
  opts: { includedGB?: number; includedBy?: string } = {},
): ConstantPower {
  if (!Number.isFinite(memoryGB) || memoryGB < 0) {
    throw new RangeError(`memory size: ${memoryGB} GB is not valid; accepted: a finite number ≥ 0`);
  }
  const included = Math.min(memoryGB, Math.max(0, opts.includedGB ?? 0));
  if (!Number.isFinite(included))
    throw new RangeError(`included memory: ${opts.includedGB} GB is not finite`);
  const extraGB = memoryGB - included;
  const gb = formatGB(memoryGB);
  const includedText =
    included > 0
      ? `; ${formatGB(included)} GB already in the CPU figure (${opts.includedBy ?? "CPU model"}), ${formatGB(extraGB)} GB added`
      : "";
  if (overrideWPerGB !== undefined) {
    if (!Number.isFinite(overrideWPerGB) || overrideWPerGB < 0 || overrideWPerGB > 10) {
      throw new InputError(
        `memory watts per GB: ${overrideWPerGB} is not valid; accepted: a number of W/GB from 0 to 10 (published figures are about 0.37–0.39)`,
      );
    }
    const w = extraGB * overrideWPerGB;
    return {
      w,
      lowW: w * (1 - OVERRIDE_RANGE_FRACTION),
      highW: memoryGB * overrideWPerGB * (1 + OVERRIDE_RANGE_FRACTION),
      detail: `${gb} GB x ${overrideWPerGB} W/GB (user override)${includedText}`,
    };
  }
  return {
    w: extraGB * CCF_WATTS_PER_GB,
    lowW: extraGB * MEMORY_LOW_W_PER_GB,
    highW: memoryGB * MEMORY_HIGH_W_PER_GB,
    detail: `${gb} GB x ${CCF_WATTS_PER_GB} W/GB (Cloud Carbon Footprint; range ${round(MEMORY_LOW_W_PER_GB)}–${round(MEMORY_HIGH_W_PER_GB)} W/GB)${includedText}`,
  };
}

function formatGB(gb: number): string {
  return Number.isInteger(gb) ? String(gb) : gb.toFixed(1);
}

function round(value: number): number {
  return Math.round(value * 1_000) / 1_000;
}
