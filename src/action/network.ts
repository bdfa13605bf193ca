/**
 * The bound on a reporting step's network part (`network-timeout`): one AbortSignal that every GitHub request
 * carries (client.ts adds it to each fetch), and an overall deadline that the step races its network work
 * against, because not everything can be aborted (the artifact client's own retries, a throttling wait).
 * When the deadline passes, the step warns with what was skipped and goes on: only budgets fail a job.
 * Work left running after the deadline is abandoned; the entry point then exits the process (run.ts), so a
 * retry timer cannot keep the step alive.
 */
import { explainApiError, type Permission } from "../github/errors.js";

/** Set once a deadline passed with work still running (read by run.ts to end the process). */
let abandoned = false;

export function networkWorkAbandoned(): boolean {
  return abandoned;
}

/** What a reporting step has done of its network work, so a timeout can say what was skipped. */
export class NetworkProgress {
  private readonly left: string[];
  constructor(stages: readonly string[]) {
    this.left = [...stages];
  }
  done(stage: string): void {
    const at = this.left.indexOf(stage);
    if (at >= 0) this.left.splice(at, 1);
  }
  skipped(): string[] {
    return [...this.left];
  }
}

export interface NetworkDeadline {
  readonly seconds: number;
  /** aborted when the deadline passes; give it to every request */
  readonly signal: AbortSignal;
  /**
   * Run `work` until it settles or the deadline passes, whichever is first: `{ done: true, value }`, or
   * `{ done: false }` on the deadline (the work is abandoned; a late rejection is swallowed). A rejection
   * before the deadline is thrown.
   */
  race<T>(work: () => Promise<T>): Promise<{ done: true; value: T } | { done: false }>;
}

export function startNetworkDeadline(seconds: number): NetworkDeadline {
  const controller = new AbortController();
  return {
    seconds,
    signal: controller.signal,
    async race<T>(work: () => Promise<T>) {
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<{ done: false }>((resolve) => {
        timer = setTimeout(() => {
          const reason = new Error(`network-timeout (${seconds} s) reached`);
          reason.name = "TimeoutError"; // what requests cut by it throw: not an error of ours
          controller.abort(reason);
          resolve({ done: false });
        }, seconds * 1_000);
      });
      const running = work().then((value) => ({ done: true as const, value }));
      try {
        const outcome = await Promise.race([running, expired]);
        if (!outcome.done) {
          abandoned = true;
          running.catch(() => undefined);
        }
        return outcome;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** The warning for a deadline that passed: the bound, what was skipped, where the numbers are. */
export function deadlineWarning(seconds: number, skipped: string[], where: string): string {
  const what = skipped.length > 0 ? skipped.join(", ") : "the rest of the network work";
  return `ml-footprint: the GitHub network part did not finish within network-timeout (${seconds} s); skipped: ${what}; ${where} (raise network-timeout if the API is slow)`;
}

/** One GitHub API failure in words, with what fixes it (the rules are in src/github/errors.ts). */
export function describeApiFailure(error: unknown, permission: Permission): string {
  // An error of ours (a report that does not validate, a bug) is not a "network error": say what it is.
  if (isOwnError(error))
    return `an internal error: ${(error as Error).message.split("\n")[0]!.slice(0, 300)}`;
  return explainApiError(error, permission, { notFoundMeansPermission: true });
}

/** Errors that came from no request: no HTTP status, and not what fetch or an abort throws. */
function isOwnError(error: unknown): boolean {
  if (!(error instanceof Error) || (error as { status?: unknown }).status !== undefined) return false;
  return !["TypeError", "AbortError", "TimeoutError", "RequestCapError", "HttpError"].includes(error.name);
}
