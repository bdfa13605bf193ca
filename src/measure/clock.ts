/**
 * Time for measurements: wall-clock timestamps that never go backwards or jump. The wall clock is read
 * once, at the start, and every later reading is that anchor plus the monotonic clock's elapsed time, so
 * an NTP step or a manual `date -s` during the job can neither freeze the sampler (its next tick an hour
 * away) nor shorten or stretch the reported duration. Timestamps are whole milliseconds, as before.
 */
import { performance } from "node:perf_hooks";

export interface ClockSources {
  /** wall clock in ms since the epoch, read once (default Date.now) */
  wallNow?: () => number;
  /** monotonic clock in ms (default performance.now) */
  monotonicNow?: () => number;
}

/** A clock anchored on the wall clock now, advancing with the monotonic clock. */
export function anchoredClock(sources: ClockSources = {}): () => number {
  const mono = sources.monotonicNow ?? (() => performance.now());
  const wall0 = (sources.wallNow ?? Date.now)();
  const mono0 = mono();
  return () => wall0 + Math.round(mono() - mono0);
}
