/**
 * Hardware inventory: CPU brand, cores, threads usable by the job, installed memory; GPUs come from the
 * nvidia-smi rows. systeminformation is used for its cheap calls only (cpu(), mem()); its GPU functions
 * spawn several tools and take seconds. It is imported lazily so the sampler starts fast, and any
 * failure or a slow answer falls back to `node:os`.
 */
import * as nodeOs from "node:os";
import type { Hardware } from "../model/report.js";
import type { CpuId } from "./cpu-power.js";

/** The part of systeminformation used here (the real module satisfies it). */
export interface SiLike {
  cpu(): Promise<{
    manufacturer: string;
    brand: string;
    physicalCores: number;
    cores: number;
    /** CPUID vendor string, e.g. "AuthenticAMD" (systeminformation reads /proc/cpuinfo vendor_id) */
    vendor?: string;
    /** CPUID family and model as decimal strings ("25", "1") */
    family?: string;
    model?: string;
  }>;
  mem(): Promise<{ total: number }>;
}

export interface OsLike {
  cpus(): { model: string }[];
  totalmem(): number;
  availableParallelism?: () => number;
}

export type HardwareInventory = Hardware["cpu"] & { memoryGB: number; cpuId?: CpuId | null };

export interface InventoryOptions {
  si?: SiLike;
  os?: OsLike;
  /** bound on the systeminformation calls; default 5000 ms */
  timeoutMs?: number;
}

const BYTES_PER_GB = 2 ** 30; // GiB: what "16 GB" of RAM means on a spec sheet
const MAX_LABEL = 200; // schema's label limit

let cached: Promise<HardwareInventory> | null = null;

/** Cached per process for the default sources; injected sources are not cached (tests). */
export function getHardwareInventory(opts: InventoryOptions = {}): Promise<HardwareInventory> {
  if (opts.si || opts.os) return collect(opts);
  cached ??= collect(opts);
  return cached;
}

async function collect(opts: InventoryOptions): Promise<HardwareInventory> {
  const os = opts.os ?? nodeOs;
  const threads = usableThreads(os);
  const fallback = (): HardwareInventory => ({
    brand: clean(os.cpus()[0]?.model ?? "") || "unknown CPU",
    threads,
    cores: null,
    memoryGB: toGB(os.totalmem()),
  });
  try {
    const si = opts.si ?? (await loadSystemInformation());
    const [cpu, mem] = await withTimeout(Promise.all([si.cpu(), si.mem()]), opts.timeoutMs ?? 5_000);
    const manufacturer = clean(cpu.manufacturer);
    const model = clean(cpu.brand);
    const brand = model.toLowerCase().startsWith(manufacturer.toLowerCase())
      ? model
      : clean(`${manufacturer} ${model}`);
    const base = fallback();
    const cpuId = parseCpuId(cpu.vendor, cpu.family, cpu.model);
    return {
      brand: brand || base.brand,
      threads,
      cores: Number.isInteger(cpu.physicalCores) && cpu.physicalCores > 0 ? cpu.physicalCores : null,
      memoryGB: Number.isFinite(mem.total) && mem.total > 0 ? toGB(mem.total) : base.memoryGB,
      ...(cpuId ? { cpuId } : {}),
    };
  } catch {
    return fallback();
  }
}

/** CPUID vendor/family/model from systeminformation's strings; null when any is missing or not a number. */
export function parseCpuId(vendor?: string, family?: string, model?: string): CpuId | null {
  const raw = clean(vendor ?? "");
  // systeminformation reports "AMD"/"Intel" on some systems, the CPUID strings on others
  const v = /amd/i.test(raw) ? "AuthenticAMD" : /intel/i.test(raw) ? "GenuineIntel" : raw;
  const f = Number.parseInt(family ?? "", 10);
  const m = Number.parseInt(model ?? "", 10);
  if (!v || !Number.isInteger(f) || !Number.isInteger(m) || f < 0 || m < 0) return null;
  return { vendor: v, family: f, model: m };
}

async function loadSystemInformation(): Promise<SiLike> {
  // CommonJS module: its functions sit on `default` (and usually as named exports too).
  const mod = (await import("systeminformation")) as unknown as { default?: SiLike } & SiLike;
  return mod.default ?? mod;
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

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`systeminformation took over ${ms} ms`)), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
