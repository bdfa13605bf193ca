/**
 * The Actions edge every step shares: the slice of @actions/core the steps use (injected, so tests drive a
 * step without a runner) and what an entry point hands to a step.
 */
import type { SummaryWriter } from "./summary.js";

export interface CoreLike {
  getInput(name: string): string;
  setOutput(name: string, value: string): void;
  saveState(name: string, value: string): void;
  getState(name: string): string;
  setSecret(secret: string): void;
  info(message: string): void;
  /** shown only with step debug logging; optional so small test doubles need not provide it */
  debug?(message: string): void;
  /** a notice annotation; optional (falls back to info) */
  notice?(message: string): void;
  warning(message: string, properties?: { title?: string }): void;
  error(message: string, properties?: { title?: string }): void;
  setFailed(message: string): void;
  /** set an environment variable for this and the job's later steps (GITHUB_ENV); optional in test doubles */
  exportVariable?(name: string, value: string): void;
}

/** What the entry point gives every step. */
export interface StepEnv {
  core: CoreLike;
  env: Record<string, string | undefined>;
  /** the step's working directory (the runner's GITHUB_WORKSPACE); `working-directory:` is relative to it */
  cwd?: string;
  /** path of dist/cli.js, which runs the detached sampler */
  cliPath: string;
  summary: SummaryWriter;
}

export function notice(core: CoreLike, message: string): void {
  if (core.notice) core.notice(message);
  else core.info(message);
}
