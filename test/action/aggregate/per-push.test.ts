/**
 * REST calls of one push to a fork PR, counted on the loopback GitHub fake (README, "API calls per push"):
 * the fork's measuring run (each job looks up its base report for its job summary; `comment: never`, since a
 * fork's token cannot comment) plus the `mode: publish` run that comments. A GITHUB_TOKEN may make 1,000
 * REST requests per hour per repository (GitHub docs, "Rate limits for the REST API").
 */
import { describe, expect, it } from "vitest";
import { createGitHubClient } from "../../../src/github/client.js";
import { findBaseReports } from "../../../src/github/baseline.js";
import type { FakeGitHub } from "../../support/fake-github.js";
import {
  BASE,
  HEAD,
  fakeGitHubPerTest,
  forkPullRun,
  jobReport,
  runPost,
  upload,
  workflowRunEvent,
} from "./harness.js";

const PR = 23;
let fake: FakeGitHub;
fakeGitHubPerTest((f) => (fake = f), "main");

/** A fork push with `jobs` measuring jobs, each with one base-branch report at the merge-base. */
async function push(jobs: number): Promise<{ measuring: number; publishing: number }> {
  const keys = Array.from({ length: jobs }, (_, i) => `j${String(i).padStart(3, "0")}`);
  const baseRun = fake.addRun({ headSha: BASE, headBranch: "main" });
  for (const key of keys) upload(fake, baseRun.id, key, jobReport(key, { train: 1 }));
  const run = forkPullRun(fake, PR);
  for (const key of keys) upload(fake, run.id, key, jobReport(key, { train: 1 }));

  // the measuring run: every job's post step looks up its base (publish-report.ts, measure mode)
  const before = fake.apiCalls().length;
  const gh = createGitHubClient({ token: "t", baseUrl: fake.url, retryBaseMs: 1 });
  for (const key of keys)
    await findBaseReports(gh, {
      owner: fake.owner,
      repo: fake.repo,
      repositoryId: fake.repositoryId,
      baseRef: "main",
      baseSha: BASE,
      headSha: HEAD,
      artifactName: `ml-footprint-${key}`,
      history: 10,
      log: { warn: () => undefined },
    });
  const measuring = fake.apiCalls().length - before;

  const { core } = await runPost(fake, {
    inputs: { mode: "publish" },
    event: workflowRunEvent(run.id),
    eventName: "workflow_run",
    runId: 777,
  });
  expect(fake.comments.filter((c) => c.issueNumber === PR)).toHaveLength(1);
  expect(core.outputs["missing-reports"]).toBe("0");
  return { measuring, publishing: fake.apiCalls().length - before - measuring };
}

describe("REST calls per fork push (README)", () => {
  it("1 job: 3 measuring + 11 publishing = 14", async () => {
    // measuring: merge-base, list by name, 1 download
    // publishing: 2 PR lookup + 1 run page + 1 head download + 1 merge-base + 1 list by name + 1 base
    // download + 4 comment (viewer, list, create, duplicate check)
    expect(await push(1)).toEqual({ measuring: 3, publishing: 11 });
  });

  it("100 jobs: 300 measuring + 210 publishing = 510 (publishing was 308 with a listing per job)", async () => {
    // publishing: 2 + 1 run page + 100 head downloads + 1 merge-base + 2 pages of the repository's newest
    // artifacts (shared by all jobs) + 100 base downloads + 4 comment
    expect(await push(100)).toEqual({ measuring: 300, publishing: 210 });
  }, 180_000);
});
