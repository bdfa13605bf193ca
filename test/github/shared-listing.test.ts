import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GitHubClient } from "../../src/github/client.js";
import { BaseLookupShared, findBaseReports } from "../../src/github/baseline.js";
import { type FakeGitHub, startFakeGitHubWithClient } from "../support/fake-github.js";
import { makeReport, reportZip } from "../support/report-fixture.js";

const sha = (c: string): string => c.repeat(40);
const [MB, NEWER, HEAD] = [sha("c"), sha("d"), sha("e")];
const LIST = "GET /repos/{owner}/{repo}/actions/artifacts";
let fake: FakeGitHub;
let gh: GitHubClient;
beforeEach(async () => {
  ({ fake, gh } = await startFakeGitHubWithClient());
  fake.addHistory(MB, NEWER);
  fake.mergeBases.set(`main...${HEAD}`, MB);
});
afterEach(() => fake.stop());

const find = (shared: BaseLookupShared, history = 1) =>
  findBaseReports(gh, {
    owner: fake.owner,
    repo: fake.repo,
    repositoryId: fake.repositoryId,
    baseRef: "main",
    headSha: HEAD,
    artifactName: "ml-footprint-train",
    history,
    shared,
    log: { warn: () => undefined },
  });

describe("one shared listing of the repository's newest artifacts for many jobs' base lookups", () => {
  it("serves every job from one listing when it is complete", async () => {
    const run = fake.addRun({ headSha: MB });
    fake.addArtifact({
      name: "ml-footprint-train",
      runId: run.id,
      zip: reportZip(makeReport({ durationS: 7 })),
    });
    const shared = new BaseLookupShared(Number.POSITIVE_INFINITY, 10);
    for (let i = 0; i < 3; i++) expect((await find(shared)).chosenFrom).toBe("merge-base");
    expect(fake.apiCalls().filter((c) => c.route === LIST)).toHaveLength(1);
    expect(fake.apiCalls().filter((c) => c.path.includes("name="))).toHaveLength(0);
  });

  it("an incomplete listing without the merge-base's run: the job lists its name and still finds the merge-base", async () => {
    const old = fake.addRun({ headSha: MB });
    fake.addArtifact({
      name: "ml-footprint-train",
      runId: old.id,
      zip: reportZip(makeReport({ durationS: 7 })),
      createdAt: "2026-01-01T00:00:00Z",
    });
    // 150 newer artifacts of a newer base commit push the merge-base's out of the first page of 100
    for (let i = 0; i < 150; i++) {
      const run = fake.addRun({ headSha: NEWER });
      fake.addArtifact({
        name: i % 2 ? "ml-footprint-train" : "other",
        runId: run.id,
        zip: reportZip(makeReport({ durationS: 9 })),
        createdAt: `2026-02-01T00:00:${String(i % 60).padStart(2, "0")}Z`,
      });
    }
    const got = await find(new BaseLookupShared(Number.POSITIVE_INFINITY, 1));
    expect(got.chosenFrom).toBe("merge-base");
    expect(got.reports[0]!.durationS).toBe(7);
    expect(fake.apiCalls().filter((c) => c.path.includes("name=ml-footprint-train"))).toHaveLength(1);
  });
});
