/**
 * `ml-footprint run -- cmd`: measure one command from start to end and build its report.
 * Everything environment-specific (roots, nvidia-smi path, clock, env, stderr) is injected.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { anchoredClock } from "../measure/clock.js";
import { Sampler } from "../measure/sampler.js";
import { runCommand, type CommandResult } from "../measure/run-command.js";
import { localIdentity } from "../report/build.js";
import type { Identity, Report } from "../model/report.js";
import { loadMachine, type MachineOptions } from "./machine.js";
import type { SampleLine } from "../measure/samples.js";
import { reportFromSamples, type CarbonStep } from "./report-from-samples.js";

/** Progress callbacks for long jobs: the caller decides how (and how often) to show them. */
export interface ProgressSink {
  everyMs: number;
  update(elapsedS: number, latest: SampleLine | null): void;
  done(): void;
}

export interface RunFlowOptions extends MachineOptions {
  command: string[];
  label: string;
  intervalMs: number;
  env: Record<string, string | undefined>;
  cwd?: string;
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
      now: options.now,
    });
    await sampler.start();
    const progressTimer = options.progress
      ? startProgress(options.progress, sampler, anchoredClock({ wallNow: options.now }))
      : null;
    let command: CommandResult;
    let lostLines = { writeFailures: 0, writeError: null as string | null };
    try {
      command = await runCommand(options.command, {
        cwd: options.cwd,
        shell: options.shell,
        env: { ...process.env, ...options.env, ML_FOOTPRINT_METRICS: metricsPath },
        now: options.now,
      });
    } finally {
      if (progressTimer) clearInterval(progressTimer);
      options.progress?.done();
      lostLines = await sampler.stop();
    }
    const warnings: string[] = [];
    if (lostLines.writeFailures > 0)
      warnings.push(
        `${lostLines.writeFailures} sample line(s) could not be written (${lostLines.writeError ?? "error"}); energy covers what was recorded`,
      );
    if (command.startError) warnings.push(`the command could not be started (${command.startError})`);
    const report = await reportFromSamples({
      samplesPath,
      defaultPhase: options.label,
      machine,
      metricsPath,
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

function startProgress(printer: ProgressSink, sampler: Sampler, now: () => number): NodeJS.Timeout {
  const started = now();
  const timer = setInterval(() => {
    printer.update((now() - started) / 1_000, sampler.latest());
  }, printer.everyMs);
  timer.unref();
  return timer;
}
