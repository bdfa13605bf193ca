/**
 * NVML read inside the sampler process: libnvidia-ml.so.1 loaded through Koffi (a maintained Node-API FFI,
 * koffi.dev; its prebuilt binaries vendored in vendor/koffi and shipped in dist/koffi), the same calls the python
 * helper makes (nvml_reader.py, whose docstring lists their signatures from nvml.h), answered synchronously at
 * the sampler's own tick. One process wakes once per tick, where the helper made two (the helper and the
 * sampler, about 150–300 µs of CPU per wake-up on a cloud VM: BENCHMARKS.md §9b).
 *
 * The price of in-process: an NVML call that never returns stops this process's ticks (the python helper's
 * watchdog would hand over to nvidia-smi instead), and a crash in the driver's library ends it. Only the detached
 * background sampler reads NVML this way (sampler-process.ts), where `sampler stop` bounds a hung process
 * (SIGKILL after 5 s; the samples before it stand) and nothing else runs in the process. ML_FOOTPRINT_NVML_READER=
 * helper keeps the helper there too.
 *
 * Outputs go through one preallocated scratch buffer (no allocation per call): struct layouts as in nvml.h,
 * little-endian (x86-64 and arm64 Linux, the platforms of the vendored binaries).
 */
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { utilizationFraction, type NvmlDevice, type NvmlRead } from "./nvml.js";

export const NVML_LIBRARY = "libnvidia-ml.so.1";
const NVML_SUCCESS = 0;
/** NVML_ERROR_FUNCTION_NOT_FOUND (nvml.h): a driver older than the function. */
const NVML_ERROR_FUNCTION_NOT_FOUND = 13;
const NVML_DEVICE_UUID_BUFFER_SIZE = 80; // nvml.h
const NVML_DEVICE_NAME_V2_BUFFER_SIZE = 96; // nvml.h
/** NVML_FI_DEV_POWER_AVERAGE (nvml.h): power averaged over 1 s, Ampere and newer except GA100; mW, unsigned int. */
const NVML_FI_DEV_POWER_AVERAGE = 185;
const NVML_VALUE_TYPE_UNSIGNED_INT = 1;
/**
 * nvmlFieldValue_t (nvml.h): unsigned fieldId @0, scopeId @4; long long timestamp @8, latencyUsec @16;
 * nvmlValueType_t valueType @24; nvmlReturn_t nvmlReturn @28; nvmlValue_t value (8-byte union) @32; 40 bytes.
 */
const FIELD = { fieldId: 0, scopeId: 4, valueType: 24, nvmlReturn: 28, value: 32, size: 40 } as const;
/** nvmlMemory_t (nvml.h): unsigned long long total @0, free @8, used @16 (bytes). */
const MEMORY = { total: 0, used: 16 } as const;
const MIB = 1_048_576;

/** The part of Koffi's native module this reader uses (koffi.dev/functions). */
interface KoffiFunction {
  (...args: unknown[]): number;
  /** the same call on a Koffi worker thread; the callback gets its result */
  async(...args: unknown[]): void;
}
interface KoffiLibrary {
  func(signature: string): KoffiFunction;
  unload?(): void;
}
export interface Koffi {
  version: string;
  load(path: string): KoffiLibrary;
}

/** Koffi's directory name for this platform (its own triplet names: linux_x64, linux_arm64). */
export function koffiTriplet(platform: string = process.platform, arch: string = process.arch): string {
  return `${platform}_${arch}`;
}

/**
 * Where the Koffi binary for this platform is: dist/koffi/<triplet>/ beside the bundle's entry (dist/) or one
 * level up from a chunk (dist/chunks/); vendor/koffi/<triplet>/ when run from source. null: none shipped.
 */
export function koffiBinaryPath(
  moduleUrl: string = import.meta.url,
  triplet = koffiTriplet(),
): string | null {
  for (const candidate of [
    `./koffi/${triplet}/koffi.node`,
    `../koffi/${triplet}/koffi.node`,
    `../../../vendor/koffi/${triplet}/koffi.node`,
  ]) {
    const path = fileURLToPath(new URL(candidate, moduleUrl));
    if (existsSync(path)) return path;
  }
  return null;
}

/** Load Koffi's binary; why not where it cannot be (another platform, musl, a binary that does not load). */
export function loadKoffi(
  path: string | null = koffiBinaryPath(),
): { ok: true; koffi: Koffi } | { ok: false; reason: string } {
  if (path === null)
    return {
      ok: false,
      reason: `no in-process NVML reader for ${koffiTriplet()} (Koffi binary not shipped)`,
    };
  try {
    const koffi = createRequire(import.meta.url)(path) as Koffi;
    if (typeof koffi?.load !== "function") return { ok: false, reason: `${path} is not Koffi's module` };
    return { ok: true, koffi };
  } catch (error) {
    return { ok: false, reason: `Koffi could not be loaded (${firstLine(error)})` };
  }
}

export interface NvmlInProcess {
  uuids: (string | null)[];
  devices: (NvmlDevice | null)[];
  /** power (averaged field first), utilisation, memory and the counter of every device, now */
  read(): NvmlRead;
  /** nvmlShutdown; later reads answer every device with NVML_ERROR_UNINITIALIZED */
  close(): void;
}

/** Per device, what the tick reads, or the code its handle failed with. */
type Handle = { handle: unknown; averaged: boolean } | { failed: number };

/** Bound on opening NVML (nvmlInit_v2 and the devices' handles), as the helper's first answer (nvml.ts). */
export const NVML_OPEN_TIMEOUT_MS = 15_000;

/**
 * dlopen NVML, nvmlInit_v2 and the devices' static facts (the helper's hello); why not where NVML is unusable.
 * The calls that can take seconds (nvmlInit_v2; a device's first handle initialises that GPU) run on Koffi's worker
 * threads within `timeoutMs` in all, so the sampler keeps ticking meanwhile and a driver that never answers is
 * given up (the stream then reads the GPUs, as when the helper does not answer); every later call is synchronous.
 */
export async function openNvmlInProcess(
  koffi: Koffi,
  library: string = NVML_LIBRARY,
  timeoutMs: number = NVML_OPEN_TIMEOUT_MS,
): Promise<{ ok: true; nvml: NvmlInProcess } | { ok: false; reason: string; code: number | null }> {
  let lib: KoffiLibrary;
  try {
    lib = koffi.load(library);
  } catch (error) {
    return { ok: false, reason: `${library} could not be loaded (${firstLine(error)})`, code: null };
  }
  const optional = (signature: string): KoffiFunction | null => {
    try {
      return lib.func(signature);
    } catch {
      return null; // a driver older than the function
    }
  };
  let init: KoffiFunction, count: KoffiFunction, handleOf: KoffiFunction, uuidOf: KoffiFunction;
  let shutdown: KoffiFunction;
  try {
    init = lib.func("int nvmlInit_v2(void)");
    count = lib.func("int nvmlDeviceGetCount_v2(void *deviceCount)");
    handleOf = lib.func("int nvmlDeviceGetHandleByIndex_v2(unsigned int index, _Out_ void **device)");
    uuidOf = lib.func("int nvmlDeviceGetUUID(void *device, void *uuid, unsigned int length)");
    shutdown = lib.func("int nvmlShutdown(void)");
  } catch (error) {
    return { ok: false, reason: `${library} lacks a function (${firstLine(error)})`, code: null };
  }
  const energyOf = optional("int nvmlDeviceGetTotalEnergyConsumption(void *device, void *energy)");
  const powerOf = optional("int nvmlDeviceGetPowerUsage(void *device, void *power)");
  const fieldsOf = optional("int nvmlDeviceGetFieldValues(void *device, int valuesCount, void *values)");
  const utilOf = optional("int nvmlDeviceGetUtilizationRates(void *device, void *utilization)");
  const memoryOf = optional("int nvmlDeviceGetMemoryInfo(void *device, void *memory)");
  const nameOf = optional("int nvmlDeviceGetName(void *device, void *name, unsigned int length)");
  const limitOf = optional("int nvmlDeviceGetEnforcedPowerLimit(void *device, void *limit)");

  const deadline = performance.now() + timeoutMs;
  const late = (what: string) => ({
    ok: false as const,
    reason: `${what} did not return within ${timeoutMs / 1_000} s (a wedged driver, or one without persistence mode initialising many GPUs)`,
    code: null,
  });
  let rc = await callWithin(init, [], deadline);
  if (rc === null) return late("nvmlInit_v2");
  if (rc !== NVML_SUCCESS) return { ok: false, reason: `nvmlInit_v2 returned ${rc}`, code: rc };
  const scratch = Buffer.alloc(128);
  rc = count(scratch);
  if (rc !== NVML_SUCCESS) {
    shutdown();
    return { ok: false, reason: `nvmlDeviceGetCount_v2 returned ${rc}`, code: rc };
  }
  const deviceCount = scratch.readUInt32LE(0);

  /** The averaged power field in W; null where NVML does not answer it. */
  const averagePowerW = (handle: unknown): number | null => {
    if (fieldsOf === null) return null;
    scratch.fill(0, 0, FIELD.size);
    scratch.writeUInt32LE(NVML_FI_DEV_POWER_AVERAGE, FIELD.fieldId);
    if (fieldsOf(handle, 1, scratch) !== NVML_SUCCESS) return null;
    if (scratch.readInt32LE(FIELD.nvmlReturn) !== NVML_SUCCESS) return null;
    if (scratch.readInt32LE(FIELD.valueType) !== NVML_VALUE_TYPE_UNSIGNED_INT) return null;
    return scratch.readUInt32LE(FIELD.value) / 1_000;
  };
  const text = (fn: KoffiFunction | null, handle: unknown, size: number): string | null => {
    if (fn === null) return null;
    scratch.fill(0, 0, size);
    if (fn(handle, scratch, size) !== NVML_SUCCESS) return null;
    const end = scratch.indexOf(0);
    return scratch.toString("utf8", 0, end < 0 || end > size ? size : end);
  };
  const u32 = (fn: KoffiFunction | null, handle: unknown): number | null =>
    fn !== null && fn(handle, scratch) === NVML_SUCCESS ? scratch.readUInt32LE(0) : null;
  const u64At = (offset: number) => scratch.readUInt32LE(offset) + scratch.readUInt32LE(offset + 4) * 2 ** 32;
  /** one nvmlMemory_t field (MEMORY's offsets) in MiB; null where NVML does not answer */
  const memoryMiB = (handle: unknown, offset: number): number | null =>
    memoryOf !== null && memoryOf(handle, scratch) === NVML_SUCCESS ? Math.floor(u64At(offset) / MIB) : null;

  const handles: Handle[] = [];
  const uuids: (string | null)[] = [];
  const devices: (NvmlDevice | null)[] = [];
  for (let index = 0; index < deviceCount; index += 1) {
    const out: unknown[] = [null];
    const code = await callWithin(handleOf, [index, out], deadline);
    if (code === null) {
      shutdown();
      return late(`nvmlDeviceGetHandleByIndex_v2(${index})`);
    }
    if (code !== NVML_SUCCESS) {
      handles.push({ failed: code });
      uuids.push(null);
      devices.push(null);
      continue;
    }
    const handle = out[0];
    const averaged = averagePowerW(handle) !== null;
    handles.push({ handle, averaged });
    uuids.push(text(uuidOf, handle, NVML_DEVICE_UUID_BUFFER_SIZE));
    const limitMw = u32(limitOf, handle);
    devices.push({
      name: text(nameOf, handle, NVML_DEVICE_NAME_V2_BUFFER_SIZE),
      limitW: limitMw === null ? null : limitMw / 1_000,
      memTotalMiB: memoryMiB(handle, MEMORY.total),
      powerField: averaged ? "power.draw.average" : "power.draw",
    });
  }

  let open = true;
  const read = (): NvmlRead => {
    const w: (number | null)[] = [];
    const u: (number | null)[] = [];
    const memUsedMiB: (number | null)[] = [];
    const averaged: boolean[] = [];
    const e: (number | null)[] = [];
    const err: number[] = [];
    for (const device of handles) {
      if ("failed" in device || !open) {
        w.push(null);
        u.push(null);
        memUsedMiB.push(null);
        averaged.push(false);
        e.push(null);
        err.push("failed" in device ? device.failed : 1 /* NVML_ERROR_UNINITIALIZED */);
        continue;
      }
      const { handle } = device;
      let watts = device.averaged ? averagePowerW(handle) : null;
      averaged.push(watts !== null);
      if (watts === null) {
        const mw = u32(powerOf, handle);
        watts = mw === null ? null : mw / 1_000;
      }
      w.push(watts);
      u.push(utilizationFraction(u32(utilOf, handle))); // nvmlUtilization_t.gpu is its first field
      memUsedMiB.push(memoryMiB(handle, MEMORY.used));
      if (energyOf === null) {
        e.push(null);
        err.push(NVML_ERROR_FUNCTION_NOT_FOUND);
        continue;
      }
      const code = energyOf(handle, scratch);
      e.push(code === NVML_SUCCESS ? u64At(0) : null);
      err.push(code);
    }
    return { e, err, power: { w, u, memUsedMiB, averaged } };
  };
  return {
    ok: true,
    nvml: {
      uuids,
      devices,
      read,
      close() {
        if (!open) return;
        open = false;
        shutdown();
      },
    },
  };
}

/** Calls given up on (past their deadline) that have not returned: each still holds a worker thread. */
let abandonedCalls = 0;

/**
 * Whether an NVML call that was given up on still runs on a worker thread. Node cannot exit while one does (at
 * exit libuv joins its worker threads, and this one never returns), so the sampler's entry ends its process
 * with SIGKILL then, once the end line is written (src/sampler.ts).
 */
export function nvmlCallStillRunning(): boolean {
  return abandonedCalls > 0;
}

/** `fn(...args)` on a Koffi worker thread; its result, or null when `deadline` (performance.now()) passes first. */
function callWithin(fn: KoffiFunction, args: unknown[], deadline: number): Promise<number | null> {
  return new Promise((resolve) => {
    let late = false;
    const timer = setTimeout(
      () => {
        late = true;
        abandonedCalls += 1;
        resolve(null);
      },
      Math.max(0, deadline - performance.now()),
    );
    fn.async(...args, (error: unknown, result: number) => {
      if (late) abandonedCalls -= 1;
      clearTimeout(timer);
      resolve(error ? -1 : result);
    });
  });
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split("\n", 1)[0]!;
}
