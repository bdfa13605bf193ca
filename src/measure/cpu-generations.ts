/**
 * CPU generations (microarchitectures) and Cloud Carbon Footprint's per-vCPU watts for each, reached from the CPU table
 * (a part's `generation`) or from CPUID vendor/family/model (cpu-power.ts). Pure data and two lookups.
 */
// Generation names: the CPU table links its parts to them.
export const ZEN2 = "AMD Zen 2 (EPYC 7002 Rome)";
export const ZEN3 = "AMD Zen 3 (EPYC 7003 Milan)";
export const ZEN4 = "AMD Zen 4 (EPYC 9004 Genoa)";
export const SKYLAKE = "Intel Skylake-SP";
export const CASCADE = "Intel Cascade Lake-SP";
export const ICE = "Intel Ice Lake-SP";
export const SPR = "Intel Sapphire Rapids";

/**
 * CPUID identity as /proc/cpuinfo reports it ("vendor_id", "cpu family", "model"). On arm64 kernels (no vendor_id)
 * the inventory fills it from "CPU implementer" and "CPU part": vendor "ARM", family = implementer, model = part.
 */
export interface CpuId {
  vendor: string;
  family: number;
  model: number;
}

/** Cloud Carbon Footprint's per-generation figures (W per vCPU, GB of memory per chip in SPECpower). */
export interface CcfGeneration {
  minWattsPerVcpu: number;
  maxWattsPerVcpu: number;
  memoryGBPerChip: number;
  source: string;
}

export interface Microarchitecture {
  name: string;
  vendor: "AuthenticAMD" | "GenuineIntel" | "ARM";
  family: number;
  /** exact CPUID model numbers (no ranges: only models checked against the source); [] = only named by the CPU table */
  models: readonly number[];
  /** where the family/model numbers come from */
  idSource: string;
  ccf: CcfGeneration | null;
  /** logical CPUs of one package of the parts cloud hosts use, or null when not known */
  threadsPerChip: number | null;
  threadsSource: string;
}

const CCF_AZURE = "Cloud Carbon Footprint AZURE_CLOUD_CONSTANTS, @cloud-carbon-footprint/azure@1.8.0";
/**
 * CCF's coefficients repository at its newest commit (cloud-carbon-footprint/ccf-coefficients b0032d9, 2026-04-24,
 * "add new SPEC power results"), output/coefficients-aws-use.csv, vendored with its sha256 in
 * data/sources/ccf-coefficients/ (checked by `node data/build-intensity.mjs --check`). Not yet in a published CCF
 * package; the Azure output there was not regenerated, so the Azure package's figures stay for the generations it has.
 */
const CCF_COEF_2026 =
  "Cloud Carbon Footprint ccf-coefficients@b0032d9 (2026-04-24), coefficients-aws-use.csv";

/**
 * Microarchitectures, each with CCF's per-generation watts where CCF has them (CCF itself estimates per
 * microarchitecture). They are reached two ways that give one answer: from the CPU table (`generation` of a part
 * whose brand string has a model number) and from CPUID vendor/family/model (brand strings without one, e.g.
 * "AMD EPYC" on GitHub-hosted runners). Family/model numbers: AMD's Processor Programming Reference titles name them
 * per product (PPR 54945 "AMD Family 17h Model 01h, Revision B1" = EPYC 7001 Naples, Zen; PPR 55803 "Family 17h
 * Model 31h, Revision B0" = EPYC 7002 Rome, Zen 2; PPR 55898 "Family 19h Model 01h, Revision B1" = EPYC 7003
 * Milan, Zen 3, 2021); Genoa "Family 19h, Model 11h" (WikiChip, amd/cores/genoa); Intel's from the Linux kernel's
 * arch/x86/include/asm/intel-family.h (INTEL_FAM6_*_X). Intel model 0x55 is both Skylake-SP and Cascade Lake-SP
 * (they differ by stepping only): by CPUID, CCF's two figures are averaged, as CCF does for instance types that may
 * run on several microarchitectures. Arm cores: implementer 0x41 and part numbers as util-linux lscpu-arm.c names
 * them; which cloud CPU uses which core from the providers' instance pages (AWS Graviton2 = Neoverse N1, Graviton3 =
 * Neoverse V1, Graviton4 = Neoverse V2; Ampere Altra = Neoverse N1). CCF's Graviton figures are its EPYC 2nd Gen
 * figures (CCF's own assumption, same numbers in the file), said so in the detail.
 */
// prettier-ignore
export const MICROARCHITECTURES: readonly Microarchitecture[] = [
  { name: "AMD Zen (EPYC 7001 Naples)", vendor: "AuthenticAMD", family: 0x17, models: [0x01], idSource: "AMD PPR 54945, Family 17h Model 01h",
    ccf: { minWattsPerVcpu: 0.82, maxWattsPerVcpu: 2.55, memoryGBPerChip: 89.6, source: `${CCF_AZURE}, AMD_EPYC_1ST_GEN` },
    threadsPerChip: null, threadsSource: "not known" },
  { name: ZEN2, vendor: "AuthenticAMD", family: 0x17, models: [0x31], idSource: "AMD PPR 55803, Family 17h Model 31h",
    ccf: { minWattsPerVcpu: 0.47, maxWattsPerVcpu: 1.69, memoryGBPerChip: 129.78, source: `${CCF_AZURE}, AMD_EPYC_2ND_GEN` },
    threadsPerChip: 128, threadsSource: "EPYC 7V12 / 7742 (64 cores, 128 threads; CPU table)" },
  { name: ZEN3, vendor: "AuthenticAMD", family: 0x19, models: [0x01], idSource: "AMD PPR 55898, Family 19h Model 01h (2021)",
    ccf: { minWattsPerVcpu: 0.45, maxWattsPerVcpu: 2.02, memoryGBPerChip: 128, source: `${CCF_AZURE}, AMD_EPYC_3RD_GEN` },
    threadsPerChip: 128, threadsSource: "EPYC 7763 (64 cores, 128 threads; CPU table)" },
  { name: ZEN4, vendor: "AuthenticAMD", family: 0x19, models: [0x11], idSource: "WikiChip amd/cores/genoa, Family 19h Model 11h",
    ccf: { minWattsPerVcpu: 0.739, maxWattsPerVcpu: 2.282, memoryGBPerChip: 152.2, source: `${CCF_COEF_2026}, EPYC 4th Gen` },
    threadsPerChip: 192, threadsSource: "EPYC 9654 (96 cores, 192 threads; CPU table)" },
  { name: "Intel Skylake-SP / Cascade Lake-SP", vendor: "GenuineIntel", family: 6, models: [0x55], idSource: "Linux intel-family.h INTEL_FAM6_SKYLAKE_X 0x55",
    ccf: { minWattsPerVcpu: (0.65 + 0.64) / 2, maxWattsPerVcpu: (4.26 + 3.97) / 2, memoryGBPerChip: (81.32 + 98.12) / 2, source: `${CCF_AZURE}, mean of SKYLAKE and CASCADE_LAKE` },
    threadsPerChip: 52, threadsSource: "Xeon Platinum 8171M / 8272CL (26 cores, 52 threads; CPU table)" },
  { name: SKYLAKE, vendor: "GenuineIntel", family: 6, models: [], idSource: "CPU table only (CPUID 0x55 is shared with Cascade Lake)",
    ccf: { minWattsPerVcpu: 0.65, maxWattsPerVcpu: 4.26, memoryGBPerChip: 81.32, source: `${CCF_AZURE}, SKYLAKE` },
    threadsPerChip: 52, threadsSource: "Xeon Platinum 8171M (26 cores, 52 threads; CPU table)" },
  { name: CASCADE, vendor: "GenuineIntel", family: 6, models: [], idSource: "CPU table only (CPUID 0x55 is shared with Skylake)",
    ccf: { minWattsPerVcpu: 0.64, maxWattsPerVcpu: 3.97, memoryGBPerChip: 98.12, source: `${CCF_AZURE}, CASCADE_LAKE` },
    threadsPerChip: 52, threadsSource: "Xeon Platinum 8272CL (26 cores, 52 threads; CPU table)" },
  { name: "Intel Broadwell-EP/EX", vendor: "GenuineIntel", family: 6, models: [0x4f], idSource: "Linux intel-family.h INTEL_FAM6_BROADWELL_X 0x4F",
    ccf: { minWattsPerVcpu: 0.71, maxWattsPerVcpu: 3.69, memoryGBPerChip: 69.65, source: `${CCF_AZURE}, BROADWELL` },
    threadsPerChip: null, threadsSource: "not known" },
  { name: "Intel Haswell-EP/EX", vendor: "GenuineIntel", family: 6, models: [0x3f], idSource: "Linux intel-family.h INTEL_FAM6_HASWELL_X 0x3F",
    ccf: { minWattsPerVcpu: 1, maxWattsPerVcpu: 4.74, memoryGBPerChip: 27.71, source: `${CCF_AZURE}, HASWELL` },
    threadsPerChip: null, threadsSource: "not known" },
  { name: ICE, vendor: "GenuineIntel", family: 6, models: [0x6a], idSource: "Linux intel-family.h INTEL_FAM6_ICELAKE_X 0x6A",
    ccf: { minWattsPerVcpu: 0.767, maxWattsPerVcpu: 3.758, memoryGBPerChip: 136, source: `${CCF_COEF_2026}, Ice Lake` },
    threadsPerChip: 64, threadsSource: "Xeon Platinum 8370C / 8375C (32 cores, 64 threads; CPU table)" },
  { name: SPR, vendor: "GenuineIntel", family: 6, models: [0x8f], idSource: "Linux intel-family.h INTEL_FAM6_SAPPHIRERAPIDS_X 0x8F",
    ccf: { minWattsPerVcpu: 1.036, maxWattsPerVcpu: 4.16, memoryGBPerChip: 130.8, source: `${CCF_COEF_2026}, Sapphire Rapids` },
    threadsPerChip: 112, threadsSource: "Xeon Platinum 8480+ (56 cores, 112 threads; CPU table)" },
  // Linux arm64 (#24): implementer 0x41 (Arm Ltd), parts from util-linux sys-utils/lscpu-arm.c.
  { name: "Arm Neoverse N1 (AWS Graviton2, Ampere Altra)", vendor: "ARM", family: 0x41, models: [0xd0c], idSource: "util-linux lscpu-arm.c, 0x41/0xd0c Neoverse-N1",
    ccf: { minWattsPerVcpu: 0.474, maxWattsPerVcpu: 1.693, memoryGBPerChip: 129.78, source: `${CCF_COEF_2026}, Graviton2 (CCF uses its EPYC 2nd Gen figures)` },
    threadsPerChip: 64, threadsSource: "Graviton2 (64 cores, no SMT; AWS)" },
  { name: "Arm Neoverse V1 (AWS Graviton3)", vendor: "ARM", family: 0x41, models: [0xd40], idSource: "util-linux lscpu-arm.c, 0x41/0xd40 Neoverse-V1",
    ccf: { minWattsPerVcpu: 0.474, maxWattsPerVcpu: 1.693, memoryGBPerChip: 129.78, source: `${CCF_COEF_2026}, Graviton3 (CCF uses its EPYC 2nd Gen figures)` },
    threadsPerChip: 64, threadsSource: "Graviton3 (64 cores, no SMT; AWS)" },
  { name: "Arm Neoverse V2 (AWS Graviton4)", vendor: "ARM", family: 0x41, models: [0xd4f], idSource: "util-linux lscpu-arm.c, 0x41/0xd4f Neoverse-V2",
    ccf: { minWattsPerVcpu: 0.474, maxWattsPerVcpu: 1.693, memoryGBPerChip: 129.78, source: `${CCF_COEF_2026}, Graviton4 (CCF uses its EPYC 2nd Gen figures)` },
    threadsPerChip: 96, threadsSource: "Graviton4 (96 cores, no SMT; AWS)" },
  // Neoverse N2 (Azure Cobalt 100, the core of GitHub's arm64 runners) and Ampere's own cores: CCF has no figures.
  { name: "Arm Neoverse N2", vendor: "ARM", family: 0x41, models: [0xd49], idSource: "util-linux lscpu-arm.c, 0x41/0xd49 Neoverse-N2",
    ccf: null, threadsPerChip: null, threadsSource: "not known" },
];

/** The microarchitecture for a CPUID vendor/family/model, or null. */
export function findMicroarchitecture(id: CpuId | null | undefined): Microarchitecture | null {
  if (!id) return null;
  return (
    MICROARCHITECTURES.find(
      (m) => m.vendor === id.vendor && m.family === id.family && m.models.includes(id.model),
    ) ?? null
  );
}

export function generationNamed(name: string | undefined): Microarchitecture | null {
  return name ? (MICROARCHITECTURES.find((m) => m.name === name) ?? null) : null;
}
