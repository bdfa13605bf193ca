/**
 * mode: report and mode: publish warn, never fail, on GitHub API errors: a 403 for a missing `actions: read`,
 * a 502 storm, a rate limit, an API that never answers (bounded by network-timeout). The step's summary
 * says what happened; only budgets fail a job. In-process post step (runStep) against the loopback fake.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeGitHub } from "../support/fake-github.js";
import {
  HEAD,
  fakeGitHubPerTest,
  jobReport,
  pullRequestEvent,
  runPost,
  upload,
} from "../action/aggregate/harness.js";

const PR = 42;
const RUN_ARTIFACTS = "GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts";
const FAST_RETRY = { ML_FOOTPRINT_RETRY_BASE_MS: "5" };
let fake: FakeGitHub;

fakeGitHubPerTest((f) => (fake = f));

function headRun() {
  const run = fake.addRun({ headSha: HEAD, headBranch: "feature", event: "pull_request" });
  upload(fake, run.id, "a", jobReport("a", { train: 4 }));
  return run;
}

async function report(inputs: Record<string, string> = {}, env: Record<string, string> = {}) {
  const run = headRun();
  return runPost(fake, {
    inputs: { mode: "report", ...inputs },
    event: pullRequestEvent(PR),
    eventName: "pull_request",
    runId: run.id,
    env: { ...FAST_RETRY, ...env },
  });
}

describe("mode: report on API errors: a warning with the fix, exit 0", () => {
  it("403 without actions: read", async () => {
    fake.fault(RUN_ARTIFACTS, { status: 403, message: "Resource not accessible by integration" });
    const { core, summary } = await report({ "budget-energy": "1 Wh" });
    expect(core.failed).toEqual([]);
    const warning = core.warnings.join("\n");
    expect(warning).toContain("mode: report could not finish (missing permission (403");
    expect(warning).toContain("permissions: actions: read");
    expect(summary).toContain("missing permission");
    expect(fake.comments).toEqual([]);
  });

  it("a 502 storm (every retry answered 502)", async () => {
    fake.fault(RUN_ARTIFACTS, 502, 502, 502, 502, 502, 502);
    const { core } = await report();
    expect(core.failed).toEqual([]);
    expect(core.warnings.join("\n")).toContain("GitHub API error (502");
  });

  it("a primary rate limit is named as a rate limit, not a permission", async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 3_600);
    fake.fault(RUN_ARTIFACTS, {
      status: 403,
      message: "API rate limit exceeded for installation ID 1.",
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset },
    });
    const { core } = await report();
    expect(core.failed).toEqual([]);
    const warning = core.warnings.join("\n");
    expect(warning).toContain("GitHub rate limit (403");
    expect(warning).not.toContain("missing permission");
  });

  it("budgets still fail the step when only the comment fails", async () => {
    fake.fault("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", 502, 502, 502, 502);
    const { core } = await report({ "budget-energy": "1 Wh" });
    expect(core.failed.join("\n")).toMatch(/Energy \S+ Wh is over the \S+ Wh budget/);
    expect(core.warnings.join("\n")).toContain("PR comment could not be written (GitHub API error (502");
  });
});

describe("mode: publish on API errors", () => {
  it("403 on the pull request lookup is a warning", async () => {
    fake.fault("GET /repos/{owner}/{repo}/pulls", { status: 403, message: "Resource not accessible" });
    const run = fake.addRun({ headSha: HEAD, headBranch: "feature", event: "pull_request" });
    const { core } = await runPost(fake, {
      inputs: { mode: "publish" },
      event: {
        workflow_run: {
          id: run.id,
          head_sha: HEAD,
          head_branch: "feature",
          head_repository: { id: 999, owner: { login: "forker" } },
        },
      },
      eventName: "workflow_run",
      runId: 777,
      env: FAST_RETRY,
    });
    expect(core.failed).toEqual([]);
    expect(core.warnings.join("\n")).toContain("mode: publish could not finish (missing permission (403");
  });
});

describe("network-timeout bounds the aggregation", () => {
  let hang: Server;
  afterEach(async () => {
    hang.closeAllConnections();
    await new Promise<void>((resolve) => hang.close(() => resolve()));
  });

  it("an API that never answers: finished and warned with what was skipped", async () => {
    hang = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => hang.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(hang.address() as AddressInfo).port}`;
    const { core, summary } = await report(
      { "network-timeout": "2", "budget-energy": "1 Wh" },
      { GITHUB_API_URL: url },
    );
    expect(core.failed).toEqual([]);
    const warning = core.warnings.join("\n");
    expect(warning).toContain("within network-timeout (2 s); skipped: reading the run's report artifacts");
    expect(warning).toContain("PR comment");
    expect(summary).toContain("network-timeout");
  });
});
