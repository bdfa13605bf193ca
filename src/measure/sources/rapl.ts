/**
 * CPU (and DRAM) energy from RAPL counters through the Linux powercap interface.
 *
 * Layout (Linux Documentation/power/powercap/powercap.rst):
 *   /sys/class/powercap/intel-rapl:0/name                 "package-0"
 *   /sys/class/powercap/intel-rapl:0/energy_uj            "123456789"       (µJ, monotonic, wraps)
 *   /sys/class/powercap/intel-rapl:0/max_energy_range_uj  "262143328850"    (wraps back to 0 here)
 *   /sys/class/powercap/intel-rapl:0:0/name               "core" | "uncore" | "dram"
 *   /sys/class/powercap/intel-rapl:1/name                 "psys"            (whole SoC: excluded)
 *
 * We read the top-level packages and their `dram` sub-domains only: core/uncore are already inside the
 * package figure (counting them again would double count), psys overlaps everything, and the
 * `intel-rapl-mmio` tree repeats the package counter through another interface. AMD Zen parts appear
 * under the same `intel-rapl` names; an `amd-rapl` naming is accepted too.
 */
import { readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { HeadFiles } from "./head-files.js";

export interface RaplDomain {
  /** "package-0", "dram-0" (N = the package's powercap index) */
  id: string;
  /** the energy_uj file */
  path: string;
  maxEnergyRangeUj: number;
}

export interface RaplDiscovery {
  domains: RaplDomain[];
  /** why RAPL cannot be used (null when domains were found) */
  unavailableReason: string | null;
  /** true when the machine has no RAPL at all (the normal case on cloud VMs): a note, not a warning */
  absent: boolean;
}

export interface RaplOptions {
  /** injectable reader (tests simulate EACCES with it, since they run as root) */
  readText?: (path: string) => Promise<string>;
}

// Since Linux 5.10 energy_uj is readable by root only (CVE-2020-8694, "Platypus" power side channel).
const PERMISSION_FIX =
  "energy_uj is root-only since Linux 5.10 (CVE-2020-8694); to measure instead of model, run as root or " +
  "grant read access, e.g. `sudo chmod o+r /sys/class/powercap/intel-rapl:*/energy_uj " +
  "/sys/class/powercap/intel-rapl:*:*/energy_uj` (self-hosted runners)";

const TOP = /^(intel-rapl|amd-rapl):(\d+)$/;
const SUB = /^(intel-rapl|amd-rapl):(\d+):(\d+)$/;

interface Candidate {
  kind: "package" | "dram";
  pkg: number;
  dir: string;
}

export async function discoverRapl(sysRoot = "/sys", options: RaplOptions = {}): Promise<RaplDiscovery> {
  const readText = options.readText ?? ((path: string) => readFile(path, "utf8"));
  const base = join(sysRoot, "class", "powercap");
  let entries: string[];
  try {
    entries = await readdir(base);
  } catch {
    return { domains: [], unavailableReason: `no RAPL powercap interface (${base} is absent)`, absent: true };
  }

  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  const consider = async (entry: string, dir: string) => {
    const top = TOP.exec(entry);
    const sub = SUB.exec(entry);
    if ((!top && !sub) || seen.has(entry)) return;
    seen.add(entry);
    const name = (await readText(join(dir, "name")).catch(() => "")).trim();
    const pkg = Number((top ?? sub)?.[2]);
    if (top && name.startsWith("package")) candidates.push({ kind: "package", pkg, dir });
    else if (name === "dram") candidates.push({ kind: "dram", pkg, dir });
  };
  for (const entry of entries.sort()) {
    await consider(entry, join(base, entry));
    // Sub-domains also live inside their package's directory (the class entries are symlinks there).
    if (TOP.test(entry)) {
      const inner = await readdir(join(base, entry)).catch(() => [] as string[]);
      for (const child of inner.sort()) await consider(child, join(base, entry, child));
    }
  }
  if (!candidates.some((c) => c.kind === "package")) {
    return { domains: [], unavailableReason: `no RAPL package domain under ${base}`, absent: true };
  }

  const domains: RaplDomain[] = [];
  const problems: string[] = [];
  let denied = false;
  for (const candidate of candidates) {
    const id = `${candidate.kind}-${candidate.pkg}`;
    const path = join(candidate.dir, "energy_uj");
    try {
      const energy = parseCounter(await readText(path));
      const maxEnergyRangeUj = parseCounter(await readText(join(candidate.dir, "max_energy_range_uj")));
      if (energy === null || maxEnergyRangeUj === null || maxEnergyRangeUj <= 0) {
        throw new Error("not a counter");
      }
      if (!domains.some((d) => d.id === id)) domains.push({ id, path, maxEnergyRangeUj });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EACCES" || code === "EPERM") denied = true;
      // A missing dram counter only means memory is modelled; a missing package counter spoils the CPU.
      if (candidate.kind === "package") problems.push(`${id} ${path}: ${code ?? (error as Error).message}`);
    }
  }
  if (problems.length > 0) {
    const why = denied ? `; ${PERMISSION_FIX}` : "";
    return {
      domains: [],
      unavailableReason: `RAPL unreadable (${problems.join(", ")})${why}`,
      absent: false,
    };
  }
  return { domains, unavailableReason: null, absent: false };
}

/** "123456\n" → 123456; anything else → null (never 0). */
function parseCounter(text: string): number | null {
  const trimmed = text.trim();
  if (!/^[0-9]+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : null;
}

/**
 * Current counters in µJ by domain id. Synchronous and cheap (one small sysfs read per domain per tick).
 * A domain that cannot be read this time is left out, so the integrator sees a gap, not a zero.
 * With `open` (a RaplFiles of the caller's), each counter file stays open and one pread at offset 0 reads it
 * afresh (sysfs regenerates an attribute read from its start): one system call per domain and tick instead of
 * readFileSync's five (open, fstat, two reads, close).
 */
export function readRaplCounters(domains: readonly RaplDomain[], open?: RaplFiles): Record<string, number> {
  const counters: Record<string, number> = {};
  for (const domain of domains) {
    try {
      const value = parseCounter(open ? open.read(domain.path) : readFileSync(domain.path, "utf8"));
      if (value !== null) counters[domain.id] = value;
    } catch {
      // left out: see above
    }
  }
  return counters;
}

/** Counter files kept open between ticks (see readRaplCounters); close() when sampling ends. */
export class RaplFiles extends HeadFiles {
  constructor() {
    super(64);
  }
}
