/** Assemble a report from the measurement, the machine and the run's identity; validated before it is returned. */
import type { IntegrationResult } from "../measure/integrate.js";
import {
  parseReport,
  REPORT_SCHEMA_ID,
  type Carbon,
  type Hardware,
  type Identity,
  type Report,
  type Runner,
} from "../model/report.js";
import { forecastForReport } from "./forecast.js";
import { workByPhase, type PhaseWorkInput } from "./work.js";

export interface ReportParts {
  toolVersion: string;
  createdAt: Date;
  identity: Identity;
  runner: Runner;
  cpu: Hardware["cpu"];
  memoryGB: number;
  /** whose share of the machine cpu and memoryGB are (absent: not known, e.g. an estimate) */
  attribution?: Hardware["attribution"];
  integration: IntegrationResult;
  command: string | null;
  exitCode: number | null;
  signal: string | null;
  carbon: Carbon | null;
  /** work counts per phase and for the whole job (see workByPhase) */
  work: PhaseWorkInput;
  warnings: string[];
}

const MAX_WARNINGS = 200;

export function buildReport(parts: ReportParts): Report {
  const { integration } = parts;
  const warnings = [...new Set([...integration.warnings, ...parts.warnings])].slice(0, MAX_WARNINGS);
  const work = workByPhase(integration.phases, parts.work, integration.energyWh);
  const report: Report = {
    schema: REPORT_SCHEMA_ID,
    tool: { name: "ml-footprint", version: parts.toolVersion },
    createdAt: parts.createdAt.toISOString(),
    identity: parts.identity,
    runner: parts.runner,
    hardware: {
      cpu: parts.cpu,
      memoryGB: parts.memoryGB,
      gpus: integration.gpus,
      ...(integration.gpuSelection ? { gpuSelection: integration.gpuSelection } : {}),
      ...(parts.attribution ? { attribution: parts.attribution } : {}),
    },
    command: parts.command === null ? null : parts.command.slice(0, 4_000),
    exitCode: parts.exitCode,
    signal: parts.signal,
    intervalMs: integration.intervalMs,
    startedAt: new Date(integration.startMs).toISOString(),
    durationS: integration.durationS,
    energyWh: integration.energyWh,
    lowWh: integration.lowWh,
    highWh: integration.highWh,
    samples: integration.samples,
    phases: integration.phases.map((p) => {
      const w = work.phases.get(p.name);
      return w ? { ...p, work: w } : p;
    }),
    carbon: parts.carbon,
    work: work.job,
    forecast: null,
    warnings: warnings.map((w) => w.slice(0, 2_000)),
  };
  report.forecast = forecastForReport(report, work.job?.units);
  return parseReport(report, "report built from the measurement");
}

/** Identity outside GitHub Actions: everything empty, key given by the caller. */
export function localIdentity(key: string): Identity {
  return {
    repository: "",
    sha: "",
    ref: "",
    baseRef: "",
    headRef: "",
    eventName: "",
    workflow: "",
    job: "",
    matrix: null,
    runId: "",
    runAttempt: "",
    prNumber: null,
    key,
  };
}

export function runnerFromEnv(
  env: Record<string, string | undefined>,
  platform: string,
  arch: string,
): Runner {
  const environment = env.RUNNER_ENVIRONMENT;
  return {
    os: env.RUNNER_OS ?? platform,
    arch: env.RUNNER_ARCH ?? arch,
    githubHosted: environment === "github-hosted" ? true : environment === "self-hosted" ? false : null,
    name: (env.RUNNER_NAME ?? "").slice(0, 200),
  };
}
