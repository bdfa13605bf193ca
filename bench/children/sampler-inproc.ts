/**
 * Bench child: the Sampler class inside an otherwise idle node process (how `ml-footprint run` hosts it).
 * Prints {cpuS, wallS, ticks} for the measurement window only (after the warm-up), from process.cpuUsage().
 * `--idle` runs a no-op timer at the same interval instead: the floor of any node process that wakes up.
 * `--nvml-helper PATH`: the NVML counter helper (this child is bundled apart from dist/, so it is named); the output
 * then adds helperCpuS, the CPU its python3 child used in the window.
 * Args: --interval MS --warmup S --duration S --samples PATH [--sys ROOT] [--gpu PATH] [--nvml-helper PATH] [--idle]
 */
import { readdirSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Sampler } from "../../src/measure/sampler.js";

/** CPU seconds of this process's python children (the NVML helper), from /proc. */
function helperCpuS(): number {
  let total = 0;
  for (const name of readdirSync("/proc")) {
    if (!/^[0-9]+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== process.pid || !comm.startsWith("python")) continue;
      // All threads' on-CPU nanoseconds (as bench/util.ts processCpuS; not imported: it pulls esbuild in).
      for (const tid of readdirSync(`/proc/${name}/task`))
        total += Number(readFileSync(`/proc/${name}/task/${tid}/schedstat`, "utf8").split(" ")[0]) / 1e9;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

const { values } = parseArgs({
  options: {
    interval: { type: "string", default: "1000" },
    warmup: { type: "string", default: "3" },
    duration: { type: "string", default: "30" },
    samples: { type: "string", default: "/dev/null" },
    sys: { type: "string" },
    gpu: { type: "string" },
    "nvml-helper": { type: "string" },
    idle: { type: "boolean", default: false },
  },
});
const intervalMs = Number(values.interval);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let sampler: Sampler | null = null;
let idleTimer: NodeJS.Timeout | null = null;
if (values.idle) idleTimer = setInterval(() => {}, intervalMs);
else {
  sampler = new Sampler({
    samplesPath: values.samples,
    intervalMs,
    phase: "bench",
    sysRoot: values.sys ?? "/nonexistent-sys",
    nvidiaSmi: values.gpu ?? null,
    nvml: values["nvml-helper"] ? { helperPath: values["nvml-helper"] } : null,
  });
  await sampler.start();
}
await sleep(Number(values.warmup) * 1_000);
const helper0 = values["nvml-helper"] ? helperCpuS() : null;
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
await sleep(Number(values.duration) * 1_000);
const cpu = process.cpuUsage(cpu0);
const wallS = (performance.now() - wall0) / 1_000;
const helperS = helper0 === null ? null : helperCpuS() - helper0;
const stats = sampler ? await sampler.stop() : null;
if (idleTimer) clearInterval(idleTimer);
process.stdout.write(
  `${JSON.stringify({ cpuS: (cpu.user + cpu.system) / 1e6, wallS, ticks: stats?.ticks ?? null, gpu: stats?.gpuPresent ?? null, helperCpuS: helperS, rapl: stats?.raplDomains ?? null })}\n`,
);
