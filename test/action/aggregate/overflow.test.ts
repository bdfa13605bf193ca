import { describe, expect, it } from "vitest";
import type { FakeGitHub } from "../../support/fake-github.js";
import { HEAD, fakeGitHubPerTest, jobReport, pullRequestEvent, runPost, upload } from "./harness.js";
import { sumReports } from "../../../src/report/aggregate.js";
import { MAX_FIGURE, serializeReport } from "../../../src/model/report.js";

let fake: FakeGitHub;
fakeGitHubPerTest((f) => (fake = f));

describe("sums past what a report holds", () => {
  it("two samples counts of MAX_SAFE_INTEGER: a capped total, a comment, no 'network error'", async () => {
    const run = fake.addRun({ headSha: HEAD, headBranch: "feature", event: "pull_request" });
    for (const key of ["a", "b"])
      upload(fake, run.id, key, jobReport(key, { train: 1 }, { samples: Number.MAX_SAFE_INTEGER }));
    const { core } = await runPost(fake, {
      inputs: { mode: "report" },
      event: pullRequestEvent(9),
      eventName: "pull_request",
      runId: run.id,
    });
    expect(core.warnings.join("\n")).not.toContain("network error");
    expect(core.outputs["report-path"]).toBeTruthy();
    expect(fake.comments.filter((c) => c.issueNumber === 9)).toHaveLength(1);
  });

  it("sumReports caps counts and figures and says so; the total still validates", () => {
    const small = jobReport("a", { train: 1 });
    const big = {
      ...small,
      energyWh: MAX_FIGURE * 0.6,
      samples: Number.MAX_SAFE_INTEGER - 1,
      phases: small.phases.map((p) => ({ ...p, samples: Number.MAX_SAFE_INTEGER - 1 })),
    };
    const total = sumReports([big, big], big);
    expect(total.samples).toBe(Number.MAX_SAFE_INTEGER);
    expect(total.energyWh).toBe(MAX_FIGURE);
    expect(total.warnings.join("\n")).toMatch(/capped/);
    expect(() => serializeReport(total)).not.toThrow();
  });

  it("an error of ours is not described as a network error", async () => {
    const { describeApiFailure } = await import("../../../src/action/network.js");
    const { Permission } = await import("../../../src/github/errors.js");
    expect(describeApiFailure(new Error("report to write is not valid"), Permission.ActionsRead)).toBe(
      "an internal error: report to write is not valid",
    );
  });
});
