// npm run validate:gpu — on a machine with an NVIDIA GPU: NVML's energy counter against the nvidia-smi power stream.
//
// Runs one bursty load (PyTorch matmuls on cuda:0 in bursts of 50 ms to 2 s between pauses; without a CUDA PyTorch,
// an idle check of the same length) while samplers at several intervals (100 ms, 500 ms, 1 s, 5 s) measure it
// side by side, each with the counter on. For each interval it prints the counter's energy, the stream's energy
// (the same samples integrated without the counter) and the stream's error against the counter; and it records
// the real answers as fixtures: `nvidia-smi --help-query-gpu`, `nvidia-smi -q -d POWER`, the query stream's CSV
// lines during the load, and the NVML helper's JSON answers. Side by side, three detached samplers (dist/sampler.js,
// 1 s, as the action starts them) read the GPUs the three ways (NVML in process, the python3 helper, the nvidia-smi
// stream): each one's CPU, its children's (the helper, the real nvidia-smi) and its GPU energy are printed (issue 25).
// Finishes in under 5 minutes (load 60 s by default).
//
// Flags: --seconds N (load length, default 60, max 180), --out DIR (default test/fixtures/nvidia-smi/real/<gpu>),
// --python PATH (interpreter with torch for the load, default python3). Exit 1 without a usable GPU.
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { integrateEnergy } from "../src/measure/integrate.js";
import type { PowerModels } from "../src/measure/power-model.js";
import { Sampler } from "../src/measure/sampler.js";
import { parseLine, type SamplesFileLine } from "../src/measure/samples.js";
import { detectPowerAverage, nvidiaSmiArgs } from "../src/measure/sources/nvidia-smi.js";
import { startNvmlReader } from "../src/measure/sources/nvml.js";
import { SAMPLER_NODE_FLAGS } from "../src/measure/background.js";
import { childrenOf, detachedSamplerArgs, processCpuS } from "../bench/util.js";

const ROOT = resolve(import.meta.dirname, "..");
const argv = process.argv.slice(2);
const flag = (name: string) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const seconds = Math.min(180, Math.max(10, Number(flag("--seconds") ?? 60)));
const python = flag("--python") ?? "python3";
const INTERVALS_MS = [100, 500, 1_000, 5_000];

const list = spawnSync("nvidia-smi", ["-L"], { encoding: "utf8" });
if (list.status !== 0) {
  console.error(
    `validate:gpu: no usable NVIDIA GPU (nvidia-smi -L: ${list.error?.message ?? list.stderr?.trim()}); nothing to validate`,
  );
  process.exit(1);
}
const gpuName = /GPU 0: ([^(]+)/.exec(list.stdout)?.[1]?.trim() ?? "gpu";
const driver = spawnSync("nvidia-smi", ["--query-gpu=driver_version", "--format=csv,noheader"], {
  encoding: "utf8",
})
  .stdout.split("\n")[0]
  ?.trim();
const slug = `${gpuName}-${driver ?? "driver"}`.toLowerCase().replace(/[^a-z0-9.]+/g, "-");
const out = resolve(flag("--out") ?? join(ROOT, "test", "fixtures", "nvidia-smi", "real", slug));
mkdirSync(out, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "mlf-validate-gpu-"));
console.log(
  `validate:gpu: ${list.stdout.trim().split("\n").join("; ")}; driver ${driver}; load ${seconds} s`,
);
console.log(`validate:gpu: fixtures → ${out}`);

// Fixtures: the driver's own words.
writeFileSync(
  join(out, "help-query-gpu.txt"),
  spawnSync("nvidia-smi", ["--help-query-gpu"], { encoding: "utf8" }).stdout,
);
writeFileSync(
  join(out, "q-power.txt"),
  spawnSync("nvidia-smi", ["-q", "-d", "POWER"], { encoding: "utf8" }).stdout,
);
const withAverage = await detectPowerAverage("nvidia-smi", process.env);

// The load: bursts shorter and longer than every sampling interval.
const LOAD = `
import sys, time
secs = float(sys.argv[1])
try:
    import torch
    assert torch.cuda.is_available(), "torch.cuda.is_available() is False"
except Exception as error:
    print("load: no CUDA PyTorch (%s): idle check instead" % error, flush=True)
    time.sleep(secs)
    sys.exit(0)
a = torch.randn(8192, 8192, device="cuda")
b = torch.randn(8192, 8192, device="cuda")
bursts = [0.05, 0.2, 0.5, 1.0, 0.1, 2.0, 0.3]
end = time.monotonic() + secs
i = 0
while time.monotonic() < end:
    burst = bursts[i % len(bursts)]
    i += 1
    start = time.monotonic()
    while time.monotonic() - start < burst:
        (a @ b).sum().item()
    time.sleep(max(0.0, min(0.7, end - time.monotonic())))
print("load: %d bursts on %s" % (i, torch.cuda.get_device_name(0)), flush=True)
`;

const samplers = INTERVALS_MS.map((intervalMs) => {
  const samplesPath = join(work, `samples-${intervalMs}.ndjson`);
  return {
    intervalMs,
    samplesPath,
    sampler: new Sampler({
      samplesPath,
      intervalMs,
      phase: "validate",
      onInfo: (message) => console.log(`validate:gpu: [${intervalMs} ms] ${message}`),
    }),
  };
});
await Promise.all(samplers.map((s) => s.sampler.start()));

// The three readers as the action runs them: detached samplers from dist/, side by side through the same load.
const READERS = [
  { name: "NVML in process (Koffi)", env: {} },
  { name: "NVML python3 helper", env: { ML_FOOTPRINT_NVML_READER: "helper" } },
  // The helper without a python3: the sampler falls back to the nvidia-smi stream.
  {
    name: "nvidia-smi stream",
    env: { ML_FOOTPRINT_NVML_READER: "helper", ML_FOOTPRINT_PYTHON: "/nonexistent/python3" },
  },
];
const detachedAt = performance.now();
const detached = READERS.map(({ name, env }, i) => {
  const dir = join(work, `reader-${i}`);
  mkdirSync(dir);
  const proc = spawn(
    process.execPath,
    detachedSamplerArgs(join(ROOT, "dist", "sampler.js"), dir, "validate", SAMPLER_NODE_FLAGS),
    { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, ...env } },
  );
  return { name, proc, samplesPath: join(dir, "samples.ndjson") };
});

// Recorders, during the load only: the raw query lines and the NVML helper's answers.
const csv = createWriteStream(join(out, "query-gpu.csv"));
csv.write(`# nvidia-smi ${nvidiaSmiArgs(200, withAverage).join(" ")}\n`);
const smi = spawn("nvidia-smi", nvidiaSmiArgs(200, withAverage), { stdio: ["ignore", "pipe", "inherit"] });
let csvLines = 0;
smi.stdout.setEncoding("utf8");
smi.stdout.on("data", (chunk: string) => {
  if (csvLines < 2_000) csv.write(chunk);
  csvLines += chunk.split("\n").length - 1;
});
const nvml = startNvmlReader({ readyTimeoutMs: 30_000 });
const nvmlLog = createWriteStream(join(out, "nvml.ndjson"));
const hello = await nvml.ready;
nvmlLog.write(`${JSON.stringify({ hello })}\n`);
let recording = true;
const nvmlLoop = (async () => {
  while (recording && hello.ok) {
    const read = await nvml.read(5_000);
    nvmlLog.write(`${JSON.stringify({ atMs: Date.now(), read })}\n`);
    await new Promise((done) => setTimeout(done, 500));
  }
})();

const load = spawn(python, ["-c", LOAD, String(seconds)], { stdio: "inherit" });
const loadCode = await new Promise<number | null>((done) => load.on("close", (code) => done(code)));
recording = false;
// Each detached sampler's CPU (its own, and its children's: the helper, nvidia-smi) over its whole life so far.
const detachedWallS = (performance.now() - detachedAt) / 1_000;
const readerCpu = detached.map(({ proc }) => {
  const pid = proc.pid ?? -1;
  const kids = childrenOf(pid);
  return {
    samplerS: processCpuS(pid) ?? NaN,
    childrenS: kids.reduce((sum, c) => sum + (processCpuS(c.pid) ?? 0), 0),
    children: kids.map((c) => c.comm).join(" ") || "none",
  };
});
await Promise.all(
  detached.map(({ proc }) => new Promise((done) => (proc.kill("SIGTERM"), proc.once("close", done)))),
);
await nvmlLoop;
await nvml.stop();
smi.kill("SIGTERM");
await Promise.all(samplers.map((s) => s.sampler.stop()));
csv.end();
nvmlLog.end();

const zero = { w: 0, lowW: 0, highW: 0 };
const models: PowerModels = {
  cpu: { powerW: () => zero, detail: "not counted here", provenance: "modelled" },
  memory: { ...zero, detail: "not counted here" },
  other: null,
};
function gpuWh(lines: SamplesFileLine[]) {
  const result = integrateEnergy(lines, { models });
  const parts = result.phases.flatMap((p) => p.components.filter((c) => c.component === "gpu"));
  return {
    wh: parts.reduce((sum, c) => sum + c.energyWh, 0),
    durationS: result.durationS,
    methods: result.gpus.map((g) => `${g.index}:${g.energyMethod ?? "-"}:${g.powerField ?? "-"}`).join(" "),
  };
}
const rows = samplers.map(({ intervalMs, samplesPath }) => {
  const lines = readFileSync(samplesPath, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((text) => parseLine(text))
    .flatMap((parsed) => (parsed.ok ? [parsed.line] : []));
  // The stream alone: the same samples with the counter taken out.
  const streamOnly = lines.map((line) =>
    line.t === "s" && line.gpu ? { ...line, gpu: line.gpu.map(({ e: _e, ...g }) => g) } : line,
  );
  const counter = gpuWh(lines);
  const stream = gpuWh(streamOnly);
  const counterW = (counter.wh * 3_600) / counter.durationS;
  const streamW = (stream.wh * 3_600) / stream.durationS;
  return { intervalMs, counter, stream, counterW, streamW, errorPct: (streamW / counterW - 1) * 100 };
});

const load1 = loadavg()[0]!.toFixed(2);
console.log(
  `\nvalidate:gpu: load exit ${loadCode}; load average ${load1}; nvidia-smi field ${withAverage ? "power.draw.average" : "power.draw"}`,
);
console.log(
  "interval | duration s | counter Wh | counter W | stream Wh | stream W | stream error | GPUs (index:method:field)",
);
for (const r of rows) {
  console.log(
    [
      `${r.intervalMs} ms`,
      r.counter.durationS.toFixed(1),
      r.counter.wh.toFixed(4),
      r.counterW.toFixed(1),
      r.stream.wh.toFixed(4),
      r.streamW.toFixed(1),
      `${r.errorPct >= 0 ? "+" : ""}${r.errorPct.toFixed(2)} %`,
      r.counter.methods,
    ].join(" | "),
  );
}
const readers = detached.map(({ name, samplesPath }, i) => {
  const lines = readFileSync(samplesPath, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((text) => parseLine(text))
    .flatMap((parsed) => (parsed.ok ? [parsed.line] : []));
  const energy = gpuWh(lines);
  const cpu = readerCpu[i]!;
  return {
    name,
    ...cpu,
    shareOfOneCorePct: ((cpu.samplerS + cpu.childrenS) / detachedWallS) * 100,
    gpuWh: energy.wh,
    gpuW: (energy.wh * 3_600) / energy.durationS,
    methods: energy.methods,
  };
});
console.log(
  `\nreader (detached, 1 s, start-up included, ${detachedWallS.toFixed(0)} s) | sampler CPU s | children CPU s (which) | share of one core | GPU W | GPUs (index:method:field)`,
);
for (const r of readers) {
  console.log(
    [
      r.name,
      r.samplerS.toFixed(3),
      `${r.childrenS.toFixed(3)} (${r.children})`,
      `${r.shareOfOneCorePct.toFixed(3)} %`,
      r.gpuW.toFixed(1),
      r.methods,
    ].join(" | "),
  );
}
writeFileSync(
  join(out, "summary.json"),
  `${JSON.stringify({ gpu: list.stdout.trim(), driver, seconds, loadExit: loadCode, loadAverage: Number(load1), withAverage, rows, readers }, null, 2)}\n`,
);
console.log(
  `validate:gpu: wrote ${out}/{help-query-gpu.txt,q-power.txt,query-gpu.csv,nvml.ndjson,summary.json}`,
);
