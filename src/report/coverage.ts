/**
 * Whether the samples cover the job: a background sampler that crashed, was killed (an OOM kill) or hung (an
 * NVML call that never returns stops the in-process reader's ticks) leaves samples that end before the job did.
 * Figures integrated from them are too small, and a budget judged on them would pass when the job's would not:
 * such a report carries `coverage`, its budgets fail closed and no verdict is drawn on it (budgets.ts,
 * compare.ts).
 */
import type { Report, SamplesCoverage } from "../model/report.js";

/** A last sample this much older than the job's end is not a late tick: max(5 s, 3 intervals). */
export const COVERAGE_SLACK_MS = 5_000;
const COVERAGE_SLACK_INTERVALS = 3;

export type SamplerStop = "stopped" | "killed" | "not-running";

/**
 * The report's coverage of a job that ended at `jobEndMs` (wall clock, when the measurement was asked to stop);
 * null when the sampler stopped when asked, or its samples reach the end (within max(5 s, 3 intervals)).
 */
export function samplesCoverage(
  report: Pick<Report, "startedAt" | "durationS" | "intervalMs">,
  jobEndMs: number,
  stop: SamplerStop,
): SamplesCoverage | null {
  // A sampler that stopped when asked took its last sample then: its samples reach the end. Only a sampler that
  // had to be killed or was gone is measured against the wall clock (which an NTP step may have moved).
  if (stop === "stopped") return null;
  const startMs = Date.parse(report.startedAt);
  const recordedEndMs = startMs + report.durationS * 1_000;
  const missingMs = jobEndMs - recordedEndMs;
  if (!Number.isFinite(missingMs)) return null;
  if (missingMs <= Math.max(COVERAGE_SLACK_MS, COVERAGE_SLACK_INTERVALS * report.intervalMs)) return null;
  const reason =
    stop === "killed"
      ? "the sampler stopped recording and did not answer the stop, a hung GPU driver call perhaps; it was killed"
      : "the sampler was no longer running: it crashed or was killed";
  return {
    recordedS: round3(report.durationS),
    jobS: round3((jobEndMs - startMs) / 1_000),
    reason,
  };
}

/** One line for warnings and budget messages. */
export function describeCoverage(c: SamplesCoverage): string {
  const missingS = Math.max(0, c.jobS - c.recordedS);
  return `the samples end ${formatS(missingS)} before the job did and cover ${formatS(c.recordedS)} of its ${formatS(c.jobS)} (${c.reason})`;
}

const round3 = (x: number) => Math.round(x * 1_000) / 1_000;
const formatS = (s: number) => `${s >= 100 ? s.toFixed(0) : s.toFixed(1)} s`;
