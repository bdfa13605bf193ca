import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import type { FakeGitHub } from "../../support/fake-github.js";
import { reportZip } from "../../support/report-fixture.js";
import { RunnerJob } from "../../support/runner.js";
import { parseReportJson } from "../../../src/model/report.js";
import { formatEnergy } from "../../../src/report/format.js";
import {
  BASE,
  FORK_OWNER,
  FORK_REPO_ID,
  HEAD,
  fakeGitHubPerTest,
  forkPullRun,
  jobReport,
  runPost,
  upload,
  workflowRunEvent,
} from "./harness.js";

const PR = 17;
let fake: FakeGitHub;
const jobs: RunnerJob[] = [];

fakeGitHubPerTest((f) => (fake = f), "main");
afterEach(() => {
  for (const job of jobs.splice(0)) job.cleanup();
});

/** The measuring run of a fork PR, as GitHub lists it: head repository = the fork. */
const forkRun = () => forkPullRun(fake, PR);

const COMMENT_ROUTE = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";

describe("mode: publish — the workflow_run publisher for fork PRs", () => {
  it("end to end: the fork's measuring job comments nothing; publish finds the PR by API and comments", async () => {
    const run = forkRun();
    // 1. The measuring job (the bundle, runner-style env) on the fork's pull_request, comment: never.
    const job = new RunnerJob({
      apiUrl: fake.url,
      token: "ghs_readOnlyForkToken",
      runId: run.id,
      pullRequest: { number: PR, headSha: HEAD, headRef: "feature", baseSha: BASE, baseRef: "main" },
      workflow: "footprint",
      job: "train",
    });
    jobs.push(job);
    await job.step({ interval: "100ms", "carbon-intensity": "100", comment: "never" });
    await job.shell("sleep 0.3");
    const post = RunnerJob.owner(await job.finish());
    expect(post.code).toBe(0);
    expect(fake.requests.filter((r) => r.route === COMMENT_ROUTE)).toEqual([]);
    const measured = parseReportJson(readFileSync(post.outputs["report-path"]!, "utf8"));

    // 2. Its artifact, as the upload would have stored it — with a lying PR number inside (fork-controlled).
    fake.addArtifact({
      name: `ml-footprint-${measured.identity.key}`,
      runId: run.id,
      zip: reportZip({ ...measured, identity: { ...measured.identity, prNumber: 1 } }),
    });

    // 3. The publish workflow (default branch, write token).
    const { core } = await runPost(fake, {
      inputs: { mode: "publish" },
      event: workflowRunEvent(run.id),
      eventName: "workflow_run",
      runId: 777,
    });
    expect(core.warnings).toEqual([]);
    expect(fake.comments.map((c) => c.issueNumber)).toEqual([PR]);
    const body = fake.comments[0]!.body;
    // publish's own default key: a report-mode workflow on the same PR keeps its own comment
    expect(body.startsWith("<!-- ml-footprint:publish -->")).toBe(true);
    // no base run yet: the one row has no base figure; the head's energy is the measured one
    expect(body.replace(/\u00a0/g, " ")).toContain(`| — | ${formatEnergy(measured.energyWh)} | 🆕`);
    expect(core.outputs["comment-url"]).toContain(`/pull/${PR}#`);
    // the PR was found from the run's head owner/branch (fork PRs are not listed by commit)
    expect(fake.requests.some((r) => r.path.includes(`head=${FORK_OWNER}%3Afeature`))).toBe(true);
  });

  it("no open PR for the run's head SHA (a newer push, or a push run) → notice, nothing downloaded", async () => {
    const run = forkRun();
    upload(fake, run.id, "train", jobReport("train", { train: 5 }));
    const { core } = await runPost(fake, {
      inputs: { mode: "publish" },
      event: workflowRunEvent(run.id, "d".repeat(40)),
      eventName: "workflow_run",
      runId: 777,
    });
    expect(core.notices.join("\n")).toMatch(/no open pull request has head dddddddddddd/);
    expect(core.failed).toEqual([]);
    expect(fake.comments).toEqual([]);
    expect(fake.requests.some((r) => r.route === "BLOB")).toBe(false);
  });

  it("outside a workflow_run event, says how to use it and does nothing", async () => {
    const { core } = await runPost(fake, {
      inputs: { mode: "publish" },
      event: {},
      eventName: "pull_request",
      runId: 777,
    });
    expect(core.warnings.join("\n")).toContain("on: workflow_run");
    expect(fake.apiCalls()).toEqual([]);
  });

  it("compares with the base branch of the PR found by API and applies budgets", async () => {
    const run = forkRun();
    const baseRun = fake.addRun({ headSha: BASE });
    upload(
      fake,
      baseRun.id,
      "train",
      jobReport("train", { train: 10 }, { createdAt: "2026-11-01T00:00:00.000Z" }),
    );
    upload(fake, run.id, "train", jobReport("train", { train: 14 }));
    // a fork's own "main" run must never serve as the base
    const forkMain = fake.addRun({ headSha: BASE, headRepositoryId: FORK_REPO_ID });
    fake.addArtifact({
      name: "ml-footprint-train",
      runId: forkMain.id,
      zip: reportZip(jobReport("train", { train: 1 })),
    });
    const { core } = await runPost(fake, {
      inputs: { mode: "publish", "max-increase": "10%" },
      event: workflowRunEvent(run.id),
      eventName: "workflow_run",
      runId: 777,
    });
    expect(core.warnings).toEqual([]);
    expect(fake.comments[0]!.body.replace(/\u00a0/g, " ")).toMatch(/\+40 % energy vs main/);
    expect(core.outputs.verdict).toBe("increase");
    expect(core.failed[0]).toContain("over the 10 % max-increase budget");
  });
});
