/**
 * Bench child: the Sampler class inside an otherwise idle node process (how `ml-footprint run` hosts it).
 * Prints {cpuS, wallS, ticks} for the measurement window only (after the warm-up), from process.cpuUsage().
 * `--idle` runs a no-op timer at the same interval instead: the floor of any node process that wakes up.
 * Args: --interval MS --warmup S --duration S --samples PATH [--sys ROOT] [--gpu PATH] [--idle]
 */
import { parseArgs } from "node:util";
import { Sampler } from "../../src/measure/sampler.js";

const { values } = parseArgs({
  options: {
    interval: { type: "string", default: "1000" },
    warmup: { type: "string", default: "3" },
    duration: { type: "string", default: "30" },
    samples: { type: "string", default: "/dev/null" },
    sys: { type: "string" },
    gpu: { type: "string" },
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
  });
  await sampler.start();
}
await sleep(Number(values.warmup) * 1_000);
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
await sleep(Number(values.duration) * 1_000);
const cpu = process.cpuUsage(cpu0);
const wallS = (performance.now() - wall0) / 1_000;
const stats = sampler ? await sampler.stop() : null;
if (idleTimer) clearInterval(idleTimer);
process.stdout.write(
  `${JSON.stringify({ cpuS: (cpu.user + cpu.system) / 1e6, wallS, ticks: stats?.ticks ?? null, gpu: stats?.gpuPresent ?? null, rapl: stats?.raplDomains ?? null })}\n`,
);
