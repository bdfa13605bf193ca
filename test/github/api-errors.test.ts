/**
 * Issue 13: a rate limit is not a missing permission. Each failure, answered by the loopback fake the way
 * GitHub answers it, gets a message that says which: the `permissions:` line to add, or when to retry.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient, type GitHubClient } from "../../src/github/client.js";
import { upsertStickyComment } from "../../src/github/comment.js";
import { findBaseReports } from "../../src/github/baseline.js";
import { classifyApiError, explainApiError, Permission } from "../../src/github/errors.js";
import { FakeGitHub, secondaryRateLimit } from "../support/fake-github.js";

const CREATE = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
const LIST_ARTIFACTS = "GET /repos/{owner}/{repo}/actions/artifacts";
const target = { owner: "octo-org", repo: "octo-repo", issueNumber: 7, key: "train" };

let fake: FakeGitHub;
let gh: GitHubClient;
beforeEach(async () => {
  fake = await new FakeGitHub().start();
  // retry-after over 5 s is not waited for: the error reaches the caller at once
  gh = createGitHubClient({ token: "ghs_token", baseUrl: fake.url, retryBaseMs: 1, maxRetryAfterS: 5 });
});
afterEach(() => fake.stop());

const failure = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e,
  );

describe("a failed call's message says rate limit or permission, and what to do", () => {
  it("403 Resource not accessible by integration → the permission to add", async () => {
    fake.fault(CREATE, { status: 403, message: "Resource not accessible by integration" });
    const err = await failure(upsertStickyComment(gh, { ...target, body: "x" }));
    expect(classifyApiError(err).kind).toBe("permission");
    const text = explainApiError(err, Permission.PullRequestsWrite);
    expect(text).toContain("`permissions: pull-requests: write`");
    expect(text).not.toMatch(/rate limit/i);
  });

  it("primary rate limit (403, x-ratelimit-remaining: 0) → when it resets, no permission advice", async () => {
    const resetS = Math.floor(Date.now() / 1000) + 3600;
    const nowMs = (resetS - 25 * 60) * 1000; // the message is read 25 min before the reset
    const limited = {
      status: 403,
      message: "API rate limit exceeded for installation ID 1.",
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(resetS) },
    };
    // the throttling plugin sees a reset far away (> 5 s) and gives up at once
    fake.fault(CREATE, limited);
    const err = await failure(upsertStickyComment(gh, { ...target, body: "x" }));
    expect(classifyApiError(err, nowMs)).toMatchObject({ kind: "rate-limit-primary", retryAfterS: 1500 });
    const text = explainApiError(err, Permission.PullRequestsWrite, { nowMs });
    expect(text).toMatch(/rate limit.*not a permission problem: retry after 25 min/);
    expect(text).not.toContain("permissions:");
  });

  it("secondary rate limit (403 + retry-after) and 429 → retry after, no permission advice", async () => {
    fake.fault(CREATE, secondaryRateLimit(600));
    const err = await failure(upsertStickyComment(gh, { ...target, body: "x" }));
    expect(classifyApiError(err)).toMatchObject({ kind: "rate-limit-secondary", retryAfterS: 600 });
    expect(explainApiError(err, Permission.PullRequestsWrite)).toMatch(
      /secondary rate limit.*retry after 10 min/,
    );
    fake.fault(CREATE, { status: 429, message: "Too many requests", headers: { "retry-after": "90" } });
    const err429 = await failure(upsertStickyComment(gh, { ...target, body: "y" }));
    expect(explainApiError(err429, Permission.PullRequestsWrite)).toMatch(/rate limit.*retry after 90 s/);
  });

  it("base-branch lookups: a rate limit on the artifact list is not reported as missing actions: read", async () => {
    const resetS = Math.floor(Date.now() / 1000) + 3600;
    const limited = {
      status: 403,
      message: "API rate limit exceeded",
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(resetS) },
    };
    fake.fault(LIST_ARTIFACTS, limited);
    fake.mergeBases.set(`main...${"e".repeat(40)}`, "c".repeat(40));
    const r = await findBaseReports(gh, {
      owner: fake.owner,
      repo: fake.repo,
      baseRef: "main",
      headSha: "e".repeat(40),
      artifactName: "ml-footprint-train",
      history: 3,
      log: { warn: () => {} },
    });
    const text = r.warnings.join("\n");
    expect(text).toMatch(/rate limit/);
    expect(text).toMatch(/retry after (59|60) min/);
    expect(text).not.toContain("actions: read");
  });

  it("401 → the token is invalid; 502 → GitHub's side; no response → network", () => {
    const e = (status: number, message: string) => Object.assign(new Error(message), { status });
    expect(explainApiError(e(401, "Bad credentials"), Permission.ActionsRead)).toMatch(/invalid or expired/);
    expect(explainApiError(e(502, "Bad Gateway"), Permission.ActionsRead)).toMatch(
      /GitHub API error \(502.*outage/,
    );
    expect(explainApiError(new Error("fetch failed"), Permission.ActionsRead)).toMatch(
      /could not be reached/,
    );
  });
});

describe("a hard ceiling on the requests of one run (mode: publish)", () => {
  it("past maxRequests nothing is sent, retries included, and the message says it is our cap", async () => {
    const capped = createGitHubClient({
      token: "ghs_token",
      baseUrl: fake.url,
      retryBaseMs: 1,
      maxRequests: 3,
    });
    fake.fault("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", 500); // one retry: 2 requests
    const result = await upsertStickyComment(capped, { ...target, body: "x" });
    // list (500, then retried), create: 3 requests; the duplicate check after the create is not sent
    expect(fake.apiCalls()).toHaveLength(3);
    expect(result).toMatchObject({ action: "created" });
    expect(result.warning).toMatch(/cap of 3 GitHub API requests/);
    const err = await failure(capped.rest.users.getAuthenticated());
    expect(fake.apiCalls()).toHaveLength(3);
    expect(explainApiError(err, Permission.ActionsRead)).toMatch(/cap of 3 .*untrusted run/);
    expect(classifyApiError(err).kind).toBe("cap");
  });
});
