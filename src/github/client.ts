/**
 * The one GitHub REST client of the action and the CLI: Octokit with the retry and throttling plugins,
 * a bounded per-request timeout and an injectable base URL (GITHUB_API_URL, GitHub Enterprise Server).
 * The token goes into the auth header only; it is never logged.
 */
import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { RequestCapError } from "./errors.js";

export type GitHubClient = InstanceType<typeof RetryingOctokit>;

export interface ClientLog {
  warn(msg: string): void;
  debug?(msg: string): void;
}

export interface GitHubClientOptions {
  token: string;
  /** caller passes GITHUB_API_URL; default https://api.github.com */
  baseUrl?: string;
  userAgent?: string;
  /** per request, including reading the body; default 30 s */
  requestTimeoutMs?: number;
  /** retries for 5xx/network errors and for rate limits; default 3 */
  retries?: number;
  /** base of the backoff: retry n waits n² × this; default 1000 ms (plugin-retry's own default) */
  retryBaseMs?: number;
  /** longest retry-after we are willing to wait on a rate limit; default 60 s */
  maxRetryAfterS?: number;
  log?: ClientLog;
  /** aborts every request of this client (a step's overall network deadline); default none */
  signal?: AbortSignal;
  /**
   * Most API requests this client makes, retries included; past it every request fails at once with a
   * RequestCapError (the caller warns). A hard ceiling on what one run can spend; default none.
   */
  maxRequests?: number;
}

const RetryingOctokit = Octokit.plugin(retry, throttling);

let clientCount = 0;

export function createGitHubClient(opts: GitHubClientOptions): GitHubClient {
  const timeoutMs = opts.requestTimeoutMs ?? 30_000;
  const retries = opts.retries ?? 3;
  const baseMs = opts.retryBaseMs ?? 1_000;
  const maxRetryAfterS = opts.maxRetryAfterS ?? 60;
  const warn = (msg: string): void => opts.log?.warn(msg);
  const debug = (msg: string): void => opts.log?.debug?.(msg);

  // One timeout per request (a shared AbortSignal would expire for every later request), plus the
  // caller's overall signal (request: { signal } below reaches here as init.signal).
  // The request cap counts what goes on the wire (every retry too). Past it, an answer that never left this
  // process: 400 (which nothing retries) marked with CAP_HEADER, turned into a RequestCapError below.
  let sent = 0;
  const timedFetch: typeof fetch = (input, init) => {
    if (opts.maxRequests !== undefined && sent >= opts.maxRequests) {
      const body = JSON.stringify({ message: new RequestCapError(opts.maxRequests).message });
      return Promise.resolve(
        new Response(body, {
          status: 400,
          headers: { "content-type": "application/json", [CAP_HEADER]: "1" },
        }),
      );
    }
    sent++;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetch(input, { ...init, signal }).then(keepAliveWithBody);
  };

  const onLimit =
    (kind: string) =>
    (
      retryAfterS: number,
      options: { method?: string; url?: string },
      _o: unknown,
      retryCount: number,
    ): boolean => {
      const what = `${options.method ?? "?"} ${options.url ?? "?"}`;
      if (retryCount < retries && retryAfterS <= maxRetryAfterS) {
        warn(
          `GitHub ${kind} rate limit on ${what}; retrying after ${retryAfterS} s (retry ${retryCount + 1} of ${retries})`,
        );
        return true;
      }
      warn(
        `GitHub ${kind} rate limit on ${what}; giving up (retry-after ${retryAfterS} s, ${retryCount} retries done)`,
      );
      return false;
    };

  const octokit = new RetryingOctokit({
    auth: opts.token,
    baseUrl: (opts.baseUrl ?? "https://api.github.com").replace(/\/+$/, ""),
    userAgent: opts.userAgent ?? "ml-footprint",
    // Not `request.retries`: plugin-retry would then retry every error, 4xx included.
    request: { fetch: timedFetch, ...(opts.signal ? { signal: opts.signal } : {}) },
    // Octokit's default logger prints to the console; route it to ours (messages carry no token).
    log: { debug, info: debug, warn, error: warn },
    retry: {
      retries,
      retryAfterBaseValue: baseMs,
      // 4xx are answers, not glitches; rate limits (403/429) are the throttling plugin's job.
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
    },
    throttle: {
      // Separate limiter per client: the plugin's Bottleneck groups are process-global otherwise.
      id: `ml-footprint-${process.pid}-${++clientCount}`,
      retryAfterBaseValue: baseMs,
      // A 0 / missing retry-after makes the plugin fall back to this many seconds.
      fallbackSecondaryRateRetryAfter: Math.min(60, maxRetryAfterS),
      onRateLimit: onLimit("primary"),
      onSecondaryRateLimit: onLimit("secondary"),
    },
  });
  // A server (a proxy, a misconfigured GitHub Enterprise) may echo the credentials in an error body,
  // and Octokit copies that body into error.message: take the token out before anyone logs it.
  octokit.hook.error("request", (error) => {
    const headers = (error as { response?: { headers?: Record<string, unknown> } }).response?.headers;
    if (opts.maxRequests !== undefined && headers?.[CAP_HEADER] === "1")
      throw new RequestCapError(opts.maxRequests);
    throw withoutToken(error, opts.token);
  });
  return octokit;
}

const CAP_HEADER = "x-ml-footprint-request-cap";

const HELD_RESPONSE = Symbol("ml-footprint.response");
/**
 * Octokit keeps only `response.body` of a request made with `parseSuccessResponseBody: false` (artifact
 * downloads). Node's fetch (undici) cancels the body of a Response that is garbage-collected while its
 * body is neither locked nor read, and the reader then sees an empty, successful stream: 0 bytes, no error
 * (a report artifact silently dropped). The body holds its Response, so the Response lives as long as
 * anyone holds the body.
 */
function keepAliveWithBody(response: Response): Response {
  if (response.body)
    Object.defineProperty(response.body, HELD_RESPONSE, { value: response, enumerable: false });
  return response;
}

/**
 * Read at most `maxPages` pages of an `octokit.paginate.iterator`; `truncated` when GitHub had more
 * (the last page read links a next one). `beforePage` runs before each page's request (a call budget).
 */
export async function collectPages<T>(
  pages: AsyncIterable<{ data: T[]; headers: { link?: string } }>,
  maxPages: number,
  beforePage?: () => void,
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  const it = pages[Symbol.asyncIterator]();
  let hasNext = true;
  for (let read = 0; read < maxPages && hasNext; read++) {
    beforePage?.();
    const page = await it.next();
    if (page.done) return { items, truncated: false };
    items.push(...page.value.data);
    hasNext = /rel="next"/.test(page.value.headers.link ?? "");
  }
  return { items, truncated: hasNext };
}

/**
 * A GraphQL read that skips the throttling plugin (and retries): the plugin puts every `/graphql` request in
 * its write queue, 1 s apart from the next POST, which made a one-query identity lookup add ~0.95 s to every
 * comment (measured with `npm run bench -- --only 2`). GitHub's 1 s spacing is for mutative requests; this
 * is one query per run. Authentication, the per-request timeout and the caller's signal still apply (the
 * client's `request.fetch`); a failure is the caller's to fall back from.
 */
export async function unthrottledGraphqlQuery<T>(octokit: GitHubClient, query: string): Promise<T> {
  const { token } = (await octokit.auth()) as { token?: string };
  // @octokit/auth-token's rule: a JWT (an App's own token) is a bearer token, anything else `token`.
  const headers = token
    ? { authorization: `${token.split(".").length === 3 ? "bearer" : "token"} ${token}` }
    : {};
  let body: { data?: T; errors?: { message?: string }[] };
  try {
    const response = await octokit.request("POST /graphql", {
      query,
      headers,
      // The hook chain is where auth, retry, throttling and the token redaction live; a plain pass-through
      // replaces it, so the redaction is done here.
      request: { hook: (request: (o: unknown) => Promise<unknown>, options: unknown) => request(options) },
    });
    body = response.data as typeof body;
  } catch (error) {
    throw withoutToken(error, token);
  }
  if (body.errors?.length || body.data === undefined)
    throw withoutToken(new Error(`GraphQL: ${body.errors?.[0]?.message ?? "no data"}`), token);
  return body.data;
}

/** The error with the token taken out of its message: a server may echo credentials in an error body. */
function withoutToken(error: unknown, token: string | undefined): unknown {
  if (token && error instanceof Error && error.message.includes(token))
    error.message = error.message.split(token).join("***");
  return error;
}
