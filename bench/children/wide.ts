/**
 * Bench child: aggregate N job reports (each with 3 base-branch reports) into one PR comment, the pure
 * part of `mode: report`: compareReports per job, sumReports + totalComparison, buildCommentModel,
 * renderComment. One process per N.
 * Prints {ms, maxRssMiB, heapDeltaMiB, commentChars}.
 */
import { sumReports, totalComparison } from "../../src/report/aggregate.js";
import { compareReports } from "../../src/report/compare.js";
import type { JobInput } from "../../src/report/comment-model.js";
import { buildCommentModel } from "../../src/report/render-model.js";
import { renderComment } from "../../src/report/render-markdown.js";
import { makeReport } from "../../test/report/make-report.js";

const jobs = Number(process.argv[2] ?? "10");
const inputs = Array.from({ length: jobs }, (_, j) => {
  const matrix = { python: `3.${10 + (j % 4)}`, shard: String(j) };
  const at = (day: number) => `2026-11-${String(day).padStart(2, "0")}T10:00:00.000Z`;
  const history = [17, 18, 19].map((day) =>
    makeReport({
      key: `train-${j}`,
      matrix,
      createdAt: at(day),
      phases: { train: 10 + (j % 7) + day / 10, eval: 2 },
    }),
  );
  const head = makeReport({
    key: `train-${j}`,
    matrix,
    createdAt: at(20),
    phases: { train: 11 + (j % 9), eval: 2.1 },
  });
  return { head, history };
});
global.gc?.();
const heap0 = process.memoryUsage().heapUsed;
const t0 = performance.now();
const reports: JobInput[] = inputs.map(({ head, history }) => ({
  head,
  history,
  comparison: compareReports(head, history),
}));
// The pure part of src/action/aggregate.ts: the summed total and its comparison.
const heads = reports.map((r) => r.head);
const total = sumReports(heads, heads[0]!);
totalComparison(reports, total);
const body = renderComment(
  buildCommentModel({
    key: "train",
    reports,
    budgets: [],
    baseRef: "main",
    baseSha: "c".repeat(40),
    toolVersion: "bench",
  }),
);
const ms = performance.now() - t0;
const heapDelta = process.memoryUsage().heapUsed - heap0;
process.stdout.write(
  `${JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, heapDeltaMiB: heapDelta / 2 ** 20, commentChars: body.length })}\n`,
);
