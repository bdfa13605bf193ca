/**
 * Bench child: stream one samples file through integrateSamplesFile, build and serialise the report, as
 * the post step does. One process per file so peak memory is this file's alone.
 * Prints {ms, maxRssMiB, baseRssMiB, peakHeapMiB, baseHeapMiB, samples, energyWh}.
 */
import { getHeapStatistics } from "node:v8";
import { buildCpuPowerModel } from "../../src/measure/cpu-power.js";
import { memoryPowerModel } from "../../src/measure/memory-power.js";
import { integrateSamplesFile } from "../../src/measure/read-samples.js";
import { buildReport, localIdentity } from "../../src/report/build.js";
import { serializeReport } from "../../src/model/report.js";

const file = process.argv[2];
if (!file) throw new Error("usage: long-job.js SAMPLES_FILE");
const mib = (bytes: number) => bytes / 2 ** 20;
const baseHeap = process.memoryUsage().heapUsed;
const baseRss = process.memoryUsage().rss;
let peakHeap = baseHeap;
// getHeapStatistics is cheap; process.memoryUsage() (it also computes RSS) showed up in the profile.
const watch = setInterval(() => (peakHeap = Math.max(peakHeap, getHeapStatistics().used_heap_size)), 10);

const t0 = performance.now();
const integration = await integrateSamplesFile(file, {
  models: {
    cpu: buildCpuPowerModel({ brand: "AMD EPYC 7763 64-Core Processor", threads: 4 }),
    memory: memoryPowerModel(16),
    other: null,
  },
});
const report = buildReport({
  toolVersion: "bench",
  createdAt: new Date(),
  identity: localIdentity("long-job"),
  runner: { os: "linux", arch: "x64", githubHosted: false, name: "bench" },
  cpu: { brand: "AMD EPYC 7763 64-Core Processor", threads: 4, cores: 2 },
  memoryGB: 16,
  integration,
  command: null,
  exitCode: 0,
  signal: null,
  carbon: null,
  work: { byPhase: new Map(), job: null },
  warnings: [],
});
const text = serializeReport(report);
const ms = performance.now() - t0;
clearInterval(watch);
peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
process.stdout.write(
  `${JSON.stringify({
    ms,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    baseRssMiB: mib(baseRss),
    peakHeapMiB: mib(peakHeap),
    baseHeapMiB: mib(baseHeap),
    samples: report.samples,
    energyWh: report.energyWh,
    reportBytes: text.length,
  })}\n`,
);
