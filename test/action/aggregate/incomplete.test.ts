import { describe, expect, it } from "vitest";
import type { FakeGitHub } from "../../support/fake-github.js";
import { reportZip } from "../../support/report-fixture.js";
import { BASE, HEAD, fakeGitHubPerTest, jobReport, pullRequestEvent, runPost, upload } from "./harness.js";

let fake: FakeGitHub;
const PR = 7;
fakeGitHubPerTest((f) => (fake = f));

/** Two jobs of 7 Wh; job b's artifact download is cut short `cuts` times. */
function setUp(cuts: number) {
  const run = fake.addRun({ headSha: HEAD, headBranch: "feature", event: "pull_request" });
  upload(fake, run.id, "a", jobReport("a", { train: 7 }));
  const b = { ...jobReport("b", { train: 7 }) };
  fake.addArtifact({
    name: "ml-footprint-b",
    runId: run.id,
    zip: reportZip({ ...b, identity: { ...b.identity, runId: String(run.id) } }),
    cutShort: { times: cuts, declareLength: false },
  });
  return run;
}

describe("an aggregate that lacks a run is never a silently smaller total", () => {
  it("retries a cut-short artifact and judges the whole total (14 Wh over a 10 Wh budget)", async () => {
    const run = setUp(2);
    const { core } = await runPost(fake, {
      inputs: { mode: "report", "budget-energy": "10 Wh" },
      event: pullRequestEvent(PR),
      eventName: "pull_request",
      runId: run.id,
    });
    expect(Number(core.outputs["energy-wh"])).toBeCloseTo(14, 6);
    expect(core.outputs["over-budget"]).toBe("true");
    expect(core.outputs["missing-reports"]).toBe("0");
  });

  it("fails the budget closed, names the artifact and says so in the comment and outputs", async () => {
    const run = setUp(99);
    const { core, summary } = await runPost(fake, {
      inputs: { mode: "report", "budget-energy": "10 Wh" },
      event: pullRequestEvent(PR),
      eventName: "pull_request",
      runId: run.id,
    });
    expect(core.warnings.join("\n")).toMatch(/ml-footprint-b.*not a whole zip.*3 tries/);
    expect(Number(core.outputs["energy-wh"])).toBeCloseTo(7, 6);
    expect(core.outputs["missing-reports"]).toBe("1");
    expect(core.outputs["over-budget"]).toBe("true");
    expect(core.failed.join("\n")).toMatch(/cannot be judged: the total lacks 1 job report/);
    const body = fake.comments.find((c) => c.issueNumber === PR)!.body;
    expect(body).toContain("The totals are incomplete");
    expect(body).toContain("ml-footprint-b");
    expect(summary).toContain("The totals are incomplete");
  });

  it("says so when a base-branch report could not be read", async () => {
    const baseRun = fake.addRun({ headSha: BASE, headBranch: "main" });
    const base = jobReport("a", { train: 7 }, { createdAt: "2026-11-01T00:00:00.000Z" });
    fake.addArtifact({
      name: "ml-footprint-a",
      runId: baseRun.id,
      zip: reportZip({ ...base, identity: { ...base.identity, runId: String(baseRun.id) } }),
      cutShort: { times: 99, declareLength: true },
    });
    const run = fake.addRun({ headSha: HEAD, headBranch: "feature", event: "pull_request" });
    upload(fake, run.id, "a", jobReport("a", { train: 7 }));
    const { core } = await runPost(fake, {
      inputs: { mode: "report" },
      event: pullRequestEvent(PR),
      eventName: "pull_request",
      runId: run.id,
    });
    expect(core.outputs["missing-base-reports"]).toBe("1");
    expect(core.warnings.join("\n")).toMatch(/ml-footprint-a.*3 tries/);
    const body = fake.comments.find((c) => c.issueNumber === PR)!.body;
    expect(body).toContain("1 base-branch report(s) could not be read");
  });
});
