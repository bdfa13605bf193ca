/**
 * Hardware inventory: CPU brand, cores, threads usable by the job, installed memory; GPUs come from the
 * nvidia-smi rows. On Linux everything comes from `/proc/cpuinfo` and `node:os`, read in a few ms: no child
 * process (systeminformation, used before, ran `lscpu` and `dmidecode` through a shell and took ~90 ms of CPU
 * just to load, on every step). On macOS and Windows, where there is no /proc, systeminformation's cpu() gives the
 * brand and the physical cores (sysctl; CIM on Windows), loaded only there (a lazy import: its own chunk) and
 * bounded in time; `node:os` is the fallback.
 *
 * The brand label is the one systeminformation 5 produced, so reports made before and after the change name
 * the same hardware (a base report on "other hardware" would not be compared): its Linux rule
 * (lib/cpu.js, getCpu and cpuBrandManufacturer) is reproduced in `brandLabel`, and ARM cores are named from
 * their implementer and part ids the way `lscpu` names them (util-linux sys-utils/lscpu-arm.c).
 */
import { readFileSync } from "node:fs";
import * as nodeOs from "node:os";
import { join } from "node:path";
import type { Hardware } from "../model/report.js";
import type { CpuId } from "./cpu-power.js";

export interface OsLike {
  cpus(): { model: string }[];
  totalmem(): number;
  availableParallelism?: () => number;
}

export type HardwareInventory = Hardware["cpu"] & { memoryGB: number; cpuId?: CpuId | null };

/** The part of systeminformation the inventory uses (tests inject a fake). */
export interface SystemInformationLike {
  cpu(): Promise<{ manufacturer: string; brand: string; physicalCores: number }>;
}

export interface InventoryOptions {
  /** root of the proc filesystem (tests: a fake tree); default /proc */
  procRoot?: string;
  os?: OsLike;
  /** default process.platform: systeminformation is asked on darwin and win32 only */
  platform?: NodeJS.Platform;
  /** default: import("systeminformation") */
  systemInformation?: () => Promise<SystemInformationLike>;
}

/** Bound on systeminformation's answer (Windows asks CIM through PowerShell, about a second). */
const SYSTEM_INFORMATION_TIMEOUT_MS = 5_000;

const BYTES_PER_GB = 2 ** 30; // GiB: what "16 GB" of RAM means on a spec sheet
const MAX_LABEL = 200; // schema's label limit

let cached: Promise<HardwareInventory> | null = null;

/** Cached per process for the default sources; injected sources are not cached (tests). */
export function getHardwareInventory(opts: InventoryOptions = {}): Promise<HardwareInventory> {
  if (opts.procRoot || opts.os || opts.platform || opts.systemInformation) return collect(opts);
  cached ??= collect(opts);
  return cached;
}

async function collect(opts: InventoryOptions): Promise<HardwareInventory> {
  const os = opts.os ?? nodeOs;
  const info = readCpuInfo(opts.procRoot ?? "/proc");
  const platform = opts.platform ?? process.platform;
  const si =
    info === null && (platform === "darwin" || platform === "win32")
      ? await systemInformationCpu(opts.systemInformation ?? (() => import("systeminformation")))
      : null;
  const modelLine =
    info?.modelName ?? (info ? armCoreName(info) : null) ?? si?.modelLine ?? os.cpus()[0]?.model ?? "";
  const cpuId = info ? (parseCpuId(info.vendorId, info.family, info.model) ?? armCpuId(info)) : null;
  return {
    brand: brandLabel(modelLine) || "unknown CPU",
    threads: usableThreads(os),
    cores: info?.physicalCores ?? si?.physicalCores ?? null,
    memoryGB: toGB(os.totalmem()),
    ...(cpuId ? { cpuId } : {}),
  };
}

/** systeminformation's CPU brand ("Apple" "M1" → "Apple M1") and physical cores; null on failure or timeout. */
async function systemInformationCpu(
  load: () => Promise<SystemInformationLike>,
): Promise<{ modelLine: string; physicalCores: number | null } | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), SYSTEM_INFORMATION_TIMEOUT_MS);
    timer.unref();
  });
  const ask = (async () => {
    const cpu = await (await load()).cpu();
    const modelLine = `${cpu.manufacturer ?? ""} ${cpu.brand ?? ""}`.trim();
    if (!modelLine) return null;
    const cores = cpu.physicalCores;
    return { modelLine, physicalCores: Number.isInteger(cores) && cores > 0 ? cores : null };
  })().catch(() => null);
  try {
    return await Promise.race([ask, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface CpuInfo {
  modelName: string | null;
  vendorId: string | undefined;
  family: string | undefined;
  model: string | undefined;
  /** ARM: "CPU implementer" and "CPU part" (hex strings) */
  implementer: string | undefined;
  part: string | undefined;
  /** distinct (physical id, core id) pairs; null when the file does not list them (ARM) */
  physicalCores: number | null;
}

/** The first processor's fields and the core count of /proc/cpuinfo; null where there is none (not Linux). */
function readCpuInfo(procRoot: string): CpuInfo | null {
  let text: string;
  try {
    text = readFileSync(join(procRoot, "cpuinfo"), "utf8");
  } catch {
    return null;
  }
  const processors = text.split(/\n\s*\n/).map((block) => {
    const fields = new Map<string, string>();
    for (const line of block.split("\n")) {
      const at = line.indexOf(":");
      if (at > 0) fields.set(line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim());
    }
    return fields;
  });
  const first = processors.find((p) => p.size > 0);
  if (!first) return null;
  const cores = new Set(
    processors
      .filter((p) => p.has("physical id") && p.has("core id"))
      .map((p) => `${p.get("physical id")}/${p.get("core id")}`),
  );
  return {
    modelName: first.get("model name") || null,
    vendorId: first.get("vendor_id"),
    family: first.get("cpu family"),
    model: first.get("model"),
    implementer: first.get("cpu implementer"),
    part: first.get("cpu part"),
    physicalCores: cores.size > 0 ? cores.size : null,
  };
}

// ARM server cores by implementer and part id, as lscpu names them (util-linux sys-utils/lscpu-arm.c, 2023):
// the Arm Neoverse cores of cloud arm64 runners (AWS Graviton 2–4, Azure Cobalt, Google Axion) and Ampere's.
const ARM_CORES: Record<number, { vendor: string; parts: Record<number, string> }> = {
  0x41: {
    vendor: "ARM",
    parts: {
      0xd0c: "Neoverse-N1",
      0xd40: "Neoverse-V1",
      0xd49: "Neoverse-N2",
      0xd4f: "Neoverse-V2",
      0xd08: "Cortex-A72",
      0xd0b: "Cortex-A76",
    },
  },
  0xc0: { vendor: "Ampere", parts: { 0xac3: "Ampere-1", 0xac4: "Ampere-1a" } },
};

/** lscpu's model name of an ARM core, or null when /proc/cpuinfo has no ids or the part is not listed. */
function armCoreName(info: CpuInfo): string | null {
  const implementer = Number.parseInt(info.implementer ?? "", 16);
  const part = Number.parseInt(info.part ?? "", 16);
  return ARM_CORES[implementer]?.parts[part] ?? null;
}

/**
 * arm64 kernels print no vendor_id/family/model: the core's implementer and part ids identify it instead (vendor
 * "ARM", family = implementer, model = part), which cpu-power.ts maps to a microarchitecture.
 */
function armCpuId(info: CpuInfo): CpuId | null {
  const implementer = Number.parseInt(info.implementer ?? "", 16);
  const part = Number.parseInt(info.part ?? "", 16);
  if (!Number.isInteger(implementer) || !Number.isInteger(part)) return null;
  return { vendor: "ARM", family: implementer, model: part };
}

/**
 * systeminformation's cpuManufacturer (lib/cpu.js): substrings of the lowercased brand, later matches win, as
 * there. Its "Xen" test is left out: it looks for "Xen" in the lowercased string, so it never matches.
 */
const MANUFACTURERS: [substring: string, name: string][] = [
  ["intel", "Intel"],
  ["amd", "AMD"],
  ["qemu", "QEMU"],
  ["hygon", "Hygon"],
  ["centaur", "WinChip/Via"],
  ["vmware", "VMware"],
  ["tcg", "QEMU"],
  ["apple", "Apple"],
  ["sifive", "SiFive"],
  ["thead", "T-Head"],
  ["andestech", "Andes Technology"],
];

/**
 * The brand label of a model line, by systeminformation 5's Linux rule: the part before "@" (the clock) and
 * before "Unknown", (R)/(TM)/(C) as symbols, "CPU" dropped; its manufacturer, then the rest of the words,
 * without repeating the manufacturer. "Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz" → "Intel Xeon®
 * Platinum 8370C"; "AMD EPYC 7763 64-Core Processor" stays as it is.
 */
export function brandLabel(modelLine: string): string {
  let brand = modelLine
    .replace(/To Be Filled By O\.E\.M\./g, "")
    .split("@")[0]!
    .trim();
  if (brand.includes("Unknown")) brand = brand.split("Unknown")[0]!.trim();
  brand = brand
    .replace(/\(R\)+/g, "®")
    .replace(/\(TM\)+/g, "™")
    .replace(/\(C\)+/g, "©")
    .replace(/CPU+/g, "")
    .replace(/\s+/g, " ")
    .trim();
  let manufacturer = brand;
  for (const [substring, name] of MANUFACTURERS)
    if (brand.toLowerCase().includes(substring)) manufacturer = name;
  const model = clean(brand.split(" ").slice(1).join(" "));
  manufacturer = clean(manufacturer);
  return model.toLowerCase().startsWith(manufacturer.toLowerCase())
    ? model
    : clean(`${manufacturer} ${model}`);
}

/** CPUID vendor/family/model; null when any is missing or not a number. */
export function parseCpuId(vendor?: string, family?: string, model?: string): CpuId | null {
  const raw = clean(vendor ?? "");
  // "AMD"/"Intel" (a manufacturer name) or the CPUID vendor string itself
  const v = /amd/i.test(raw) ? "AuthenticAMD" : /intel/i.test(raw) ? "GenuineIntel" : raw;
  const f = Number.parseInt(family ?? "", 10);
  const m = Number.parseInt(model ?? "", 10);
  if (!v || !Number.isInteger(f) || !Number.isInteger(m) || f < 0 || m < 0) return null;
  return { vendor: v, family: f, model: m };
}

/** Logical CPUs this process may use (affinity-aware), not all the host has. */
function usableThreads(os: OsLike): number {
  const available = os.availableParallelism?.();
  if (available && Number.isInteger(available) && available > 0) return available;
  return Math.max(1, os.cpus().length);
}

function clean(text: string): string {
  return text.replace(/\s+/g, " ").trim().slice(0, MAX_LABEL);
}

function toGB(bytes: number): number {
  return Math.round((bytes / BYTES_PER_GB) * 100) / 100;
}
