// The slim background sampler entry (dist/sampler.js): what the detached sampler process loads, and nothing else.
import { parseSamplerArgv, runSamplerProcess } from "./measure/sampler-process.js";

try {
  await runSamplerProcess(parseSamplerArgv(process.argv.slice(2)));
} catch (error) {
  process.stderr.write(`ml-footprint sampler: ${(error as Error).message}\n`);
  process.exitCode = 2;
}
