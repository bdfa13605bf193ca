/** API calls of a typical PR run with one baseline: the budget the action spends against rate limits. */
import { afterEach, beforeEach, expect, it } from "vitest";
import { createGitHubClient } from "../../src/github/client.js";
import { findBaseReports } from "../../src/github/baseline.js";
import { resolveSelf, upsertStickyComment } from "../../src/github/comment.js";
import { FakeGitHub } from "../support/fake-github.js";
import { makeReport, reportZip } from "../support/report-fixture.js";

let fake: FakeGitHub;
beforeEach(async () => (fake = await new FakeGitHub().start()));
afterEach(() => fake.stop());

it("a PR run with one base report costs 7 API calls (+1 blob download) when it creates the comment, 5 when unchanged", async () => {
  const [MB, HEAD] = ["c".repeat(40), "e".repeat(40)];
  fake.mergeBases.set(`main...${HEAD}`, MB);
  const run = fake.addRun({ headSha: MB });
  fake.addArtifact({ name: "ml-footprint-train", runId: run.id, zip: reportZip(makeReport()) });
  for (let i = 0; i < 20; i++) fake.addComment(7, `review ${i}`, "reviewer");
  const gh = createGitHubClient({ token: "t", baseUrl: fake.url, retryBaseMs: 1 });

  const prRun = async () => {
    const self = await resolveSelf(gh);
    const base = await findBaseReports(gh, {
      owner: fake.owner,
      repo: fake.repo,
      baseRef: "main",
      headSha: HEAD,
      artifactName: "ml-footprint-train",
      history: 5,
      log: { warn: () => {} },
    });
    expect(base.reports).toHaveLength(1);
    await upsertStickyComment(gh, {
      owner: fake.owner,
      repo: fake.repo,
      issueNumber: 7,
      key: "train",
      body: "energy",
      self,
    });
  };
  await prRun();
  const first = fake.apiCalls().map((c) => c.route);
  expect(first).toEqual([
    "POST /graphql",
    "GET /repos/{owner}/{repo}/compare/{basehead}",
    "GET /repos/{owner}/{repo}/actions/artifacts",
    "GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}",
    "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
    "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
    // the duplicate check after a create (two runs commenting at once)
    "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
  ]);
  expect(fake.requests.filter((r) => r.route === "BLOB")).toHaveLength(1);
  fake.requests.length = 0;
  await prRun();
  expect(fake.apiCalls()).toHaveLength(5);
});
