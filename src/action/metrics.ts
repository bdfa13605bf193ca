/**
 * Work counts in every mode. A training script writes counts (samples, tokens, steps…) to the file named
 * by ML_FOOTPRINT_METRICS. Each footprint step that starts a phase gives that phase its own file under the
 * state directory and exports the path to the job's later steps (`GITHUB_ENV`, via core.exportVariable),
 * so a plain `run: python eval.py` step after `phase: eval` writes the eval phase's counts; a `run:` step
 * passes its phase's path to the wrapped command directly. The post step reads every phase's file, and
 * the report divides each unit only into the energy of the phases that counted it.
 * A path the user set in the workflow is respected as it is: one file for the whole job.
 */
import { appendFileSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import type { WorkSources } from "../report/work.js";
import type { CoreLike } from "./core.js";

export const METRICS_ENV = "ML_FOOTPRINT_METRICS";
const METRICS_DIR = "metrics";
const INDEX_FILE = "index.ndjson";

function metricsDir(stateDir: string): string {
  return join(stateDir, METRICS_DIR);
}

/** The path the user set for the whole job, or null when the variable is unset or one we exported. */
export function userMetricsPath(env: Record<string, string | undefined>, stateDir: string): string | null {
  const value = env[METRICS_ENV];
  if (!value) return null;
  const ours = resolve(metricsDir(stateDir)) + sep;
  return resolve(value).startsWith(ours) ? null : value;
}

/** A fresh measurement forgets the previous one's counts. */
export function clearMetrics(stateDir: string): void {
  rmSync(metricsDir(stateDir), { recursive: true, force: true });
}

function readIndex(stateDir: string): { phase: string; file: string }[] {
  let text = "";
  try {
    text = readFileSync(join(metricsDir(stateDir), INDEX_FILE), "utf8");
  } catch {
    return [];
  }
  const out: { phase: string; file: string }[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line) as { phase?: unknown; file?: unknown };
      // our own file; the name is checked so a tampered index cannot point outside the directory
      if (typeof v.phase === "string" && typeof v.file === "string" && /^phase-\d+\.json$/.test(v.file))
        out.push({ phase: v.phase, file: v.file });
    } catch {
      // a torn line: skipped
    }
  }
  return out;
}

/** A new file for `phase` (phase-<n>.json under the state directory), recorded in the index. */
export function claimPhaseMetricsPath(stateDir: string, phase: string): string {
  const dir = metricsDir(stateDir);
  mkdirSync(dir, { recursive: true });
  const file = `phase-${readIndex(stateDir).length + 1}.json`;
  appendFileSync(join(dir, INDEX_FILE), `${JSON.stringify({ phase, file })}\n`);
  return join(dir, file);
}

/**
 * The metrics path for a phase that starts now: the user's own path when they set one, else a new file
 * for the phase, exported to the job's later steps. Returns the path the phase's commands should use.
 */
export function startPhaseMetrics(
  core: CoreLike,
  env: Record<string, string | undefined>,
  stateDir: string,
  phase: string,
): string {
  const user = userMetricsPath(env, stateDir);
  if (user) return user;
  const path = claimPhaseMetricsPath(stateDir, phase);
  core.exportVariable?.(METRICS_ENV, path);
  return path;
}

/** Where the post step finds the job's counts. */
export function workSources(env: Record<string, string | undefined>, stateDir: string): WorkSources {
  const dir = metricsDir(stateDir);
  return {
    jobPath: userMetricsPath(env, stateDir),
    phaseFiles: readIndex(stateDir).map(({ phase, file }) => ({ phase, path: join(dir, file) })),
  };
}
