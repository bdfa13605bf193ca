/**
 * Which GPUs are the job's: the `gpus` input/flag, else CUDA_VISIBLE_DEVICES, else NVIDIA_VISIBLE_DEVICES,
 * else all. GPUs outside the set are listed in the report as present but not counted.
 *
 * Forms, as CUDA and the NVIDIA container runtime accept them (CUDA C Programming Guide, "CUDA Environment
 * Variables"; NVIDIA Container Toolkit, "Specialized Configurations with Docker", GPU enumeration):
 *   0,1          device indices (matched to nvidia-smi indices: PCI bus order)
 *   GPU-8f6c2b0e  a GPU UUID or a unique prefix of one (CUDA accepts prefixes)
 *   MIG-GPU-<uuid>/<gi>/<ci>   a MIG instance in the pre-R470 form: its parent GPU counts
 *   MIG-<uuid>    a MIG instance (R470+ form): its parent GPU when NVML names it, else every GPU (warned)
 * CUDA_VISIBLE_DEVICES stops at the first entry that is not valid ("0,2,-1,1" is 0 and 2) and an empty value
 * hides every GPU. NVIDIA_VISIBLE_DEVICES also takes `all`, and `none`/`void` (no GPU).
 * Pure: parsing and matching only; the sampler applies the result to the GPUs nvidia-smi lists.
 */
import type { GpuSelectionSource } from "../model/report.js";
import { InputError } from "../model/units.js";

export type GpuId =
  | { kind: "index"; index: number }
  | { kind: "uuid"; prefix: string }
  | { kind: "mig"; raw: string; parentUuid: string | null };

export interface GpuSelection {
  source: GpuSelectionSource;
  /** the text it came from, for the report ("" for all) */
  value: string;
  /** null: every GPU */
  ids: GpuId[] | null;
}

export const ALL_GPUS: GpuSelection = { source: "all", value: "", ids: null };

const INDEX = /^[0-9]{1,3}$/;
const UUID_PREFIX = /^GPU-[0-9a-f][0-9a-f-]{0,63}$/i;
const MIG_OLD = /^MIG-(GPU-[0-9a-f-]{8,64})\/[0-9]+\/[0-9]+$/i;
const MIG_NEW = /^MIG-[0-9a-f][0-9a-f-]{7,63}$/i;

export const GPUS_HELP =
  "the job's GPUs: all, or indices, UUIDs, MIG ids (default: CUDA_VISIBLE_DEVICES, then NVIDIA_VISIBLE_DEVICES, else all)";

export const GPUS_ACCEPTED =
  "all, or a comma-separated list of GPU indices (0,1), UUIDs or UUID prefixes (GPU-8f6c2b0e) and MIG ids (MIG-…)";

function parseId(text: string): GpuId | null {
  if (INDEX.test(text)) return { kind: "index", index: Number(text) };
  const old = MIG_OLD.exec(text);
  if (old) return { kind: "mig", raw: text, parentUuid: old[1]! };
  if (MIG_NEW.test(text)) return { kind: "mig", raw: text, parentUuid: null };
  if (UUID_PREFIX.test(text)) return { kind: "uuid", prefix: text };
  return null;
}

/** The `gpus` input / `--gpus` flag: strict, a bad entry is an input error naming the accepted forms. */
export function parseGpusInput(text: string, inputName: string): GpuSelection {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === "all") return { source: "gpus-input", value: "all", ids: null };
  const parts = trimmed.split(",").map((p) => p.trim());
  if (trimmed === "" || parts.some((p) => p === "")) {
    throw new InputError(`${inputName}: "${text}" is not valid; accepted: ${GPUS_ACCEPTED}`);
  }
  const ids: GpuId[] = [];
  for (const part of parts) {
    const id = parseId(part);
    if (!id) {
      throw new InputError(`${inputName}: "${part}" in "${text}" is not a GPU; accepted: ${GPUS_ACCEPTED}`);
    }
    ids.push(id);
  }
  return { source: "gpus-input", value: trimmed.slice(0, 200), ids };
}

/** CUDA's reading: entries up to the first one that is not valid; empty → no GPU. */
function parseCudaVisible(text: string): GpuId[] {
  const ids: GpuId[] = [];
  for (const part of text.split(",").map((p) => p.trim())) {
    const id = parseId(part);
    if (!id) break;
    ids.push(id);
  }
  return ids;
}

/**
 * Resolve the selection in force: a non-empty `gpus` input wins (validated: throws InputError), then
 * CUDA_VISIBLE_DEVICES (set, even empty), then ROCR_VISIBLE_DEVICES and HIP_VISIBLE_DEVICES (AMD; set and not
 * empty), then NVIDIA_VISIBLE_DEVICES (set and not empty), then all. ROCm documents ROCR_VISIBLE_DEVICES as "a list
 * of device indices or UUIDs" and HIP_VISIBLE_DEVICES as "device indices exposed to HIP applications" (ROCm docs,
 * "GPU isolation techniques" and "ROCm environment variables"); both are matched like CUDA_VISIBLE_DEVICES against
 * amd-smi's GPU ids. HIP_VISIBLE_DEVICES set beside ROCR_VISIBLE_DEVICES indexes within ROCR's set; that nesting
 * is not modelled: ROCR_VISIBLE_DEVICES wins.
 */
export function gpuSelectionFrom(
  gpusInput: string | undefined,
  env: Record<string, string | undefined>,
  inputName = "gpus",
): GpuSelection {
  if (gpusInput !== undefined && gpusInput.trim() !== "") return parseGpusInput(gpusInput, inputName);
  const cuda = env.CUDA_VISIBLE_DEVICES;
  if (cuda !== undefined) {
    return { source: "CUDA_VISIBLE_DEVICES", value: cuda.slice(0, 200), ids: parseCudaVisible(cuda) };
  }
  for (const name of ["ROCR_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES"] as const) {
    const value = env[name]?.trim();
    if (value !== undefined && value !== "")
      return { source: name, value: value.slice(0, 200), ids: parseCudaVisible(value) };
  }
  const nvidia = env.NVIDIA_VISIBLE_DEVICES?.trim();
  if (nvidia !== undefined && nvidia !== "") {
    const lower = nvidia.toLowerCase();
    if (lower === "all") return { source: "NVIDIA_VISIBLE_DEVICES", value: nvidia, ids: null };
    if (lower === "none" || lower === "void")
      return { source: "NVIDIA_VISIBLE_DEVICES", value: nvidia, ids: [] };
    return { source: "NVIDIA_VISIBLE_DEVICES", value: nvidia.slice(0, 200), ids: parseCudaVisible(nvidia) };
  }
  return ALL_GPUS;
}

export interface GpuLike {
  index: number;
  uuid: string | null;
}

export interface ResolvedSelection {
  /** indices of the GPUs that count */
  counted: Set<number>;
  warnings: string[];
}

/**
 * Match a selection against the GPUs present. `migParents` maps MIG UUIDs to their parent GPU's UUID where
 * NVML could tell. A listed entry that matches nothing is warned about (CUDA would not see it either).
 */
export function resolveGpuSelection(
  selection: GpuSelection,
  gpus: GpuLike[],
  migParents: ReadonlyMap<string, string> = new Map(),
): ResolvedSelection {
  const all = new Set(gpus.map((g) => g.index));
  if (selection.ids === null) return { counted: all, warnings: [] };
  const warnings: string[] = [];
  const where = `${selection.source}=${JSON.stringify(selection.value)}`;
  const ids = selection.ids;
  // The container runtime renumbers: NVIDIA_VISIBLE_DEVICES=2,3 inside the container shows GPUs 0 and 1.
  // Indices only, as many as present: the runtime has already applied it.
  if (
    selection.source === "NVIDIA_VISIBLE_DEVICES" &&
    ids.length === gpus.length &&
    ids.every((id) => id.kind === "index")
  ) {
    return { counted: all, warnings: [] };
  }
  const counted = new Set<number>();
  const byUuid = (uuid: string) => gpus.filter((g) => g.uuid?.toLowerCase() === uuid.toLowerCase());
  for (const id of ids) {
    let matches: GpuLike[] = [];
    let label: string;
    if (id.kind === "index") {
      label = String(id.index);
      matches = gpus.filter((g) => g.index === id.index);
    } else if (id.kind === "uuid") {
      label = id.prefix;
      const prefix = id.prefix.toLowerCase();
      matches = gpus.filter((g) => g.uuid?.toLowerCase().startsWith(prefix));
      if (matches.length > 1) {
        warnings.push(
          `${where}: "${id.prefix}" is a prefix of ${matches.length} GPUs' UUIDs; none of them counted`,
        );
        matches = [];
        continue;
      }
    } else {
      label = id.raw;
      const parent = id.parentUuid ?? migParents.get(id.raw) ?? null;
      if (parent === null) {
        warnings.push(
          `${where}: MIG instance ${id.raw} could not be matched to its GPU (NVML unavailable); every GPU is counted, whole-GPU power (an upper bound for a MIG slice)`,
        );
        for (const g of gpus) counted.add(g.index);
        continue;
      }
      matches = byUuid(parent);
      if (matches.length) {
        warnings.push(
          `${where}: MIG instance ${id.raw} counts its whole GPU ${matches[0]!.index} (power is per GPU, not per MIG slice)`,
        );
      }
    }
    if (matches.length === 0) warnings.push(`${where}: "${label}" matches no GPU present`);
    for (const g of matches) counted.add(g.index);
  }
  return { counted, warnings };
}
