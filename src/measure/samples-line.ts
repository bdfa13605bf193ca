/**
 * Serialising one samples-file line, apart from the schemas in samples.ts so that the sampler process does not
 * load zod (type imports only: they vanish from the bundle).
 */
import type { SamplesFileLine } from "./samples.js";

/** Serialise one line (no validation on the hot path: the sampler builds lines from typed data). */
export function formatLine(line: SamplesFileLine): string {
  return `${JSON.stringify(line)}\n`;
}
