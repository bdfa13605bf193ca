/**
 * `ml-footprint run -- cmd`: measure one command from start to end and build its report.
 * Everything environment-specific (roots, nvidia-smi path, clock, env, stderr) is injected.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { anchoredClock } from "../measure/clock.js";
import { Sampler } from "../measure/sampler.js";
import type { GpuSelection } from "../measure/gpu-select.js";
import { runCommand, type CommandResult } from "../measure/run-command.js";
import { localIdentity } from "../report/build.js";
import type { Forecast, Identity, Report } from "../model/report.js";
import { integrateSamplesFile } from "../measure/read-samples.js";
import { epochProgress, projectFullTraining } from "../report/forecast.js";
import { readWorkMetrics } from "../report/work.js";
import type { Machine } from "./machine.js";
import { loadMachine, type MachineOptions } from "./machine.js";
import type { SampleLine } from "../measure/samples.js";
import { reportFromSamples, type CarbonStep } from "./report-from-samples.js";

/** Progress callbacks for long jobs: the caller decides how (and how often) to show them. */
export interface ProgressSink {
  everyMs: number;
  /** `forecast`: the full training projected from the epochs done so far, when the job reports epoch progress */
  update(elapsedS: number, latest: SampleLine | null, forecast?: Forecast | null): void;
  done(): void;
}

/** The projection is refreshed (samples file integrated again) at most this often. */
const FORECAST_REFRESH_MS = 10_000;

export interface RunFlowOptions extends MachineOptions {
  command: string[];
  label: string;
  intervalMs: number;
  env: Record<string, string | undefined>;
  cwd?: string;
  /** bound on the wait for the first GPU reading before the command starts (Sampler default when unset) */
  gpuStartWaitMs?: number;
  /** python interpreter for the NVML reader (default python3 on PATH) */
  python?: string;
  /** amd-smi for AMD GPUs where there is no nvidia-smi (default amd-smi on PATH); null: not read */
  amdSmi?: string | null;
  /** one-line notes that are not warnings (e.g. why the NVML counter is not used) */
  onInfo?: (message: string) => void;
  /** the job's GPUs; default all */
  gpuSelection?: GpuSelection;
  /** run the command through a shell (the action's `run:` input); false for argv from the CLI */
  shell?: boolean;
  identity?: Identity;
  progress?: ProgressSink | null;
  /** computes carbon for the finished measurement; null → energy only */
  carbon?: CarbonStep | null;
  now?: () => number;
}

export interface RunFlowResult {
  report: Report;
  command: CommandResult;
}

/**
 * Our own secrets, read from the environment by the CLI: the measured command never sees them (the action
 * takes its tokens from inputs, which src/action/child-env.ts keeps from the command the same way).
 */
export const OWN_SECRET_ENV = ["ML_FOOTPRINT_ELECTRICITY_MAPS_TOKEN"] as const;

/** The environment of the measured command: the caller's, without OWN_SECRET_ENV (any case). */
export function measuredCommandEnv(
  env: Record<string, string | undefined>,
): Record<string, string | undefined> {
  const secret = new Set<string>(OWN_SECRET_ENV);
  return Object.fromEntries(Object.entries(env).filter(([k]) => !secret.has(k.toUpperCase())));
}

export async function measureCommand(options: RunFlowOptions): Promise<RunFlowResult> {
  const workDir = await mkdtemp(join(tmpdir(), "ml-footprint-"));
  try {
    const machine = await loadMachine(options);
    const samplesPath = join(workDir, "samples.ndjson");
    const metricsPath = options.env.ML_FOOTPRINT_METRICS || join(workDir, "metrics.json");
    const sampler = new Sampler({
      samplesPath,
      intervalMs: options.intervalMs,
      phase: options.label,
      procRoot: options.procRoot,
      sysRoot: options.sysRoot,
      nvidiaSmi: options.nvidiaSmi,
      ...(options.amdSmi === undefined ? {} : { amdSmi: options.amdSmi }),
      gpuSelection: options.gpuSelection,
      gpuStartWaitMs: options.gpuStartWaitMs,
      nvml: options.python ? { python: options.python } : {},
      onInfo: options.onInfo,
      now: options.now,
    });
    await sampler.start();
    const progressTimer = options.progress
      ? startProgress(
          options.progress,
          sampler,
          anchoredClock({ wallNow: options.now }),
          liveForecaster({
            samplesPath,
            metricsPath,
            machine,
            label: options.label,
            carbon: options.carbon ?? null,
          }),
        )
      : null;
    let command: CommandResult;
    let lostLines = { writeFailures: 0, writeError: null as string | null };
    try {
      command = await runCommand(options.command, {
        cwd: options.cwd,
        shell: options.shell,
        env: { ...measuredCommandEnv({ ...process.env, ...options.env }), ML_FOOTPRINT_METRICS: metricsPath },
        now: options.now,
      });
    } finally {
      progressTimer?.();
      options.progress?.done();
      lostLines = await sampler.stop();
    }
    const warnings: string[] = [];
    if (lostLines.writeFailures > 0)
      warnings.push(
        `${lostLines.writeFailures} sample line(s) could not be written (${lostLines.writeError ?? "error"}); energy covers what was recorded`,
      );
    if (command.startError) warnings.push(`the command could not be started (${command.startError})`);
    // A cgroup without a memory limit is charged what the job used: its peak is known only now.
    const usedMemory = ["memory.peak", "memory.current"].includes(machine.attribution.memorySource);
    const report = await reportFromSamples({
      samplesPath,
      defaultPhase: options.label,
      machine: usedMemory ? await loadMachine(options) : machine,
      metrics: { jobPath: metricsPath, phaseFiles: [] },
      carbon: options.carbon ?? null,
      identity: options.identity ?? localIdentity(options.label),
      env: options.env,
      command: options.command.join(" "),
      exitCode: command.exitCode,
      signal: command.signal,
      warnings,
      createdAt: new Date((options.now ?? Date.now)()),
    });
    return { report, command };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function startProgress(
  printer: ProgressSink,
  sampler: Sampler,
  now: () => number,
  forecaster: () => Promise<Forecast | null>,
): () => void {
  const started = now();
  let forecast: Forecast | null = null;
  let busy = false;
  let stopped = false;
  let refreshedAt = -Infinity;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    const due = now() - refreshedAt >= Math.max(FORECAST_REFRESH_MS, printer.everyMs) - 1;
    const refresh = due
      ? forecaster()
          .then((f) => {
            forecast = f;
            // Until there is a first projection (no epoch count yet, no energy yet), ask again at the next
            // tick: the forecast shows as soon as it can, not a refresh period later.
            if (f) refreshedAt = now();
          })
          .catch(() => undefined) // a progress line never fails the run
      : Promise.resolve();
    void refresh.finally(() => {
      busy = false;
      if (!stopped) printer.update((now() - started) / 1_000, sampler.latest(), forecast);
    });
  }, printer.everyMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/**
 * The live forecast: when the metrics file reports epoch progress, integrate the samples so far and project
 * them to the full training. Emissions use the carbon of the first projection, scaled by energy (the region and
 * intensity do not change during a run), so the carbon step (which may ask cloud metadata) runs once.
 */
function liveForecaster(parts: {
  samplesPath: string;
  metricsPath: string;
  machine: Machine;
  label: string;
  carbon: CarbonStep | null;
}): () => Promise<Forecast | null> {
  let gPerWh: { value: number; low: number; high: number } | null = null;
  let carbonTried = false;
  return async () => {
    const progress = epochProgress((await readWorkMetrics(parts.metricsPath)).units);
    if (!progress) return null;
    const integration = await integrateSamplesFile(parts.samplesPath, {
      models: parts.machine.models,
      defaultPhase: parts.label,
    });
    if (!(integration.energyWh > 0)) return null;
    if (!carbonTried && parts.carbon) {
      carbonTried = true;
      const carbon = await parts
        .carbon(integration, {
          cpu: parts.machine.cpu,
          memoryGB: parts.machine.memoryGB,
          gpus: integration.gpus,
        })
        .catch(() => null);
      const e = carbon?.emissions;
      if (e && integration.lowWh > 0)
        gPerWh = {
          value: e.totalG / integration.energyWh,
          low: e.lowG / integration.lowWh,
          high: e.highG / integration.highWh,
        };
    }
    return projectFullTraining(
      {
        energyWh: integration.energyWh,
        lowWh: integration.lowWh,
        highWh: integration.highWh,
        emissions: gPerWh
          ? {
              totalG: integration.energyWh * gPerWh.value,
              lowG: integration.lowWh * gPerWh.low,
              highG: integration.highWh * gPerWh.high,
            }
          : null,
      },
      progress,
    );
  };
}
