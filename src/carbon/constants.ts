/**
 * Documented constants for carbon accounting: PUE per provider, intensity uncertainty, the GitHub-hosted runner
 * assumption and embodied-emissions defaults. Every figure cites its source; ranges are deliberately wide where the
 * evidence is thin.
 */
import type { Provider } from "./dataset.js";

export interface PueFigure {
  value: number;
  low: number;
  high: number;
  source: string;
}

/** Power usage effectiveness per provider: fleet averages the providers publish, with the spread across their sites. */
export const PUE_BY_PROVIDER: Record<Provider | "local", PueFigure> = {
  // AWS sustainability report 2025 data (sustainability.aboutamazon.com, "AWS data centers: PUE"): global PUE 1.14
  // for 2025 (1.15 for 2024); the best site reported is 1.04 (Europe, 2024) and the worst region 1.42 (ap-south-1): the low
  // end is the best site, not a regional average. Cloud Carbon Footprint's older constant is 1.135 (PUE_AVG).
  aws: {
    value: 1.14,
    low: 1.04,
    high: 1.42,
    source: "AWS sustainability data 2025: global PUE 1.14 (best site 1.04 in 2024, regions up to 1.42)",
  },
  // Microsoft datacenter fact sheets (2022–2024): fleet design PUE about 1.18, newest designs 1.12; CCF uses 1.185
  // (AZURE_CLOUD_CONSTANTS.PUE_AVG, packages/azure AzureFootprintEstimationConstants.ts).
  azure: {
    value: 1.185,
    low: 1.12,
    high: 1.3,
    source:
      "Microsoft datacenter figures (fleet ≈1.18, new designs 1.12) as used by Cloud Carbon Footprint: 1.185",
  },
  // Google data centers efficiency page: fleet-wide trailing-twelve-month PUE 1.10 (2023) and 1.09 (2024); individual
  // campuses range about 1.06–1.19. CCF uses 1.1 (GCP_CLOUD_CONSTANTS.PUE_AVG).
  gcp: {
    value: 1.1,
    low: 1.06,
    high: 1.19,
    source: "Google data center efficiency, fleet TTM PUE 1.10 (2023) / 1.09 (2024), sites 1.06–1.19",
  },
  // Own hardware or unknown host: the measured energy is taken as the facility's; set --pue to add overhead.
  local: { value: 1, low: 1, high: 1, source: "not a cloud provider: PUE 1.0 unless set (assumed)" },
};

/**
 * Relative uncertainty applied to a yearly average figure: the hours a CI job runs in can differ from the year's average,
 * and the sources differ by basis and year. Assumed: ±20 % for a provider's regional figure, ±30 % for a country average
 * standing in for a region, ±10 % for a live reading (Electricity Maps/NESO publish estimates within that for recent hours).
 */
export const INTENSITY_RELATIVE_RANGE = {
  regional: 0.2,
  countryAverage: 0.3,
  live: 0.1,
} as const;

/**
 * World default when nothing is known: the Ember world average, with a range from a very clean grid to a coal-heavy one
 * (Ember 2024 country values span <50 g/kWh, e.g. France/Norway, to >700 g/kWh, e.g. India/South Africa). Assumed.
 */
export const WORLD_RANGE_G_PER_KWH = { low: 30, high: 800 } as const;

/**
 * GitHub-hosted runners are Azure VMs in US regions that GitHub does not document (IMDS has reported e.g. eastus2,
 * westus2, centralus, southcentralus). Assumed default: the mean of the dataset's Azure US regions, with the range from the
 * lowest to the highest of them widened by the regional uncertainty above.
 */
export const GITHUB_HOSTED_AZURE_REGIONS = [
  "eastus",
  "eastus2",
  "centralus",
  "northcentralus",
  "southcentralus",
  "westcentralus",
  "westus",
  "westus2",
  "westus3",
] as const;

export interface EmbodiedFigure {
  /** manufacturing emissions of one unit, kgCO2e */
  kgCO2e: number;
  lowKgCO2e: number;
  highKgCO2e: number;
  /** service life, years */
  lifetimeYears: number;
  lowLifetimeYears: number;
  highLifetimeYears: number;
  /**
   * Fraction of its life the hardware is in use, 0..1 (default 1): the emissions are spread over lifetime × usage
   * hours. BLOOM's GPU figure assumes 85 %.
   */
  usageFactor?: number;
  source: string;
}

/**
 * Cloud Carbon Footprint's server manufacturing model (cloud-carbon-footprint/ccf-coefficients, ccfcoef/constants.py
 * at b0032d9, 2026-04-24 — in that repository since 2023-04-25, values from CCF's 2021 coefficients; not "2022"), after Teads Engineering 2021, "Building an AWS EC2 carbon emissions dataset", §5, and the Dell
 * PowerEdge R740 LCA): BASE_MANUFACTURING_EMISSIONS 1,000 kgCO2e for "a mono socket, low DRAM, no local storage
 * commodity rack server" (DRAM_THRESHOLD 16 GB), + CPU_MANUFACTURING_EMISSIONS 100 kg per additional CPU, + 533/384 kg
 * per GB of DRAM above 16 GB (533 kg for the R740's 384 GB), + 50 kg per HDD / 100 kg per SSD.
 */
export const CCF_SERVER_MANUFACTURING = {
  baseKg: 1_000,
  baseDramGB: 16,
  perExtraCpuKg: 100,
  perDramGBKg: 533 / 384,
} as const;

/** kgCO2e of a diskless host with `sockets` CPUs and `dramGB` of memory, by CCF's model above. */
export function ccfServerKg(sockets: number, dramGB: number): number {
  const m = CCF_SERVER_MANUFACTURING;
  return m.baseKg + m.perExtraCpuKg * (sockets - 1) + m.perDramGBKg * Math.max(0, dramGB - m.baseDramGB);
}

/**
 * A CPU server (the host a VM is cut from). 1,000 kg is CCF's *base* (one socket, 16 GB, no storage), not a typical
 * cloud host: a 2-socket host, as HOST_THREADS assumes, with 128–512 GB of DRAM comes to 1,255–1,789 kg by the same
 * model (ccfServerKg(2, 128) and (2, 512)); the central figure is 2 sockets with 256 GB (1,433 kg), the low end the
 * CCF base (nothing smaller hosts a VM), the high end 2 sockets with 512 GB. Storage is left out (the runner's disk is
 * not ours to split; assumed). CCF's own per-instance-family figures (output/coefficients-azure-embodied.csv at b0032d9)
 * are higher than the central figure for AMD families, e.g. D4as v4 (EPYC 2nd Gen) 1,560.79 kg, still inside the range.
 * Life: Microsoft, which runs GitHub's hosted runners, extended the depreciable life of its cloud server and network
 * equipment from four to six years (CFO Amy Hood, Q4 FY2022 earnings call, July 2022, as reported by The Register,
 * 2022-08-02): 6 years central; 4 years (CCF/Teads, Dell R740 LCA) as the short end of the range.
 */
export const EMBODIED_CPU_SERVER: EmbodiedFigure = {
  kgCO2e: ccfServerKg(2, 256),
  lowKgCO2e: ccfServerKg(1, 16),
  highKgCO2e: ccfServerKg(2, 512),
  lifetimeYears: 6,
  lowLifetimeYears: 4,
  highLifetimeYears: 6,
  source:
    "Cloud Carbon Footprint server model (ccf-coefficients ccfcoef/constants.py, 2021 constants after Teads 2021: 1,000 kg base + 100 kg/extra CPU + 1.39 kg/GB above 16 GB): 2 sockets, 256 GB = 1,433 kg (range 1,000–1,789 kg; CCF's per-family Azure figures lie inside it, e.g. D4as v4 1,560.79 kg); 6-year life (Microsoft 2022; range 4–6 years)",
};

/**
 * Logical CPUs of the host a VM shares (assumed): the job's share is its vCPUs / host threads. 96 ≈ a 2-socket 48-thread
 * host; 48–192 covers one to two sockets of current Xeon/EPYC parts.
 */
export const HOST_THREADS = { value: 96, low: 48, high: 192 } as const;

/**
 * GPUs by class. Data-centre accelerators (A100/H100/H200/V100/…): Luccioni, Viguier & Ligozat (2023, "Estimating the
 * Carbon Footprint of BLOOM, a 176B Parameter Language Model", JMLR 24(253), §embodied emissions): Nvidia discloses
 * no GPU footprint, "recent estimates put the lower bound of this amount at approximately 150 kg of CO2eq", with a
 * 6-year replacement rate (IDRIS). 150 kg is therefore the floor of the range, never above its low end; the high end
 * allows for HBM-heavy newer parts (assumed 400 kg). Smaller inference/workstation cards (T4, L4, A10, RTX): assumed a
 * third of that, with a wide range (no published figure).
 */
/**
 * Luccioni, Viguier & Ligozat 2023 (BLOOM), embodied emissions: GPU manufacturing amortised over a 6-year replacement
 * rate at an average usage of 85 %, i.e. per hour of use 150 kg / (6 years × 85 %). Left out, the per-GPU-hour figure
 * would be 15 % below BLOOM's.
 */
export const BLOOM_GPU_USAGE_FACTOR = 0.85;

export const EMBODIED_GPU: Record<"datacenter" | "small", EmbodiedFigure> = {
  datacenter: {
    kgCO2e: 150,
    lowKgCO2e: 150,
    highKgCO2e: 400,
    lifetimeYears: 6,
    lowLifetimeYears: 4,
    highLifetimeYears: 6,
    usageFactor: BLOOM_GPU_USAGE_FACTOR,
    source:
      "Luccioni et al. 2023 (BLOOM, JMLR): ≈150 kgCO2e per data-centre GPU as a lower bound, 6-year replacement at 85 % usage (range 150–400 kg, 4–6 years)",
  },
  small: {
    kgCO2e: 50,
    lowKgCO2e: 25,
    highKgCO2e: 150,
    lifetimeYears: 6,
    lowLifetimeYears: 4,
    highLifetimeYears: 6,
    usageFactor: BLOOM_GPU_USAGE_FACTOR,
    source:
      "assumed: one third of a data-centre GPU (Luccioni et al. 2023), range 25–150 kg, 4–6 years at 85 % usage",
  },
};

/** Data-centre GPU names (substring match, case-insensitive); anything else counts as a small card. */
export const DATACENTER_GPU_PATTERN =
  /\b(A100|A800|H100|H200|H800|B100|B200|GB200|V100|P100|MI2\d\d|MI3\d\d|A40|L40|A30)\b/i;

export const HOURS_PER_YEAR = 8_766; // 365.25 days
