import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GitHubClient } from "../../src/github/client.js";
import { downloadRunReports } from "../../src/github/run-artifacts.js";
import { type FakeGitHub, startFakeGitHubWithClient } from "../support/fake-github.js";
import { makeReport, reportZip } from "../support/report-fixture.js";

let fake: FakeGitHub;
let gh: GitHubClient;
beforeEach(async () => {
  ({ fake, gh } = await startFakeGitHubWithClient());
});
afterEach(() => fake.stop());

describe("a cap on what all of a run's report artifacts hold uncompressed", () => {
  it("parses up to the cap over all artifacts; the rest are skipped with a reason naming them", async () => {
    const run = fake.addRun({ headSha: "a".repeat(40), headBranch: "feature" });
    const one = JSON.stringify(makeReport()).length;
    for (const name of ["a", "b", "c", "d"])
      fake.addArtifact({ name: `ml-footprint-${name}`, runId: run.id, zip: reportZip(makeReport()) });
    const got = await downloadRunReports(gh, {
      owner: fake.owner,
      repo: fake.repo,
      runId: run.id,
      limits: { maxTotalReportBytes: Math.floor(one * 2.5), concurrency: 1 },
    });
    expect(got.reports.map((r) => r.artifactName)).toEqual(["ml-footprint-a", "ml-footprint-b"]);
    expect(got.skipped.map((s) => s.artifactName)).toEqual(["ml-footprint-c", "ml-footprint-d"]);
    expect(got.skipped[0]!.reason).toMatch(
      /ml-footprint-c.*(uncompressed size over|limit over all artifacts)/,
    );
  });
});
