/**
 * Samples that end before the job did (src/report/coverage.ts): when a report says so, the comparison draws no
 * verdict on it and a matrix total built from it says so too; within the slack (a late tick) nothing changes.
 */
import { describe, expect, it } from "vitest";
import { describeCoverage, samplesCoverage } from "../../src/report/coverage.js";
import { compareReports } from "../../src/report/compare.js";
import { sumReports } from "../../src/report/aggregate.js";
import { failClosedOnIncompleteTotal, incompleteTotalReason } from "../../src/report/budgets.js";
import { evaluateBudgets } from "../../src/report/budgets.js";
import { parseReport } from "../../src/model/report.js";
import { buildCommentModel } from "../../src/report/render-model.js";
import { renderComment } from "../../src/report/render-markdown.js";
import { baseHistory, makeReport } from "./make-report.js";

const START = Date.parse("2026-12-06T10:00:00.000Z");
const run = (durationS: number, intervalMs = 1_000) => ({
  startedAt: new Date(START).toISOString(),
  durationS,
  intervalMs,
});

describe("samplesCoverage", () => {
  it("null while the samples reach the job's end within max(5 s, 3 intervals)", () => {
    expect(samplesCoverage(run(600), START + 600_000, "not-running")).toBeNull();
    expect(samplesCoverage(run(600), START + 605_000, "killed")).toBeNull();
    // at 5 s intervals the slack is 15 s
    expect(samplesCoverage(run(600, 5_000), START + 614_000, "not-running")).toBeNull();
  });

  it("past it: what the samples cover of the job, and why, by how the sampler ended", () => {
    expect(samplesCoverage(run(10), START + 600_000, "killed")).toEqual({
      recordedS: 10,
      jobS: 600,
      reason:
        "the sampler stopped recording and did not answer the stop, a hung GPU driver call perhaps; it was killed",
    });
    expect(samplesCoverage(run(10), START + 600_000, "not-running")?.reason).toBe(
      "the sampler was no longer running: it crashed or was killed",
    );
    expect(samplesCoverage(run(600, 5_000), START + 616_000, "killed")?.jobS).toBe(616);
    // a sampler that stopped when asked wrote its last sample then, whatever the wall clock says since
    expect(samplesCoverage(run(10), START + 600_000, "stopped")).toBeNull();
    expect(describeCoverage({ recordedS: 10, jobS: 600, reason: "why" })).toBe(
      "the samples end 590 s before the job did and cover 10.0 s of its 600 s (why)",
    );
  });
});

describe("a report whose samples end early", () => {
  const coverage = {
    recordedS: 10,
    jobS: 600,
    reason: "the sampler was no longer running: it crashed or was killed",
  };

  it("validates with its coverage (older reports have none)", () => {
    const head = { ...makeReport({ phases: { train: 20, eval: 2 } }), coverage };
    expect(parseReport(JSON.parse(JSON.stringify(head))).coverage).toEqual(coverage);
    expect(parseReport(JSON.parse(JSON.stringify(makeReport()))).coverage).toBeUndefined();
  });

  it("is not compared: the total and every phase are not-comparable, with the reason", () => {
    const history = baseHistory([10, 10.2, 9.9], { phases: { train: 10, eval: 2 } });
    const head = { ...makeReport({ phases: { train: 20, eval: 2 } }), coverage };
    const judged = compareReports({ ...head, coverage: undefined }, history);
    expect(judged.total.verdict).toBe("increase");
    const comparison = compareReports(head, history);
    for (const row of [comparison.total, ...comparison.phases]) {
      expect(row.verdict).toBe("not-comparable");
      expect(row.band).toBeNull();
      expect(row.verdictWords).toBe(`not comparable: ${describeCoverage(coverage)}`);
    }
  });

  it("says why in the comment's headline, not another case's reason", () => {
    const history = baseHistory([10, 10.2, 9.9], { phases: { train: 10, eval: 2 } });
    const head = { ...makeReport({ phases: { train: 2, eval: 0.1 } }), coverage };
    const md = renderComment(
      buildCommentModel({
        key: "train",
        reports: [{ head, history, comparison: compareReports(head, history) }],
        budgets: [],
        baseRef: "main",
        baseSha: "abc1234ffff",
        toolVersion: "1.0.0",
      }),
    );
    const headline = md
      .split("\n")
      .find((l) => l.startsWith("### "))!
      .replace(/\u00a0/g, " ");
    expect(headline).toMatch(
      /^### ⚠️ Not comparable: .+ — not compared: the samples end 590 s before the job did and cover 10\.0 s of its 600 s \\\(the sampler was no longer running: it crashed or was killed\\\)$/,
    );
  });

  it("makes a matrix total built from it incomplete too, and its budgets fail closed", () => {
    const jobs = [{ ...makeReport({ job: "a" }), coverage }, makeReport({ job: "b" })];
    const total = sumReports(jobs, jobs[1]!);
    expect(total.coverage).toEqual({
      recordedS: 10 + jobs[1]!.durationS,
      jobS: 600 + jobs[1]!.durationS,
      reason: `one job's samples end early: ${coverage.reason}`,
    });
    // the template's own coverage is not copied onto a total of complete jobs
    expect(sumReports([jobs[1]!], jobs[0]!).coverage).toBeUndefined();
    const budgets = failClosedOnIncompleteTotal(
      evaluateBudgets({ report: total, comparison: null, budgets: { energyWh: 1e9 } }),
      incompleteTotalReason(2, total.coverage),
    );
    expect(budgets[0]).toMatchObject({ over: true, incomplete: true });
    expect(budgets[0]!.message).toMatch(
      /^Energy budget cannot be judged: the total lacks 2 job reports that could not be read; the samples end .+, so it would be judged on a smaller total; failing closed/,
    );
    expect(incompleteTotalReason(0, undefined)).toBeNull();
  });
});
