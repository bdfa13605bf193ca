/**
 * The step both measuring flows end with (CLI `run` and the action's post step): integrate the samples
 * file on this machine's power models, add carbon and the job's work counts, and build the validated report.
 */
import type { IntegrationResult } from "../measure/integrate.js";
import { integrateSamplesFile } from "../measure/read-samples.js";
import { buildReport, runnerFromEnv } from "../report/build.js";
import type { Carbon, Identity, Report } from "../model/report.js";
import { readWorkSources, type WorkSources } from "../report/work.js";
import { TOOL_VERSION } from "../version.js";
import type { Machine } from "./machine.js";

/**
 * Computes carbon for a finished measurement; see carbonForMeasurement. `warn` receives what went wrong on
 * the way (a live-intensity fallback and its reason, an unknown metadata region): report warnings, which the
 * CLI prints and the action raises, beyond the carbon notes.
 */
export type CarbonStep = (
  integration: IntegrationResult,
  hardware: Report["hardware"],
  warn?: (warning: string) => void,
) => Promise<Carbon | null>;

export interface ReportFromSamples {
  samplesPath: string;
  /** phase name before the first marker */
  defaultPhase: string;
  machine: Machine;
  /** the ML_FOOTPRINT_METRICS files the job may have written: one for the job, or one per phase */
  metrics: WorkSources;
  carbon: CarbonStep | null;
  identity: Identity;
  env: Record<string, string | undefined>;
  command: string | null;
  exitCode: number | null;
  signal: string | null;
  /** what the caller already knows went wrong (sampler stop, lost lines, start errors, context) */
  warnings: string[];
  createdAt: Date;
}

export async function reportFromSamples(parts: ReportFromSamples): Promise<Report> {
  const { machine } = parts;
  const integration = await integrateSamplesFile(parts.samplesPath, {
    models: machine.models,
    defaultPhase: parts.defaultPhase,
  });
  const hardware: Report["hardware"] = {
    cpu: machine.cpu,
    memoryGB: machine.memoryGB,
    gpus: integration.gpus,
    ...(integration.gpuSelection ? { gpuSelection: integration.gpuSelection } : {}),
    attribution: machine.attribution,
  };
  const carbonWarnings: string[] = [];
  const carbon = parts.carbon
    ? await parts.carbon(integration, hardware, (w) => carbonWarnings.push(w))
    : null;
  const work = await readWorkSources(parts.metrics);
  // "not in the CPU power table" is news only where the CPU model was used: RAPL-measured phases need no table.
  const cpuModelUsed = integration.phases.some((p) =>
    p.components.some((c) => c.component === "cpu" && c.method === "cpu-model"),
  );
  const warnings = [
    ...machine.warnings,
    ...(cpuModelUsed ? (machine.cpuModelWarnings ?? []) : []),
    ...parts.warnings,
    ...carbonWarnings,
    ...work.warnings,
  ];
  const sampled = integration.samplerCpu;
  // (In host scope the sampler's vCPU count is not used: /proc/stat utilisation is a fraction of all CPUs.)
  const cgroupShareChanged = sampled?.scope === "cgroup" && sampled.vcpus !== machine.cpu.threads;
  if (sampled && (sampled.scope !== machine.attribution.scope || cgroupShareChanged)) {
    // The sampler decided at its start, the models now: a limit changed in between (or another cgroup reports).
    warnings.push(
      `the sampler measured utilisation of the ${sampled.scope === "cgroup" ? "job's cgroup" : "host"} over ${sampled.vcpus} vCPUs, but the power model now sees the ${machine.attribution.scope === "cgroup" ? "job's cgroup" : "host"} with ${machine.cpu.threads} vCPUs; the CPU figure mixes the two`,
    );
  }
  return buildReport({
    toolVersion: TOOL_VERSION,
    createdAt: parts.createdAt,
    identity: parts.identity,
    runner: runnerFromEnv(parts.env, process.platform, process.arch),
    cpu: machine.cpu,
    memoryGB: machine.memoryGB,
    attribution: machine.attribution,
    integration,
    command: parts.command,
    exitCode: parts.exitCode,
    signal: parts.signal,
    carbon,
    work: work.input,
    warnings,
  });
}
