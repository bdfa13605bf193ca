/**
 * 1. Sampler overhead: CPU time as a share of one core, every configuration running side by side in one
 * window so that they see the same machine: our Sampler in-process and detached (the bundled CLI's
 * `sampler run`), at 1 s and 100 ms, with a fake GPU stream, a fake RAPL tree and the real /proc/stat;
 * an idle node process (the floor); and Eco CI's approach, a shell loop running `cat /proc/stat | awk`
 * every second. CPU is read from /proc/<pid> before and after the window (warm-up excluded).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pct, processCpuS, runJsonChild, sleep, type Figure } from "./util.js";
import { buildFakeNvml } from "../test/support/fake-nvml.js";

export interface OverheadOptions {
  tmp: string;
  distDir: string;
  childDir: string;
  durationS: number;
  warmupS: number;
}

const FAKE_SMI = resolve("test/fixtures/bin/nvidia-smi");
const FAKE_FIXTURE = resolve("test/fixtures/nvidia-smi/h100x8.csv");
const NVML_HELPER = resolve("src/measure/sources/nvml_reader.py");
/** The UUIDs of h100x8.csv, for the fake libnvidia-ml.so.1's device script (300 W each). */
const H100X8_NVML = Array.from(
  { length: 8 },
  (_, i) => `GPU-1a2b3c0${i}-7e4d-4a1b-8c2d-00000000000${i} 300000 ok`,
);

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

interface Row {
  name: string;
  cpuS: number;
  wallS: number;
  note: string;
}

function pidsFrom(file: string): number[] {
  try {
    return readFileSync(file, "utf8").trim().split("\n").map(Number).filter(Boolean);
  } catch {
    return [];
  }
}

export async function benchSamplerOverhead(o: OverheadOptions): Promise<{ rows: Row[]; figures: Figure[] }> {
  const sysRoot = makeRaplTree(join(o.tmp, "sys"));
  const inproc = join(o.childDir, "sampler-inproc.js");
  const gpuEnv = (tag: string) => ({
    ...process.env,
    FAKE_NVIDIA_SMI_FIXTURE: FAKE_FIXTURE,
    FAKE_NVIDIA_SMI_PIDFILE: join(o.tmp, `smi-${tag}.pids`),
  });
  const common = ["--warmup", String(o.warmupS), "--duration", String(o.durationS)];
  const inprocRun = (tag: string, intervalMs: number, extra: string[], env: NodeJS.ProcessEnv = {}) =>
    runJsonChild<{ cpuS: number; wallS: number; ticks: number; gpu: boolean; helperCpuS: number | null }>(
      inproc,
      [...common, "--interval", String(intervalMs), "--samples", join(o.tmp, `${tag}.ndjson`), ...extra],
      { ...gpuEnv(tag), ...env },
    );
  // The counter path: the fake libnvidia-ml.so.1 (test/fixtures/fake-nvml) when a C compiler is there.
  const nvml = buildFakeNvml();
  const nvmlEnv = nvml.fake
    ? { LD_LIBRARY_PATH: nvml.fake.libDir, FAKE_NVML_CONFIG: nvml.fake.config(H100X8_NVML) }
    : null;

  // Processes measured from outside: the detached samplers and the shell loop.
  const outside: { name: string; proc: ChildProcess; children: boolean; smiTag?: string; note: string }[] =
    [];
  for (const [tag, interval] of [
    ["detached-1s", "1s"],
    ["detached-100ms", "100ms"],
  ] as const) {
    const dir = join(o.tmp, tag);
    mkdirSync(dir, { recursive: true });
    const proc = spawn(
      process.execPath,
      [join(o.distDir, "cli.js"), "sampler", "run", "--dir", dir, "--interval", interval, "--phase", "bench"],
      {
        stdio: "ignore",
        env: {
          ...gpuEnv(tag),
          ML_FOOTPRINT_NVIDIA_SMI: FAKE_SMI,
          ML_FOOTPRINT_SYS_ROOT: sysRoot,
        },
      },
    );
    outside.push({
      name: `detached sampler, ${interval}`,
      proc,
      children: false,
      smiTag: tag,
      note: "bundled CLI",
    });
  }
  const shell = spawn("bash", ["--noprofile", "--norc", "-c", SHELL_LOOP], {
    stdio: "ignore",
    env: { ...process.env, OUT: join(o.tmp, "ecoci-util.txt") },
  });
  outside.push({
    name: "Eco CI-style shell loop, 1s",
    proc: shell,
    children: true,
    note: "cat + awk + sleep",
  });

  const inside = Promise.all([
    inprocRun("inproc-1s", 1000, ["--sys", sysRoot, "--gpu", FAKE_SMI]),
    inprocRun("inproc-100ms", 100, ["--sys", sysRoot, "--gpu", FAKE_SMI]),
    inprocRun("inproc-1s-proc-only", 1000, []),
    inprocRun("idle-node-1s", 1000, ["--idle"]),
    nvmlEnv
      ? inprocRun(
          "inproc-1s-nvml",
          1000,
          ["--sys", sysRoot, "--gpu", FAKE_SMI, "--nvml-helper", NVML_HELPER],
          nvmlEnv,
        )
      : Promise.resolve(null),
  ]);

  await sleep(o.warmupS * 1_000);
  const smiPids = (tag: string) => pidsFrom(join(o.tmp, `smi-${tag}.pids`));
  const before = outside.map((p) => processCpuS(p.proc.pid ?? -1, { children: p.children }) ?? NaN);
  const smiTags = ["inproc-1s", "inproc-100ms", "detached-1s", "detached-100ms", "inproc-1s-nvml"];
  const smiBefore = smiTags.map((t) => smiPids(t).map((pid) => processCpuS(pid) ?? 0));
  const t0 = performance.now();
  await sleep(o.durationS * 1_000);
  const after = outside.map((p) => processCpuS(p.proc.pid ?? -1, { children: p.children }) ?? NaN);
  const smiAfter = smiTags.map((t) => smiPids(t).map((pid) => processCpuS(pid) ?? 0));
  const wallS = (performance.now() - t0) / 1_000;
  for (const p of outside) p.proc.kill("SIGTERM");
  const [in1, in100, inProc, idle, inNvml] = await inside;

  const rows: Row[] = [
    {
      name: "in-process Sampler, 1s (GPU+RAPL+/proc/stat)",
      cpuS: in1.cpuS,
      wallS: in1.wallS,
      note: `${in1.ticks} ticks`,
    },
    {
      name: "in-process Sampler, 100ms (GPU+RAPL+/proc/stat)",
      cpuS: in100.cpuS,
      wallS: in100.wallS,
      note: `${in100.ticks} ticks`,
    },
    ...(inNvml
      ? [
          {
            name: "in-process Sampler, 1s (GPU with NVML counter+RAPL+/proc/stat)",
            cpuS: inNvml.cpuS,
            wallS: inNvml.wallS,
            note: `${inNvml.ticks} ticks; fake libnvidia-ml.so.1`,
          },
          {
            name: "NVML helper (python3) of that Sampler",
            cpuS: inNvml.helperCpuS ?? NaN,
            wallS: inNvml.wallS,
            note: "one answer per tick",
          },
        ]
      : []),
    {
      name: "in-process Sampler, 1s (/proc/stat only)",
      cpuS: inProc.cpuS,
      wallS: inProc.wallS,
      note: `${inProc.ticks} ticks`,
    },
    {
      name: "idle node process, 1s no-op timer",
      cpuS: idle.cpuS,
      wallS: idle.wallS,
      note: "floor of any node process",
    },
    ...outside.map((p, i) => ({
      name: p.name,
      cpuS: (after[i] ?? NaN) - (before[i] ?? NaN),
      wallS,
      note: p.note,
    })),
    ...smiTags.map((tag, i) => {
      const b = smiBefore[i] ?? [];
      const a = smiAfter[i] ?? [];
      const cpuS = a.reduce((s, x, j) => s + x - (b[j] ?? x), 0);
      return {
        name: `fake nvidia-smi of ${tag}`,
        cpuS,
        wallS,
        note: "test double; the real one's cost is NVIDIA's",
      };
    }),
  ];
  const share = (r: Row | undefined) => (r ? r.cpuS / r.wallS : NaN);
  const detached1 = rows.find((r) => r.name === "detached sampler, 1s");
  const shellRow = rows.find((r) => r.name.startsWith("Eco CI"));
  const worst1s = Math.max(share(rows[0]), share(detached1));
  const figures: Figure[] = [
    {
      section: "1",
      name: "sampler at 1 s, share of one core (worst of in-process / detached)",
      value: pct(worst1s),
      goal: "≤ 0.1 %",
      met: worst1s <= 0.001,
    },
    {
      section: "1",
      name: "sampler at 1 s vs Eco CI-style shell loop",
      value: `${(worst1s / share(shellRow)).toFixed(2)}× (${pct(worst1s)} vs ${pct(share(shellRow))})`,
      goal: "< 1×",
      met: worst1s < share(shellRow),
    },
  ];
  return { rows, figures };
}

export function overheadTable(rows: Row[]): string[][] {
  return [
    ["process", "CPU s", "wall s", "share of one core", "note"],
    ...rows.map((r) => [r.name, r.cpuS.toFixed(3), r.wallS.toFixed(1), pct(r.cpuS / r.wallS), r.note]),
  ];
}
