/**
 * CPU power from utilization when there is no RAPL counter (the common case: GitHub-hosted runners are
 * VMs without powercap). Known CPU → our share of the package TDP on an idle→full curve; unknown CPU →
 * Cloud Carbon Footprint's average per-vCPU watts. User overrides win.
 */
import { InputError } from "../model/units.js";
import {
  CASCADE,
  ICE,
  SKYLAKE,
  SPR,
  ZEN2,
  ZEN3,
  ZEN4,
  findMicroarchitecture,
  generationNamed,
  type CpuId,
} from "./cpu-generations.js";
import type { CpuPowerModel, PowerRange } from "./power-model.js";

export {
  MICROARCHITECTURES,
  findMicroarchitecture,
  type CcfGeneration,
  type CpuId,
  type Microarchitecture,
} from "./cpu-generations.js";

export interface CpuSpec {
  /** display name */
  name: string;
  /** matched against the brand string with (R)/(TM) removed */
  pattern: RegExp;
  tdpW: number;
  cores: number;
  /** logical CPUs of one package */
  threads: number;
  /** ± fraction of the figure (wider where the TDP is not the vendor's own for this part) */
  rangeFraction: number;
  source: string;
  /** name of its MICROARCHITECTURES entry: where CCF has figures for it, they win over the TDP (see buildCpuPowerModel) */
  generation?: string;
}

/**
 * ±25 % around a table-based figure: TDP is a thermal design limit, not a measured draw, and single
 * servers scatter around the fitted curve; Boavizta and Teads present the curve as an estimate with
 * errors of this order against SPECpower results (assumed bound, not a confidence interval).
 * Custom cloud SKUs whose TDP comes from the nearest public part carry their own wider `rangeFraction`.
 */
export const CURVE_RANGE_FRACTION = 0.25;

/**
 * Extra headroom above the curve, as a fraction of the TDP share: high = max(w × (1 + 25 %), w + 12 % of the
 * share). The curve's low-utilization end is its least certain part for a VM slice: for the 4-vCPU EPYC 7763
 * runner the Teads idle point (12 % of the share, 1.05 W) sits below Eco CI's published model (1.76 W at 0 %,
 * 3.62 W at 10 %: green-coding-solutions/eco-ci-energy-estimation, machine-power-data/
 * github_EPYC_7763_4_CPU_shared.sh, added 2024-06-18) and Cloud Carbon Footprint's EPYC 3rd Gen minimum (0.45 W per vCPU,
 * AzureFootprintEstimationConstants.ts), while at 25–100 % both lie within −25 % of the curve. 12 % (the
 * curve's own idle fraction) is the smallest round margin that contains both (docs/methodology.md, table).
 */
export const CURVE_HIGH_MARGIN_OF_TDP = 0.12;

const VENDOR = CURVE_RANGE_FRACTION; // vendor-published TDP
const SIBLING = 0.35; // custom cloud SKU, TDP of the nearest public part (assumed extra ±10 %)
const NO_TDP = 0.4; // no vendor TDP at all (Apple): third-party measurements (assumed)

/**
 * CPUs common on CI runners and cloud hosts. TDP, cores and threads per package from the vendor's spec
 * page; cloud-only SKUs (suffix C/CL/M, AMD "V") have no public spec: they take the TDP of the nearest
 * public part of the same generation and core count, and say so.
 */
// prettier-ignore
export const CPU_POWER_TABLE: readonly CpuSpec[] = [
  // GitHub-hosted ubuntu/windows runners (Azure). amd.com/en/products/processors/server/epyc/7003-series/amd-epyc-7763.html
  { name: "AMD EPYC 7763", pattern: /EPYC 7763\b/i, tdpW: 280, cores: 64, threads: 128, rangeFraction: VENDOR, source: "AMD EPYC 7763 spec page", generation: ZEN3 },
  // Azure custom Genoa, 80 cores (seen on GitHub-hosted runners); nearest public: EPYC 9634, 84 cores, 290 W (amd.com)
  { name: "AMD EPYC 9V74", pattern: /EPYC 9V74\b/i, tdpW: 290, cores: 80, threads: 160, rangeFraction: SIBLING, source: "Azure custom SKU; TDP of EPYC 9634 (AMD spec page)", generation: ZEN4 },
  // Azure custom Rome, 64 cores (NCasT4_v3, HBv2); nearest public: EPYC 7742, 64 cores, 225 W (amd.com)
  { name: "AMD EPYC 7V12", pattern: /EPYC 7V12\b/i, tdpW: 225, cores: 64, threads: 128, rangeFraction: SIBLING, source: "Azure custom SKU; TDP of EPYC 7742 (AMD spec page)", generation: ZEN2 },
  // amd.com/en/products/processors/server/epyc/4th-generation-9004-and-8004-series/amd-epyc-9554.html
  { name: "AMD EPYC 9554", pattern: /EPYC 9554\b/i, tdpW: 360, cores: 64, threads: 128, rangeFraction: VENDOR, source: "AMD EPYC 9554 spec page", generation: ZEN4 },
  // amd.com/en/products/processors/server/epyc/4th-generation-9004-and-8004-series/amd-epyc-9654.html
  { name: "AMD EPYC 9654", pattern: /EPYC 9654\b/i, tdpW: 360, cores: 96, threads: 192, rangeFraction: VENDOR, source: "AMD EPYC 9654 spec page", generation: ZEN4 },
  // Azure Dv5/Ddsv5 and GitHub-hosted runners, Ice Lake 32 cores; nearest public: Xeon Platinum 8362, 32 cores, 265 W (ark.intel.com)
  { name: "Intel Xeon Platinum 8370C", pattern: /Platinum 8370C\b/i, tdpW: 265, cores: 32, threads: 64, rangeFraction: SIBLING, source: "Azure custom SKU; TDP of Xeon Platinum 8362 (Intel ARK)", generation: ICE },
  // Azure Dv4/Ev4 and older GitHub-hosted runners, Cascade Lake 26 cores; nearest public: Xeon Platinum 8270, 26 cores, 205 W (ark.intel.com)
  { name: "Intel Xeon Platinum 8272CL", pattern: /Platinum 8272CL\b/i, tdpW: 205, cores: 26, threads: 52, rangeFraction: SIBLING, source: "Azure custom SKU; TDP of Xeon Platinum 8270 (Intel ARK)", generation: CASCADE },
  // Azure Dv3/Ev3, Skylake 26 cores; nearest public: Xeon Platinum 8170, 26 cores, 165 W (ark.intel.com)
  { name: "Intel Xeon Platinum 8171M", pattern: /Platinum 8171M\b/i, tdpW: 165, cores: 26, threads: 52, rangeFraction: SIBLING, source: "Azure custom SKU; TDP of Xeon Platinum 8170 (Intel ARK)", generation: SKYLAKE },
  // AWS m5/c5/r5, Cascade Lake 24 cores; nearest public: Xeon Platinum 8260, 24 cores, 165 W (ark.intel.com)
  { name: "Intel Xeon Platinum 8259CL", pattern: /Platinum 8259CL\b/i, tdpW: 165, cores: 24, threads: 48, rangeFraction: SIBLING, source: "AWS custom SKU; TDP of Xeon Platinum 8260 (Intel ARK)", generation: CASCADE },
  // AWS m6i/c6i/r6i, Ice Lake 32 cores; nearest public: Xeon Platinum 8362, 32 cores, 265 W (ark.intel.com)
  { name: "Intel Xeon Platinum 8375C", pattern: /Platinum 8375C\b/i, tdpW: 265, cores: 32, threads: 64, rangeFraction: SIBLING, source: "AWS custom SKU; TDP of Xeon Platinum 8362 (Intel ARK)", generation: ICE },
  // ark.intel.com: Xeon Platinum 8480+ (Sapphire Rapids), 56 cores, 350 W; 8480C is its cloud variant
  { name: "Intel Xeon Platinum 8480+", pattern: /Platinum 8480(?:\+|C\b|\b)/i, tdpW: 350, cores: 56, threads: 112, rangeFraction: VENDOR, source: "Intel ARK, Xeon Platinum 8480+", generation: SPR },
  // macOS arm64 runners (virtualised M1). Apple publishes no TDP; AnandTech ("The 2020 Mac Mini Unleashed", 2020)
  // measured about 20 W of CPU package power under an all-core load: used as the "TDP".
  { name: "Apple M1", pattern: /Apple M1\b(?!\s*(?:Pro|Max|Ultra))/i, tdpW: 20, cores: 8, threads: 8, rangeFraction: NO_TDP, source: "no Apple TDP; ~20 W all-core package power measured by AnandTech (2020)" },
  // No Apple TDP; all-core CPU power of M2 measured in the same ~20 W class by reviewers (assumed 22 W).
  { name: "Apple M2", pattern: /Apple M2\b(?!\s*(?:Pro|Max|Ultra))/i, tdpW: 22, cores: 8, threads: 8, rangeFraction: NO_TDP, source: "no Apple TDP; ~20 W class all-core package power in reviews (assumed 22 W)" },
];

/**
 * Fraction of TDP drawn at a utilization: the Teads curve (Teads Engineering, "Building an AWS EC2 carbon
 * emissions dataset", 2021, fitted to SPECpower_ssj2008 results), as used by Boavizta's API:
 * 12 % of TDP idle, 32 % at 10 %, 75 % at 50 %, 102 % at 100 % load; linear between the points.
 */
export const TEADS_CURVE: readonly (readonly [util: number, fractionOfTdp: number])[] = [
  [0, 0.12],
  [0.1, 0.32],
  [0.5, 0.75],
  [1, 1.02],
];

/**
 * Per-vCPU watts for unknown CPUs: Cloud Carbon Footprint's average over AWS microarchitectures,
 * MIN_WATTS_AVG 0.74 W and MAX_WATTS_AVG 3.5 W (AWS_CLOUD_CONSTANTS in @cloud-carbon-footprint/aws@0.15.0,
 * AwsFootprintEstimationConstants.ts, vendored in data/sources/ccf/; SPECpower_ssj2008 averages, methodology
 * "Compute", 2023); linear in utilization as in CCF's formula.
 */
export const CCF_MIN_WATTS_PER_VCPU = 0.74;
export const CCF_MAX_WATTS_PER_VCPU = 3.5;
/**
 * Memory (GB) per physical chip of the SPECpower servers behind CCF's per-vCPU watts: MEMORY_AVG 80.69 GB
 * (same AWS file). CCF's watts already include this much memory ("Applying the coefficient", CCF methodology:
 * memory is added only above the SPECpower average per chip).
 */
export const CCF_MEMORY_GB_PER_CHIP_AVG = 80.69;
/**
 * vCPUs of one "physical chip" in CCF's memory rule: getPhysicalChips() in @cloud-carbon-footprint/core
 * (src/memory/helpers.ts: "we roughly equivalate one physical chip to be at most 96 vCpus"). calculateGigabyteHours
 * then adds, for an instance of M GB, M × (1 − GB per chip × chips / largest instance's GB): for a family whose
 * largest size is one 96-vCPU chip this is M − vCPUs × GB per chip / 96. For the GitHub-hosted runner's family
 * (Azure Dadsv5, largest D96ads_v5: 96 vCPUs, 384 GB; EPYC 3rd Gen 128 GB per chip) a 4-vCPU, 16 GB VM adds
 * 10.67 GB and its CPU watts include 5.33 GB — CCF's own figures.
 */
export const CCF_VCPUS_PER_CHIP = 96;

/** ±50 % for unknown CPUs: twice the table range, because the CPU itself is unknown (assumed). */
export const UNKNOWN_RANGE_FRACTION = 0.5;
/** ±35 % for a known generation but unknown part: CCF's per-generation average (assumed, as SIBLING above). */
export const GENERATION_RANGE_FRACTION = 0.35;
/**
 * Extra headroom above a CCF figure: high = max(w × (1 + range), w + vCPUs × CCF's minimum watts). The low-load end
 * is the least certain for a VM slice (its share of the host's idle draw): Eco CI's model for the 4-vCPU EPYC 7763
 * runner gives 3.62 W at 10 %, 1.49× CCF's 2.43 W. One idle draw (1.80 W there) is the smallest round margin that
 * contains it (docs/methodology.md, table); from 25 % up it changes little.
 */
export const CCF_HIGH_MARGIN_IDLE_DRAWS = 1;

export interface CpuPowerOverrides {
  /** TDP of the whole package the job runs on, W (the job gets its vCPU share of it) */
  tdpW?: number;
  /** logical CPUs of that package (for the share), when the CPU table does not know the part */
  packageThreads?: number;
  minWattsPerVcpu?: number;
  maxWattsPerVcpu?: number;
}

export interface CpuPowerModelOptions {
  brand: string;
  /** logical CPUs visible to the job */
  threads: number;
  /** CPUID vendor/family/model, for brand strings without a model number */
  cpuId?: CpuId | null;
  overrides?: CpuPowerOverrides;
}

/** Linear interpolation on the Teads curve; util clamped to 0..1. */
export function teadsFraction(util: number): number {
  const u = Math.min(1, Math.max(0, util));
  for (let i = 1; i < TEADS_CURVE.length; i++) {
    const [u1, f1] = TEADS_CURVE[i] as readonly [number, number];
    const [u0, f0] = TEADS_CURVE[i - 1] as readonly [number, number];
    if (u <= u1) return f0 + ((u - u0) / (u1 - u0)) * (f1 - f0);
  }
  return TEADS_CURVE[TEADS_CURVE.length - 1]?.[1] ?? 1;
}

/** First table entry whose pattern matches the brand string (inventory.ts's label, or a raw model line). */
export function findCpuSpec(brand: string): CpuSpec | null {
  const normalised = brand.replace(/\((?:R|TM)\)|®|™/gi, " ").replace(/\s+/g, " ");
  return CPU_POWER_TABLE.find((spec) => spec.pattern.test(normalised)) ?? null;
}

/**
 * One answer per machine. Order: the user's watts; the user's TDP; CCF's per-generation watts whenever the generation
 * is known, from the CPU table or from CPUID (so "AMD EPYC 7763" and "AMD EPYC" with Milan's CPUID give the same
 * figure, the named part only a narrower range); the TDP on the Teads curve for table parts without CCF figures
 * (Apple); CCF's average for the rest. CCF wins over the TDP curve because it is measured whole-server power of the
 * generation (SPECpower), where a TDP is a thermal limit, and it is the closer of the two to Eco CI's model of the
 * GitHub-hosted runner (docs/methodology.md, "One answer per machine").
 */
export function buildCpuPowerModel(opts: CpuPowerModelOptions): CpuPowerModel {
  const { brand, threads } = opts;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`CPU threads: ${threads} is not valid; accepted: a positive integer`);
  }
  const overrides = validateOverrides(opts.overrides ?? {});
  const spec = findCpuSpec(brand);
  const byCpuId = findMicroarchitecture(opts.cpuId);
  const arch = generationNamed(spec?.generation) ?? byCpuId;
  const label = brand.trim() || "unknown CPU";
  const archNote = !spec && byCpuId ? ` (${byCpuId.name} by CPUID family/model: ${byCpuId.idSource})` : "";

  if (overrides.minWattsPerVcpu !== undefined || overrides.maxWattsPerVcpu !== undefined) {
    // Direct watts from the user beat any TDP heuristic (also when tdpW is given). They are taken as CPU-only
    // watts: memory is added in full (documented with the inputs).
    const minW = overrides.minWattsPerVcpu ?? CCF_MIN_WATTS_PER_VCPU;
    const maxW = overrides.maxWattsPerVcpu ?? CCF_MAX_WATTS_PER_VCPU;
    if (minW > maxW) {
      throw new InputError(
        `CPU watts per vCPU: min ${minW} W is above max ${maxW} W; accepted: min ≤ max (the unset one defaults to CCF's ${CCF_MIN_WATTS_PER_VCPU}/${CCF_MAX_WATTS_PER_VCPU} W)`,
      );
    }
    return linearModel(
      threads,
      minW,
      maxW,
      CURVE_RANGE_FRACTION,
      "modelled",
      `${label}: ${minW}–${maxW} W per vCPU (user override) x ${threads} vCPUs, linear in utilization`,
      0,
    );
  }

  if (overrides.tdpW !== undefined) {
    // A TDP is the whole package's: the job gets its vCPU share. Package size: the user's, else the CPU table's,
    // else the generation's; without any, the job is assumed to see the whole package (a self-hosted machine).
    const known = overrides.packageThreads ?? spec?.threads ?? arch?.threadsPerChip ?? null;
    const packageThreads = Math.max(known ?? threads, threads);
    const how =
      overrides.packageThreads !== undefined
        ? "package threads given"
        : spec
          ? `package threads from the CPU table (${spec.name})`
          : arch?.threadsPerChip
            ? `package threads of ${arch.name}: ${arch.threadsSource}`
            : "package size unknown: the job is assumed to see the whole package; set cpu-threads-per-package on a VM";
    return curveModel(
      (overrides.tdpW * threads) / packageThreads,
      CURVE_RANGE_FRACTION,
      `${label}: package TDP ${overrides.tdpW} W (user override) x ${threads}/${packageThreads} threads (${how}) on the Teads curve`,
    );
  }

  if (arch?.ccf) {
    const via = spec ? `${spec.name}, ${arch.name} (CPU table)` : `${label}${archNote}`;
    return linearModel(
      threads,
      arch.ccf.minWattsPerVcpu,
      arch.ccf.maxWattsPerVcpu,
      spec ? CURVE_RANGE_FRACTION : GENERATION_RANGE_FRACTION,
      "modelled",
      `${via}: ${round3(arch.ccf.minWattsPerVcpu)}–${round3(arch.ccf.maxWattsPerVcpu)} W per vCPU (${arch.ccf.source}) x ${threads} vCPUs`,
      (threads * arch.ccf.memoryGBPerChip) / CCF_VCPUS_PER_CHIP,
      threads * arch.ccf.minWattsPerVcpu * CCF_HIGH_MARGIN_IDLE_DRAWS,
    );
  }

  if (spec) {
    return curveModel(
      (spec.tdpW * threads) / spec.threads,
      spec.rangeFraction,
      `${spec.name}: TDP ${spec.tdpW} W x ${threads}/${spec.threads} threads on the Teads curve (cpu table: ${spec.source}; CCF has no figures for it)`,
    );
  }

  return linearModel(
    threads,
    CCF_MIN_WATTS_PER_VCPU,
    CCF_MAX_WATTS_PER_VCPU,
    UNKNOWN_RANGE_FRACTION,
    "assumed",
    `${label}${archNote} is not in the CPU table${arch ? " and CCF has no figures for it" : ""}: ${CCF_MIN_WATTS_PER_VCPU}–${CCF_MAX_WATTS_PER_VCPU} W per vCPU (Cloud Carbon Footprint AWS average, generic range) x ${threads} vCPUs`,
    (threads * CCF_MEMORY_GB_PER_CHIP_AVG) / CCF_VCPUS_PER_CHIP,
  );
}

function round3(value: number): number {
  return Math.round(value * 1_000) / 1_000;
}

function range(w: number, fraction: number): PowerRange {
  return { w, lowW: w * (1 - fraction), highW: w * (1 + fraction) };
}

function checkUtil(util: number): number {
  if (!Number.isFinite(util)) throw new RangeError(`CPU utilization ${util} is not a finite number`);
  return Math.min(1, Math.max(0, util));
}

function curveModel(shareTdpW: number, rangeFraction: number, detail: string): CpuPowerModel {
  return {
    includedMemoryGB: 0, // TDP is the CPU package's only
    powerW: (util) => {
      const r = range(shareTdpW * teadsFraction(checkUtil(util)), rangeFraction);
      return { ...r, highW: Math.max(r.highW, r.w + CURVE_HIGH_MARGIN_OF_TDP * shareTdpW) };
    },
    detail,
    provenance: "modelled",
  };
}

function linearModel(
  threads: number,
  minW: number,
  maxW: number,
  rangeFraction: number,
  provenance: CpuPowerModel["provenance"],
  detail: string,
  includedMemoryGB: number,
  highMarginW = 0,
): CpuPowerModel {
  return {
    includedMemoryGB,
    powerW: (util) => {
      const r = range(threads * (minW + checkUtil(util) * (maxW - minW)), rangeFraction);
      return { ...r, highW: Math.max(r.highW, r.w + highMarginW) };
    },
    detail,
    provenance,
  };
}

function validateOverrides(overrides: CpuPowerOverrides): CpuPowerOverrides {
  if (
    overrides.packageThreads !== undefined &&
    (!Number.isInteger(overrides.packageThreads) ||
      overrides.packageThreads < 1 ||
      overrides.packageThreads > 4_096)
  ) {
    throw new InputError(
      `CPU threads per package: ${overrides.packageThreads} is not valid; accepted: a whole number from 1 to 4096 (e.g. 128 for a 64-core EPYC with SMT)`,
    );
  }
  const limits: Record<Exclude<keyof CpuPowerOverrides, "packageThreads">, number> = {
    tdpW: 2_000, // above any single CPU package sold today (assumed sanity bound)
    minWattsPerVcpu: 100,
    maxWattsPerVcpu: 100,
  };
  for (const key of Object.keys(limits) as (keyof typeof limits)[]) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value < 0 || value > limits[key] || (key === "tdpW" && value === 0)) {
      throw new InputError(
        `CPU power override ${key}: ${value} is not valid; accepted: a number of watts from ${key === "tdpW" ? "above 0" : "0"} to ${limits[key]}`,
      );
    }
  }
  return overrides;
}
