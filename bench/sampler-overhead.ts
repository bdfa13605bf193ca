/**
 * 1. Sampler overhead: CPU time as a share of one core, start-up apart from steady state, every configuration
 * running side by side in one window so that they see the same machine:
 *   - the detached sampler (the slim entry dist/sampler.js, as the action runs it) without a GPU;
 *   - the same with two fake GPUs read through NVML (fake libnvidia-ml.so.1) inside the sampler process (Koffi,
 *     the default), and through the python3 helper (ML_FOOTPRINT_NVML_READER=helper, the reader before);
 *   - the same with two fake GPUs where NVML cannot be loaded (the fake nvidia-smi stream, the fallback);
 *   - a minimal Node loop that reads /proc/stat once a second (the floor of any Node sampler);
 *   - an idle Node process (a no-op 1 s timer);
 *   - Eco CI's approach, a shell loop running `cat /proc/stat | awk` every second.
 * Per process (the sampler, its GPU reader, the fake tools apart): CPU from /proc/<pid>/stat (utime+stime,
 * 10 ms ticks) and from schedstat (ns, all threads); the goals use schedstat (see `cpuOf`). Start-up is the CPU
 * used in the first `warmupS` seconds after spawn; steady state the rate over the window after it; the
 * amortised figure is both over a 10-minute job. The counter path's energy is checked against the fake
 * library's own counter (it grows at exactly the configured power).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { childrenOf, detachedSamplerArgs, pct, processCpuS, sleep, type Figure } from "./util.js";
import { buildFakeNvml } from "../test/support/fake-nvml.js";
import { integrateSamplesFile } from "../src/measure/read-samples.js";
import { models } from "../test/reliability/helpers.js";
import { SAMPLER_NODE_FLAGS } from "../src/measure/background.js";

export interface OverheadOptions {
  tmp: string;
  distDir: string;
  durationS: number;
  warmupS: number;
  /** an older build's dist/ (its cli.js `sampler run`), run side by side in the same configurations */
  baselineDist?: string;
}

const FAKE_SMI = resolve("test/fixtures/bin/nvidia-smi");
const FAKE_FIXTURE = resolve("test/fixtures/nvidia-smi/steady-300-150.csv");
/** The UUIDs of steady-300-150.csv, for the fake libnvidia-ml.so.1: counters at 400 W and 150 W. */
const NVML_DEVICES = [
  "GPU-aaaaaaaa-0000-4000-8000-000000000000 400000 ok sampled=300000",
  "GPU-bbbbbbbb-0000-4000-8000-000000000001 150000 ok",
];
const NVML_TRUTH_W = 400 + 150;
/** The job length the start-up is amortised over (issue 25). */
const JOB_S = 600;
const USER_HZ = 100; // proc(5): utime/stime unit on every mainstream Linux build

/** A powercap tree with one package and its dram sub-domain, like test/measure/sources/rapl.test.ts makes. */
export function makeRaplTree(root: string): string {
  const pkg = join(root, "class", "powercap", "intel-rapl:0");
  const dram = join(pkg, "intel-rapl:0:0");
  mkdirSync(dram, { recursive: true });
  for (const [dir, name, energy] of [
    [pkg, "package-0", "123456789012"],
    [dram, "dram", "9123456789"],
  ] as const) {
    writeFileSync(join(dir, "name"), `${name}\n`);
    writeFileSync(join(dir, "energy_uj"), `${energy}\n`);
    writeFileSync(join(dir, "max_energy_range_uj"), "262143328850\n");
  }
  return root;
}

/** Eco CI's work, as its cpu-utilization script does it: read /proc/stat, compute utilization, sleep 1. */
const SHELL_LOOP = `prev_total=0; prev_idle=0
while :; do
  cat /proc/stat | awk -v pt="$prev_total" -v pi="$prev_idle" 'NR==1 { t=0; for (i=2;i<=NF;i++) t+=$i; idle=$5+$6; if (pt>0) printf "%.2f %d %d\\n", 100*(1-(idle-pi)/(t-pt)), t, idle; else printf "0 %d %d\\n", t, idle }' > "$OUT.tmp"
  read -r util prev_total prev_idle < "$OUT.tmp"; echo "$util" >> "$OUT"
  sleep 1
done`;
/** The floor of a Node sampler: read /proc/stat once a second, nothing else. */
const MINIMAL_LOOP = `const fs = require("node:fs"); let n = 0; setInterval(() => { n += fs.readFileSync("/proc/stat", "utf8").length; }, 1000);`;
const IDLE_NODE = `setInterval(() => {}, 1000);`;

/** utime+stime of one process in seconds (proc(5) fields 14 and 15), 10 ms resolution. */
function statCpuS(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return null;
  }
}

interface Cpu {
  stat: number;
  sched: number;
}
const readCpu = (pid: number, children = false): Cpu => ({
  stat: statCpuS(pid) ?? NaN,
  sched: processCpuS(pid, { children }) ?? NaN,
});

interface Tracked {
  name: string;
  pid: () => number | null;
  /** counted as the tool's own CPU */
  own: boolean;
  children?: boolean;
  note: string;
  group: string;
}

export interface Row {
  name: string;
  group: string;
  own: boolean;
  startupS: Cpu;
  steadyS: Cpu;
  wallS: number;
  note: string;
}

export async function benchSamplerOverhead(o: OverheadOptions): Promise<{ rows: Row[]; figures: Figure[] }> {
  const sysRoot = makeRaplTree(join(o.tmp, "sys"));
  const nvml = buildFakeNvml();
  if (!nvml.fake) throw new Error(`section 1 needs the fake NVML library: ${nvml.skipReason}`);
  const sampler = join(o.distDir, "sampler.js");
  const procs: ChildProcess[] = [];
  const launch = (command: string, args: string[], env: NodeJS.ProcessEnv) => {
    const proc = spawn(command, args, {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, ...env },
    });
    procs.push(proc);
    return proc;
  };
  const detached = (tag: string, env: NodeJS.ProcessEnv, entry = sampler) => {
    const dir = join(o.tmp, tag);
    mkdirSync(dir, { recursive: true });
    const proc = launch(
      process.execPath,
      // as the action spawns it (startBackgroundSampler), node options included
      detachedSamplerArgs(entry, dir, "bench", entry.endsWith("sampler.js") ? SAMPLER_NODE_FLAGS : []),
      { ML_FOOTPRINT_SYS_ROOT: sysRoot, ...env },
    );
    return { proc, samples: join(dir, "samples.ndjson") };
  };
  const gpuEnv = { ML_FOOTPRINT_NVIDIA_SMI: FAKE_SMI, FAKE_NVIDIA_SMI_FIXTURE: FAKE_FIXTURE };
  const spawnedAt = performance.now();
  const noGpu = detached("no-gpu", { ML_FOOTPRINT_NVIDIA_SMI: "/nonexistent/nvidia-smi" });
  const withNvml = detached("nvml", {
    ...gpuEnv,
    LD_LIBRARY_PATH: nvml.fake.libDir,
    FAKE_NVML_CONFIG: nvml.fake.config(NVML_DEVICES),
  });
  const withHelper = detached("nvml-helper", {
    ...gpuEnv,
    LD_LIBRARY_PATH: nvml.fake.libDir,
    FAKE_NVML_CONFIG: nvml.fake.config(NVML_DEVICES),
    ML_FOOTPRINT_NVML_READER: "helper",
  });
  // No NVML at all: no library to load in process, no python3 for the helper.
  const withStream = detached("stream", {
    ...gpuEnv,
    ML_FOOTPRINT_PYTHON: "/nonexistent/python3",
    LD_LIBRARY_PATH: join(o.tmp, "no-nvml"),
  });
  // The older build's slim entry where it has one (run as the action runs it, node options included), else cli.js.
  const baseline = o.baselineDist
    ? existsSync(join(o.baselineDist, "sampler.js"))
      ? join(o.baselineDist, "sampler.js")
      : join(o.baselineDist, "cli.js")
    : null;
  const oldNoGpu = baseline
    ? detached("base-no-gpu", { ML_FOOTPRINT_NVIDIA_SMI: "/nonexistent/nvidia-smi" }, baseline)
    : null;
  const oldNvml = baseline
    ? detached(
        "base-nvml",
        { ...gpuEnv, LD_LIBRARY_PATH: nvml.fake.libDir, FAKE_NVML_CONFIG: nvml.fake.config(NVML_DEVICES) },
        baseline,
      )
    : null;
  const minimal = launch(process.execPath, ["-e", MINIMAL_LOOP], {});
  const idle = launch(process.execPath, ["-e", IDLE_NODE], {});
  const shell = launch("bash", ["--noprofile", "--norc", "-c", SHELL_LOOP], {
    OUT: join(o.tmp, "ecoci-util.txt"),
  });
  const child = (parent: ChildProcess, comm: RegExp) => () =>
    childrenOf(parent.pid ?? -1).find((c) => comm.test(c.comm))?.pid ?? null;
  const tracked: Tracked[] = [
    {
      group: "no GPU",
      name: "sampler (dist/sampler.js)",
      pid: () => noGpu.proc.pid ?? null,
      own: true,
      note: "/proc/stat + fake RAPL",
    },
    {
      group: "2 GPUs, NVML",
      name: "sampler (dist/sampler.js)",
      pid: () => withNvml.proc.pid ?? null,
      own: true,
      note: "reads NVML in process at its tick (Koffi)",
    },
    {
      group: "2 GPUs, NVML",
      name: "GPU reader (python3 NVML helper)",
      pid: child(withNvml.proc, /^python/),
      own: true,
      note: "must not run: none expected",
    },
    {
      group: "2 GPUs, NVML",
      name: "fake nvidia-smi",
      pid: child(withNvml.proc, /^node|nvidia/),
      own: false,
      note: "must not run: none expected",
    },
    {
      group: "2 GPUs, NVML helper",
      name: "sampler (dist/sampler.js)",
      pid: () => withHelper.proc.pid ?? null,
      own: true,
      note: "ML_FOOTPRINT_NVML_READER=helper: the helper is the clock",
    },
    {
      group: "2 GPUs, NVML helper",
      name: "GPU reader (python3 NVML helper)",
      pid: child(withHelper.proc, /^python/),
      own: true,
      note: "fake libnvidia-ml.so.1 inside",
    },
    {
      group: "2 GPUs, stream fallback",
      name: "sampler (dist/sampler.js)",
      pid: () => withStream.proc.pid ?? null,
      own: true,
      note: "NVML unavailable (no library, no python3)",
    },
    {
      group: "2 GPUs, stream fallback",
      name: "fake nvidia-smi stream",
      pid: child(withStream.proc, /^node|nvidia/),
      own: false,
      note: "test double (a node script); the real one's cost is NVIDIA's",
    },
    ...(oldNoGpu && oldNvml
      ? [
          {
            group: "before: no GPU",
            name: `sampler (baseline ${baseline?.endsWith("sampler.js") ? "sampler.js" : "cli.js"})`,
            pid: () => oldNoGpu.proc.pid ?? null,
            own: true,
            note: "the build given by --baseline-dist",
          },
          {
            group: "before: 2 GPUs, NVML",
            name: `sampler (baseline ${baseline?.endsWith("sampler.js") ? "sampler.js" : "cli.js"})`,
            pid: () => oldNvml.proc.pid ?? null,
            own: true,
            note: "the build given by --baseline-dist",
          },
          {
            group: "before: 2 GPUs, NVML",
            name: "GPU reader / counter helper (python3)",
            pid: child(oldNvml.proc, /^python/),
            own: true,
            note: "",
          },
          {
            group: "before: 2 GPUs, NVML",
            name: "fake nvidia-smi stream",
            pid: child(oldNvml.proc, /^node|nvidia/),
            own: false,
            note: "test double",
          },
        ]
      : []),
    {
      group: "reference",
      name: "minimal Node loop, /proc/stat every 1 s",
      pid: () => minimal.pid ?? null,
      own: false,
      note: "the floor of a Node sampler",
    },
    {
      group: "reference",
      name: "idle Node process, 1 s no-op timer",
      pid: () => idle.pid ?? null,
      own: false,
      note: "the floor of any Node process",
    },
    {
      group: "reference",
      name: "Eco CI-style shell loop, 1 s",
      pid: () => shell.pid ?? null,
      own: false,
      children: true,
      note: "cat + awk + sleep",
    },
  ];
  try {
    await sleep(o.warmupS * 1_000);
    const pids = tracked.map((t) => t.pid());
    const atWarmup = tracked.map((t, i) => (pids[i] == null ? null : readCpu(pids[i]!, t.children)));
    const t0 = performance.now();
    const startupWallS = (t0 - spawnedAt) / 1_000;
    await sleep(o.durationS * 1_000);
    const atEnd = tracked.map((t, i) => (pids[i] == null ? null : readCpu(pids[i]!, t.children)));
    const wallS = (performance.now() - t0) / 1_000;
    const rows: Row[] = tracked.map((t, i) => {
      const a = atWarmup[i];
      const b = atEnd[i];
      const none = { stat: 0, sched: 0 };
      return {
        name: t.name,
        group: t.group,
        own: t.own,
        startupS: a ?? none,
        steadyS: a && b ? { stat: b.stat - a.stat, sched: b.sched - a.sched } : none,
        wallS,
        note: pids[i] == null ? `${t.note} (no such process)` : t.note,
      };
    });
    for (const p of procs) p.kill("SIGTERM");
    await Promise.all(
      procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once("close", r)))),
    );
    const energy = await integrateSamplesFile(withNvml.samples, { models, defaultPhase: "bench" });
    const counterWh = energy.phases
      .flatMap((p) => p.components)
      .filter((c) => c.component === "gpu" && c.method === "nvml-counter")
      .reduce((s, c) => s + c.energyWh, 0);
    const truthWh = (NVML_TRUTH_W * energy.durationS) / 3_600;
    return { rows, figures: figuresOf(rows, startupWallS, counterWh / truthWh - 1) };
  } finally {
    for (const p of procs) if (p.exitCode === null) p.kill("SIGKILL");
  }
}

/**
 * The figure the goals use: schedstat (ns, all threads) where the kernel has it; utime+stime counts 10 ms
 * ticks, coarser than a 40 s window's few tens of ms (±1 tick is ±0.025 % of a core there).
 */
const cpuOf = (c: Cpu) => (Number.isFinite(c.sched) && c.sched > 0 ? c.sched : c.stat);

function figuresOf(rows: Row[], startupWallS: number, counterError: number): Figure[] {
  const find = (group: string, name: string) =>
    rows.find((r) => r.group === group && r.name.startsWith(name));
  const rate = (r: Row | undefined) => (r ? cpuOf(r.steadyS) / r.wallS : NaN);
  const amortised = (group: string) => {
    const own = rows.filter((r) => r.group === group && r.own);
    const startup = own.reduce((s, r) => s + cpuOf(r.startupS), 0);
    const steady = own.reduce((s, r) => s + cpuOf(r.steadyS) / r.wallS, 0);
    return (startup + steady * (JOB_S - startupWallS)) / JOB_S;
  };
  const floor = rate(find("reference", "minimal Node loop"));
  const nvmlSampler = rate(find("2 GPUs, NVML", "sampler"));
  const noGpu = rate(find("no GPU", "sampler"));
  const gpuAmortised = amortised("2 GPUs, NVML");
  const before = find("before: no GPU", "sampler");
  const beforeFigures: Figure[] = before
    ? [
        {
          section: "1",
          name: "no GPU: sampler vs the baseline build's, steady state (regression check)",
          value: `${(noGpu / rate(before)).toFixed(2)}× (${pct(noGpu)} vs ${pct(rate(before))})`,
          goal: "≤ 1× (noise aside)",
          met: null,
        },
        {
          section: "1",
          name: "2 fake GPUs + NVML: baseline build's sampler + helper over a 10-minute job",
          value: pct(amortised("before: 2 GPUs, NVML")),
          goal: "",
          met: null,
        },
        {
          section: "1",
          name: "2 fake GPUs + NVML: baseline build's sampler alone vs minimal Node loop, steady state",
          value: `${(rate(find("before: 2 GPUs, NVML", "sampler")) / floor).toFixed(2)}×`,
          goal: "",
          met: null,
        },
      ]
    : [];
  return [
    ...beforeFigures,
    {
      section: "1",
      name: "2 fake GPUs + NVML counter: sampler + GPU reader (NVML in process) over a 10-minute job, start-up included",
      value: pct(gpuAmortised),
      goal: "≤ 0.1 %",
      met: gpuAmortised <= 0.001,
    },
    {
      section: "1",
      name: "2 fake GPUs + NVML counter, ML_FOOTPRINT_NVML_READER=helper: sampler + python3 helper over a 10-minute job",
      value: pct(amortised("2 GPUs, NVML helper")),
      goal: "(the reader before; for comparison)",
      met: null,
    },
    {
      section: "1",
      name: "2 fake GPUs + NVML: sampler alone vs minimal Node loop, steady state",
      value: `${(nvmlSampler / floor).toFixed(2)}× (${pct(nvmlSampler)} vs ${pct(floor)})`,
      goal: "≤ 2×",
      met: nvmlSampler <= 2 * floor,
    },
    {
      section: "1",
      name: "no GPU: sampler vs minimal Node loop, steady state",
      value: `${(noGpu / floor).toFixed(2)}× (${pct(noGpu)} vs ${pct(floor)})`,
      goal: "≤ 2×",
      met: noGpu <= 2 * floor,
    },
    {
      section: "1",
      name: "no GPU: sampler over a 10-minute job, start-up included",
      value: pct(amortised("no GPU")),
      goal: "≤ 0.1 %",
      met: amortised("no GPU") <= 0.001,
    },
    {
      section: "1",
      name: "NVML counter path: GPU energy vs the fake library's counter",
      value: `${(counterError * 100).toFixed(3)} %`,
      goal: "within 1 %",
      met: Math.abs(counterError) <= 0.01,
    },
  ];
}

export function overheadTable(rows: Row[], warmupS: number): string[][] {
  return [
    [
      "configuration",
      "process",
      `start-up CPU s (first ${warmupS} s; stat / schedstat)`,
      "steady CPU s (stat / schedstat)",
      "wall s",
      "steady share of one core",
      "note",
    ],
    ...rows.map((r) => [
      r.group,
      `${r.name}${r.own ? "" : " *"}`,
      `${r.startupS.stat.toFixed(2)} / ${r.startupS.sched.toFixed(3)}`,
      `${r.steadyS.stat.toFixed(2)} / ${r.steadyS.sched.toFixed(3)}`,
      r.wallS.toFixed(1),
      pct(cpuOf(r.steadyS) / r.wallS),
      r.note,
    ]),
  ];
}
