/**
 * Stream a samples file through the integrator line by line: memory stays flat however long the job.
 * Lines that do not parse (a truncated last line after a crash, disk-full garbage) are counted and reported.
 */
import { createReadStream, existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { EnergyIntegrator, type IntegrationOptions, type IntegrationResult } from "./integrate.js";
import { parseLine } from "./samples.js";

export interface SamplesFileResult extends IntegrationResult {
  rejectedLines: number;
}

export async function integrateSamplesFile(
  path: string,
  options: IntegrationOptions,
): Promise<SamplesFileResult> {
  const integrator = new EnergyIntegrator(options);
  let rejectedLines = 0;
  let firstRejection = "";
  if (!existsSync(path)) {
    // Nothing could be written (missing or read-only directory): report zero measured, and say why.
    const result = integrator.finish();
    result.warnings.push(`the samples file ${path} does not exist; nothing was recorded`);
    return { ...result, rejectedLines: 0 };
  }
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const text of lines) {
    if (text.trim() === "") continue;
    const parsed = parseLine(text);
    if (parsed.ok) integrator.push(parsed.line);
    else {
      rejectedLines += 1;
      if (!firstRejection) firstRejection = parsed.reason;
    }
  }
  const result = integrator.finish();
  if (rejectedLines > 0) {
    result.warnings.push(
      `${rejectedLines} line(s) of the samples file could not be read and were skipped (first: ${firstRejection}); ` +
        "a sampler killed mid-write leaves a truncated last line",
    );
  }
  return { ...result, rejectedLines };
}
