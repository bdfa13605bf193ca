/**
 * One sentence for a failed GitHub API call that says what to do: a rate limit (when to retry) is told
 * apart from a missing permission (which `permissions:` line to add), a bad token, a server error and a
 * network failure. Rules from GitHub's REST docs ("Rate limits for the REST API", "Troubleshooting the
 * REST API", 2024): a primary limit is 403/429 with `x-ratelimit-remaining: 0` (reset at
 * `x-ratelimit-reset`, epoch seconds); a secondary limit is 403/429 with `retry-after` or a message
 * naming a secondary rate limit; a token without the permission gets 403 "Resource not accessible by
 * integration".
 */

/** The client's `maxRequests` is spent: no request was sent. */
export class RequestCapError extends Error {
  override name = "RequestCapError";
  constructor(readonly maxRequests: number) {
    super(`the cap of ${maxRequests} GitHub API requests for this run is spent; the request was not sent`);
  }
}

/** HTTP status of an Octokit error, or null (network failure, timeout, non-Octokit error). */
export function errorStatus(error: unknown): number | null {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : null;
}

/** The `permissions:` lines the action's calls need (GitHub docs, "Permissions required for GitHub Apps"). */
export const Permission = {
  PullRequestsWrite: "pull-requests: write",
  ActionsRead: "actions: read",
  ContentsRead: "contents: read",
} as const;
export type Permission = (typeof Permission)[keyof typeof Permission];

export type ApiErrorKind =
  | "rate-limit-primary"
  | "rate-limit-secondary"
  | "permission"
  | "auth"
  | "not-found"
  | "server"
  | "network"
  | "cap"
  | "other";

export interface ApiErrorInfo {
  kind: ApiErrorKind;
  status: number | null;
  /** seconds to wait before retrying, when GitHub said (retry-after, or until x-ratelimit-reset) */
  retryAfterS: number | null;
  message: string;
}

function header(error: unknown, name: string): string | undefined {
  const headers = (error as { response?: { headers?: Record<string, unknown> } } | null)?.response?.headers;
  const v = headers?.[name];
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
}

export function classifyApiError(error: unknown, nowMs: number = Date.now()): ApiErrorInfo {
  const status = errorStatus(error);
  const message = ((error as Error | null)?.message ?? String(error)).split("\n")[0]!.slice(0, 300);
  const base = { status, message, retryAfterS: null };
  if (error instanceof RequestCapError) return { ...base, kind: "cap" };
  if (status === null) return { ...base, kind: "network" };
  if (status === 403 || status === 429) {
    const remaining = header(error, "x-ratelimit-remaining");
    const reset = Number(header(error, "x-ratelimit-reset"));
    const retryAfter = Number(header(error, "retry-after"));
    if (remaining === "0") {
      const retryAfterS =
        Number.isFinite(reset) && reset > 0 ? Math.max(0, Math.ceil(reset - nowMs / 1000)) : null;
      return { ...base, kind: "rate-limit-primary", retryAfterS };
    }
    if (
      header(error, "retry-after") !== undefined ||
      /secondary rate limit|abuse/i.test(message) ||
      status === 429
    )
      return {
        ...base,
        kind: "rate-limit-secondary",
        retryAfterS: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : null,
      };
    // "API rate limit exceeded" without the headers (a proxy may drop them) is still the primary limit
    if (/rate limit/i.test(message)) return { ...base, kind: "rate-limit-primary" };
    return { ...base, kind: "permission" };
  }
  if (status === 401) return { ...base, kind: "auth" };
  if (status === 404) return { ...base, kind: "not-found" };
  if (status >= 500) return { ...base, kind: "server" };
  return { ...base, kind: "other" };
}

function waitText(s: number | null): string {
  if (s === null) return "retry in a few minutes";
  if (s < 120) return `retry after ${s} s`;
  return `retry after ${Math.ceil(s / 60)} min`;
}

/**
 * "<what happened> (<status>: <message>); <what to do>". `permission` is the line the call needs;
 * `notFoundMeansPermission` for calls where GitHub answers 404 instead of 403 to a token that may not see
 * the resource.
 */
export function explainApiError(
  error: unknown,
  permission: Permission,
  opts: { nowMs?: number; notFoundMeansPermission?: boolean } = {},
): string {
  const info = classifyApiError(error, opts.nowMs);
  const what = `${info.status ?? "network error"}: ${info.message}`;
  switch (info.kind) {
    case "rate-limit-primary":
      return `GitHub rate limit (${what}); the token's API budget is used up (x-ratelimit-remaining: 0), not a permission problem: ${waitText(info.retryAfterS)} (when the limit resets)`;
    case "rate-limit-secondary":
      return `GitHub secondary rate limit (${what}); too many requests at once, not a permission problem: ${waitText(info.retryAfterS)}`;
    case "permission":
      return `missing permission (${what}); give the workflow \`permissions: ${permission}\`${permission === Permission.PullRequestsWrite ? " (pull requests from forks get a read-only token: use `comment: never` there and a `mode: publish` workflow_run workflow, see the README)" : ""}`;
    case "auth":
      return `bad credentials (${what}); the github-token is invalid or expired`;
    case "not-found":
      return opts.notFoundMeansPermission
        ? `not found or not visible to this token (${what}); check \`permissions: ${permission}\``
        : `not found (${what})`;
    case "server":
      return `GitHub API error (${what}) after retries; a GitHub outage: the next run will report`;
    case "cap":
      return `${info.message} (a bound on what one untrusted run can spend; see BENCHMARKS.md)`;
    case "network":
      return `${what}; GitHub could not be reached`;
    default:
      return `GitHub API error (${what})`;
  }
}
