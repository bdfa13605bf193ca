// The slim background sampler entry (dist/sampler.js): what the detached sampler process loads, and nothing else.
import { parseSamplerArgv, runSamplerProcess } from "./measure/sampler-process.js";
import { nvmlCallStillRunning } from "./measure/sources/nvml-ffi.js";

try {
  await runSamplerProcess(parseSamplerArgv(process.argv.slice(2)));
} catch (error) {
  process.stderr.write(`ml-footprint sampler: ${(error as Error).message}\n`);
  process.exitCode = 2;
}
// The end line is written and the samples file closed. An NVML call that never returned (a wedged driver) still
// holds a worker thread, and Node cannot exit while it does: the process ends itself (see nvml-ffi.ts).
if (nvmlCallStillRunning()) process.kill(process.pid, "SIGKILL");
