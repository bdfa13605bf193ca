/**
 * Issue 13: what one untrusted (fork) run can make `mode: publish` spend. A fork run that uploads 500
 * `ml-footprint-*` artifacts cost 1,512 REST calls (a GITHUB_TOKEN has 1,000 per hour per repository),
 * partly the same commit listing 500 times. Now: 100 artifacts read (one warning for the rest), the
 * ancestor list read once, and every base lookup counted against one budget. Calls are counted on the
 * loopback fake's request log; the bound is in BENCHMARKS.md.
 */
import { describe, expect, it } from "vitest";
import { BASE_LOOKUP_CALLS, baseLookupBudget } from "../../../src/action/aggregate.js";
import { PUBLISH_MAX_REQUESTS } from "../../../src/action/client.js";
import { MAX_RUN_ARTIFACTS } from "../../../src/github/run-artifacts.js";
import type { FakeGitHub } from "../../support/fake-github.js";
import { reportZip } from "../../support/report-fixture.js";
import {
  BASE,
  fakeGitHubPerTest,
  forkPullRun,
  jobReport,
  runPost,
  sha,
  upload,
  workflowRunEvent,
} from "./harness.js";

const PR = 17;
const COMMITS = "GET /repos/{owner}/{repo}/commits";
const DOWNLOAD = "GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}";
const LIST_BY_NAME = "GET /repos/{owner}/{repo}/actions/artifacts";
let fake: FakeGitHub;

fakeGitHubPerTest((f) => {
  fake = f;
  fake.addHistory(sha("1"), sha("2"), BASE); // the merge-base's ancestors
}, "main");

function forkRunWith(artifacts: number) {
  const run = forkPullRun(fake, PR);
  const zip = reportZip(jobReport("j", { train: 1 }));
  for (let i = 0; i < artifacts; i++)
    fake.addArtifact({ name: `ml-footprint-j${String(i).padStart(3, "0")}`, runId: run.id, zip });
  return run;
}

const publish = (runId: number) =>
  runPost(fake, {
    inputs: { mode: "publish" },
    event: workflowRunEvent(runId),
    eventName: "workflow_run",
    runId: 777,
  });

describe("mode: publish spends a bounded number of API calls on an untrusted run", () => {
  it("500 fork artifacts: 100 read, the rest named in one warning, the ancestors listed once: 120 calls (was 1,513)", async () => {
    const run = forkRunWith(500);
    // one job has a base report on an ancestor of the merge-base (so ancestors are needed)
    const baseRun = fake.addRun({ headSha: sha("2") });
    upload(fake, baseRun.id, "j000", jobReport("j000", { train: 1 }));

    const { core } = await publish(run.id);
    const calls = fake.apiCalls();
    const count = (route: string) => calls.filter((c) => c.route === route).length;

    expect(fake.comments).toHaveLength(1);
    expect(count(COMMITS)).toBe(1);
    // one listing of the repository's newest artifacts for all 100 jobs (501 artifacts: 6 pages), not 100
    expect(count(LIST_BY_NAME)).toBe(6);
    expect(count(DOWNLOAD)).toBe(MAX_RUN_ARTIFACTS + 1); // 100 heads + 1 base report
    // 2 PR lookup + 5 run-artifact pages + 100 head downloads + 1 merge-base + 6 repository artifact pages
    // + 1 ancestors + 1 base download + 4 comment (viewer, list, create, duplicate check) = 120
    expect(calls.length).toBe(120); // was 214 with a listing by name per job
    expect(calls.length).toBeLessThanOrEqual(PUBLISH_MAX_REQUESTS);
    const capWarnings = core.warnings.filter((w) => w.includes("were not"));
    expect(capWarnings).toHaveLength(1);
    expect(capWarnings[0]).toMatch(/500 report artifacts; the first 100 by name were read and 400 were not/);
    expect(fake.comments[0]!.body).toContain("400 report artifact(s) over the cap per run were not read");
  }, 180_000);

  it("base lookups share one budget fairly: every job gets a base run, none starves, within 300 calls", async () => {
    const run = forkRunWith(100);
    // every job has many base runs at ancestors: unbounded, that is 100 × (list + up to 2·history+3 downloads)
    for (const headSha of [sha("1"), sha("2"), BASE]) {
      const baseRun = fake.addRun({ headSha });
      for (let i = 0; i < 100; i++) {
        const key = `j${String(i).padStart(3, "0")}`;
        upload(fake, baseRun.id, key, jobReport(key, { train: 1 }));
      }
    }
    const { core } = await publish(run.id);
    const calls = fake.apiCalls();
    const lookups = calls.filter((c) =>
      [COMMITS, LIST_BY_NAME, "GET /repos/{owner}/{repo}/compare/{basehead}"].includes(c.route),
    ).length;
    const baseDownloads = calls.filter((c) => c.route === DOWNLOAD).length - 100;
    expect(baseLookupBudget("publish", 100)).toEqual({ total: BASE_LOOKUP_CALLS.publish, perJob: 2 });
    expect(baseDownloads).toBe(100); // one base report for each job: the last job is served like the first
    expect(lookups + baseDownloads).toBeLessThanOrEqual(BASE_LOOKUP_CALLS.publish);
    // 2 PR lookup + 1 run page + 100 heads + 1 merge-base + 4 repository artifact pages (400 artifacts)
    // + 100 base downloads + 4 comment
    expect(calls.length).toBe(212); // was 308 (100 lists by name), and 508 before that
    expect(fake.comments).toHaveLength(1);
    expect(core.warnings.filter((w) => w.includes("base-branch lookups stopped"))).toEqual([]);
  }, 180_000);
});
