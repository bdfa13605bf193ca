import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GitHubClient } from "../../src/github/client.js";
import { readActionsContext } from "../../src/github/context.js";
import { findPullRequestForWorkflowRun } from "../../src/github/run-artifacts.js";
import { type FakeGitHub, startFakeGitHubWithClient } from "../support/fake-github.js";

const HEAD = "e".repeat(40);
const BASE = "c".repeat(40);
const env = {
  GITHUB_REPOSITORY: "octo-org/octo-repo",
  GITHUB_REPOSITORY_ID: "42",
  GITHUB_SHA: "f".repeat(40),
  GITHUB_REF: "refs/pull/7/merge",
  GITHUB_BASE_REF: "main",
  GITHUB_HEAD_REF: "feature",
  GITHUB_EVENT_NAME: "pull_request",
  GITHUB_EVENT_PATH: "/event.json",
  GITHUB_RUN_ID: "123",
  GITHUB_RUN_ATTEMPT: "2",
  GITHUB_JOB: "train",
  GITHUB_WORKFLOW: "footprint",
  RUNNER_ENVIRONMENT: "github-hosted",
  RUNNER_TEMP: "/tmp/runner",
};
const files = (content: Record<string, unknown>) => (path: string) => {
  if (!(path in content)) throw new Error(`ENOENT: ${path}`);
  return JSON.stringify(content[path]);
};

describe("readActionsContext", () => {
  it("reads env and the pull_request payload", () => {
    const event = {
      repository: { id: 42 },
      pull_request: { number: 7, head: { sha: HEAD, ref: "feature" }, base: { sha: BASE, ref: "main" } },
    };
    const ctx = readActionsContext(env, files({ "/event.json": event }));
    expect(ctx).toMatchObject({
      owner: "octo-org",
      repo: "octo-repo",
      repositoryId: 42,
      prNumber: 7,
      prHeadSha: HEAD,
      prBaseSha: BASE,
      baseRef: "main",
      headRef: "feature",
      runId: "123",
      runAttempt: "2",
      apiUrl: "https://api.github.com",
      warnings: [],
    });
  });

  it("tolerates a missing event file and defaults the API URL outside Actions", () => {
    const ctx = readActionsContext({ ...env, GITHUB_API_URL: "https://ghe.example/api/v3/" }, files({}));
    expect(ctx.prNumber).toBeNull();
    expect(ctx.apiUrl).toBe("https://ghe.example/api/v3");
    expect(ctx.warnings[0]).toMatch(/could not be read/);
    expect(readActionsContext({}).repository).toBe("");
  });

  it("rejects a payload with a malformed SHA instead of trusting it", () => {
    const event = {
      pull_request: { number: 7, head: { sha: "not-a-sha", ref: "x" }, base: { sha: BASE, ref: "main" } },
    };
    const ctx = readActionsContext(env, files({ "/event.json": event }));
    expect(ctx.prNumber).toBeNull();
    expect(ctx.warnings[0]).toMatch(/pull_request\.head\.sha/);
  });

  it("reads the triggering run of a workflow_run event", () => {
    const event = {
      workflow_run: {
        id: 9,
        head_sha: HEAD,
        head_branch: "patch-1",
        head_repository: { id: 77, owner: { login: "forker" } },
      },
    };
    const ctx = readActionsContext(
      { ...env, GITHUB_EVENT_NAME: "workflow_run" },
      files({ "/event.json": event }),
    );
    expect(ctx.workflowRun).toEqual({
      id: 9,
      headSha: HEAD,
      headBranch: "patch-1",
      headOwner: "forker",
      headRepositoryId: 77,
    });
  });
});

describe("findPullRequestForWorkflowRun (mode: publish)", () => {
  const findPullRequestForRun = async (gh: GitHubClient, o: typeof opts): Promise<number | null> =>
    (await findPullRequestForWorkflowRun(gh, o))?.number ?? null;
  let fake: FakeGitHub;
  let gh: GitHubClient;
  beforeEach(async () => {
    ({ fake, gh } = await startFakeGitHubWithClient());
  });
  afterEach(() => fake.stop());
  const opts = {
    owner: "octo-org",
    repo: "octo-repo",
    headOwner: "forker",
    headBranch: "patch-1",
    headSha: HEAD,
  };

  it("finds a same-repository PR by commit, in one call", async () => {
    fake.pulls.push({
      number: 5,
      state: "open",
      headRef: "feature",
      headSha: HEAD,
      headOwner: "octo-org",
      headRepositoryId: fake.repositoryId,
      baseRef: "main",
    });
    expect(await findPullRequestForRun(gh, { ...opts, headOwner: "octo-org", headBranch: "feature" })).toBe(
      5,
    );
    expect(fake.apiCalls()).toHaveLength(1);
  });

  it("finds a fork PR by head owner:branch when the commit lookup has nothing", async () => {
    fake.pulls.push({
      number: 12,
      state: "open",
      headRef: "patch-1",
      headSha: HEAD,
      headOwner: "forker",
      headRepositoryId: 77,
      baseRef: "main",
    });
    expect(await findPullRequestForRun(gh, opts)).toBe(12);
    expect(fake.apiCalls()).toHaveLength(2);
  });

  it("does not hand a newer push's PR to an older run", async () => {
    fake.pulls.push({
      number: 12,
      state: "open",
      headRef: "patch-1",
      headSha: "1".repeat(40),
      headOwner: "forker",
      headRepositoryId: 77,
      baseRef: "main",
    });
    expect(await findPullRequestForRun(gh, opts)).toBeNull();
    expect(fake.apiCalls().map((c) => c.route)).toEqual([
      "GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls",
      "GET /repos/{owner}/{repo}/pulls",
    ]);
    expect(fake.apiCalls()[1]!.path).toContain("head=forker%3Apatch-1");
  });

  it("ignores closed PRs", async () => {
    fake.pulls.push({
      number: 3,
      state: "closed",
      headRef: "patch-1",
      headSha: HEAD,
      headOwner: "forker",
      headRepositoryId: 77,
      baseRef: "main",
    });
    expect(await findPullRequestForRun(gh, opts)).toBeNull();
  });
});
