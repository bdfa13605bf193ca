/** The one GitHub client of the action's network steps, built from the step's token, API URL and logger. */
import { createGitHubClient, type GitHubClient } from "../github/client.js";
import type { ActionsContext } from "../github/context.js";
import { TOOL_VERSION } from "../version.js";
import type { CoreLike } from "./core.js";
import type { ActionConfig } from "./inputs.js";

/** Octokit's request log line for a failed request, e.g. "GET /user - 403 with id UNKNOWN in 2ms". */
const REQUEST_LOG_LINE = /^[A-Z]+ \S+ - \d{3} with id \S+ in \d+ms$/;

/**
 * Test-only: `ML_FOOTPRINT_RETRY_BASE_MS` shrinks Octokit's retry backoff (retry n waits n² × base) so
 * end-to-end tests of 5xx retries stay fast. Users never need it; unset → the client's default (1 s).
 */
function retryBaseMs(env: Record<string, string | undefined>): number | undefined {
  const v = Number(env.ML_FOOTPRINT_RETRY_BASE_MS);
  return env.ML_FOOTPRINT_RETRY_BASE_MS && Number.isInteger(v) && v >= 0 && v <= 60_000 ? v : undefined;
}

/**
 * Requests one `mode: publish` run may make: the bound of BENCHMARKS.md §8 (≤ 426 + 2 per page of PR
 * comments, ≤ 476 at GitHub's 2,500-comment maximum) plus room for a few retries; half of a GITHUB_TOKEN's
 * 1,000 requests per hour per repository (GitHub docs, "Rate limits for the REST API").
 */
export const PUBLISH_MAX_REQUESTS = 500;

export function clientFor(input: {
  core: CoreLike;
  config: ActionConfig;
  ctx: ActionsContext;
  env: Record<string, string | undefined>;
  /** the step's network deadline: aborts every request */
  signal?: AbortSignal;
}): GitHubClient | null {
  if (!input.config.githubToken) {
    input.core.warning(
      "ml-footprint: no github-token; the report was not uploaded or compared (set `github-token` or keep its default)",
    );
    return null;
  }
  return createGitHubClient({
    token: input.config.githubToken,
    baseUrl: input.ctx.apiUrl,
    userAgent: `ml-footprint/${TOOL_VERSION}`,
    retryBaseMs: retryBaseMs(input.env),
    ...(input.signal ? { signal: input.signal } : {}),
    // mode: publish reads a fork's run: a hard ceiling on its requests (the bound in BENCHMARKS.md, §8)
    ...(input.config.mode === "publish" ? { maxRequests: PUBLISH_MAX_REQUESTS } : {}),
    log: {
      // Failed requests are thrown to the caller, which warns with a fix (or expects them: GET /user is
      // 403 for every GITHUB_TOKEN); Octokit's own log line for them would be a second, useless warning.
      warn: (message) =>
        REQUEST_LOG_LINE.test(message)
          ? input.core.debug?.(`ml-footprint: ${message}`)
          : input.core.warning(`ml-footprint: ${message}`),
    },
  });
}
