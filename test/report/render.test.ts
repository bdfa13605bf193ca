import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateBudgets } from "../../src/report/budgets.js";
import { compareReports } from "../../src/report/compare.js";
import { COMMENT_MAX_CHARS, renderComment, renderSummary } from "../../src/report/render-markdown.js";
import type { JobInput } from "../../src/report/comment-model.js";
import { buildCommentModel } from "../../src/report/render-model.js";
import type { Report } from "../../src/model/report.js";
import { baseHistory, makeReport } from "./make-report.js";
import { inspectMarkdown } from "./render-check.js";

function job(head: Report, history: Report[]): JobInput {
  return { head, history, comparison: history.length ? compareReports(head, history) : null };
}

function comment(jobs: JobInput[], extra: Partial<Parameters<typeof buildCommentModel>[0]> = {}): string {
  return renderComment(
    buildCommentModel({
      key: "train",
      reports: jobs,
      budgets: [],
      baseRef: "main",
      baseSha: "abc1234ffff",
      toolVersion: "0.1.0",
      ...extra,
    }),
  );
}

/** The text outside ``` fences: Mermaid's own `0 --> 16` axis syntax is code, not HTML. */
function outsideFences(md: string): string {
  return md.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "");
}

const VERDICT = /increase|decrease|within noise|no baseline|different hardware/;

describe("renderComment", () => {
  it("starts with the marker and a headline over budget", () => {
    const history = baseHistory([100, 101, 99]);
    const head = makeReport({ phases: { train: 125, eval: 2 }, createdAt: "2026-11-21T10:00:00.000Z" });
    const comparison = compareReports(head, history);
    const budgets = evaluateBudgets({ report: head, comparison, budgets: { maxIncreasePercent: 10 } });
    const md = comment([{ head, history, comparison }], { budgets });
    const lines = md.split("\n");
    expect(lines[0]).toBe("<!-- ml-footprint:train -->");
    expect(lines[1]).toBe(
      "### ⚡ Energy +25 % vs main (merge-base abc1234) — increase (±4.9 %) — over the 10 % budget",
    );
    expect(md).toContain("```mermaid\nxychart-beta");
    expect(md).toContain("| **this PR** |");
    expect(md).toContain("<details><summary>How this was measured</summary>");
    expect(md).toContain("**Noise rule:**");
    const check = inspectMarkdown(md);
    expect(check.foreignHtml).toEqual([]);
    expect(check.markers).toBe(1);
    expect(check.tables[0]?.rows.map((r) => r.at(-1)?.text)).toEqual([
      // train: base 100, 101, 99 → t(0.975, 2) · 1 · √(4/3) = 4.97 Wh; eval: identical runs → the
      // resolution floor, 2 × 1 s at 40 W = 0.022 Wh of 2 Wh; total: 4.97 Wh of 102 Wh
      "🔺 increase (±5.0 %)",
      "≈ within noise (±1.1 %)",
      "🔺 increase (±4.9 %)",
    ]);
  });

  it("says when there is no base run yet, or the hardware differs", () => {
    expect(comment([job(makeReport(), [])]).split("\n")[1]).toBe(
      "### ⚡ Energy 12.0 Wh · 5.38 g CO2e — no base run of main to compare with yet",
    );
    const hw = comment([job(makeReport({ threads: 16 }), [makeReport()])]);
    expect(hw.split("\n")[1]).toBe("### ⚡ Energy 12.0 Wh — different hardware than main, not compared");
    expect(hw).toContain("Different hardware than the base run: vCPUs: 4 → 16");
  });

  it("renders a matrix with a job column and a verdict summary", () => {
    const jobs = ["a", "b", "c"].map((k, i) =>
      job(makeReport({ key: k, phases: { train: 10 + i * 5 } }), [
        makeReport({ key: k, phases: { train: 10 } }),
      ]),
    );
    const md = comment(jobs);
    expect(md.split("\n")[1]).toBe(
      "### ⚡ Energy +50 % vs main (merge-base abc1234) across 3 jobs — 2 increased, 1 within noise",
    );
    expect(md).toContain("**Total of 3 jobs:**");
    const [table] = inspectMarkdown(md).tables;
    expect(table?.header.map((h) => h.text)[0]).toBe("Job");
    expect(table?.rows).toHaveLength(6);
  });

  it("the job summary is the same content without the marker", () => {
    const model = buildCommentModel({
      key: "k",
      reports: [job(makeReport(), [])],
      budgets: [],
      baseRef: "main",
      baseSha: null,
      toolVersion: "0.1.0",
    });
    const summary = renderSummary(model);
    expect(summary).not.toContain("<!--");
    expect(renderComment(model)).toBe(
      `${model.marker}\n${summary}`.replace(
        "see the report artifacts",
        "see the job summary and the report artifacts",
      ),
    );
  });
});

const HOSTILE = [
  "a|b|c",
  "<script>alert(1)</script>",
  "<!-- ml-footprint:x -->",
  "--> <!--",
  "@everyone please look",
  "[click](javascript:alert(1))",
  "![img](https://evil.example/x.png)",
  "`code` **bold** _em_ ~~s~~",
  "line1\nline2\r\n| --- |",
  "<details><summary>x</summary>",
  "&lt;b&gt; &amp;",
  "https://evil.example/path",
  "x".repeat(199),
  "\\|\\",
];

function hostileReport(label: string, i: number): Report {
  return makeReport({
    key: label.slice(0, 200),
    job: label,
    phases: { [label]: 5 + i, [`${label}2`]: 1 },
    cpu: label,
    gpus: [label],
    command: `${label} && rm -rf /`,
    warnings: [label, `warning: ${label}`],
    createdAt: `2026-11-2${i % 9}T10:00:00.000Z`,
  });
}

describe("hostile labels", () => {
  it("stay inert: no foreign HTML, no links, intact tables, one marker, no mentions", () => {
    const jobs = HOSTILE.map((label, i) => job(hostileReport(label, i), [hostileReport(label, i + 1)]));
    for (const md of [
      comment(jobs, {
        key: "<!-- ml-footprint:evil --> @everyone",
        baseRef: "main|<b>@x</b>[x](javascript:y)",
      }),
      comment(jobs.slice(0, 1), { key: "x --> <!--", baseRef: "<!-- -->" }),
    ]) {
      const check = inspectMarkdown(md);
      expect(check.foreignHtml).toEqual([]);
      expect(check.links).toEqual([]);
      expect(check.brokenRows).toEqual([]);
      expect(check.markers).toBe(1);
      expect(outsideFences(md).split("-->").length - 1).toBe(1);
      expect(check.unneutralisedMentions).toBe(0);
      for (const table of check.tables) {
        for (const row of table.rows) expect(row).toHaveLength(table.header.length);
      }
      const main = check.tables[0];
      for (const row of main?.rows ?? []) expect(row.at(-1)?.text).toMatch(VERDICT);
      expect(md.split("\n")[0]).toMatch(/^<!-- ml-footprint:[A-Za-z0-9._/-]+ -->$/);
    }
  });
});

describe("length cap", () => {
  it("200 jobs × 3 phases with history stay under the cap and keep headline, totals and marker", () => {
    const jobs = Array.from({ length: 200 }, (_, i) => {
      const key = `train-matrix-model-${i}-seed-${i % 7}`;
      const phases = { train: 40 + (i % 13), eval: 4, export: 1 };
      const history = Array.from({ length: 5 }, (_, h) =>
        makeReport({
          key,
          phases: { ...phases, train: 40 + ((i + h) % 11) },
          createdAt: `2026-11-1${h}T10:00:00.000Z`,
        }),
      );
      return job(
        makeReport({ key, phases, warnings: ["CPU power modelled: no RAPL on this runner"] }),
        history,
      );
    });
    const md = comment(jobs);
    expect(md.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(md.split("\n")[1]).toMatch(/^### ⚡ Energy .* across 200 jobs/);
    expect(md).toContain("**Total of 200 jobs:**");
    expect(md).toMatch(/… \d+ more rows \(see the job summary and the report artifacts\)/);
    const check = inspectMarkdown(md);
    expect(check.markers).toBe(1);
    expect(check.brokenRows).toEqual([]);
    console.log(`200 jobs × 3 phases: comment ${md.length} characters`);
  });

  it("never exceeds the cap and always has exactly one marker (property)", () => {
    const label = fc.string({ unit: "binary", maxLength: 100 });
    const jobArb = fc.record({
      key: label,
      phases: fc.dictionary(label, fc.double({ min: 0, max: 1e6, noNaN: true }), { minKeys: 1, maxKeys: 8 }),
      warnings: fc.array(fc.string({ maxLength: 2_000 }), { maxLength: 30 }),
      history: fc.array(fc.double({ min: 0.001, max: 1e6, noNaN: true }), { maxLength: 6 }),
      intensity: fc.option(fc.double({ min: 1, max: 1_000, noNaN: true })),
    });
    fc.assert(
      fc.property(fc.array(jobArb, { minLength: 1, maxLength: 250 }), label, (specs, baseRef) => {
        const jobs = specs.map((s) => {
          const head = makeReport({
            key: s.key,
            phases: s.phases,
            warnings: s.warnings,
            intensity: s.intensity,
          });
          const history = s.history.map((e) =>
            makeReport({ key: s.key, phases: { train: e }, intensity: s.intensity }),
          );
          return job(head, history);
        });
        const md = comment(jobs, { key: specs[0]?.key ?? "", baseRef });
        expect(md.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
        expect(md.split("<!--").length - 1).toBe(1);
        expect(outsideFences(md).split("-->").length - 1).toBe(1);
        expect(md.split("\n")[1]).toMatch(/^### ⚡ Energy /);
      }),
      { numRuns: 40 },
    );
  });
});

describe("base line", () => {
  it("says a base report was compared even when it records no commit (local compare)", () => {
    const base = makeReport({ sha: "" });
    const head = makeReport();
    const model = buildCommentModel({
      key: "train",
      reports: [{ head, comparison: compareReports(head, [base]), history: [base] }],
      budgets: [],
      baseRef: "base",
      baseSha: null,
      toolVersion: "test",
    });
    expect(model.baseLine).toBe(
      "Compared with 1 base report(s) that record no commit (measured outside CI).",
    );
    const none = buildCommentModel({
      key: "train",
      reports: [{ head, comparison: null, history: [] }],
      budgets: [],
      baseRef: "main",
      baseSha: null,
      toolVersion: "test",
    });
    expect(none.baseLine).toBe("No base commit of main to compare with.");
  });
});

describe("few jobs, many phases", () => {
  it("keeps the most telling phase rows instead of dropping every phase row (2 long-named jobs × 200 long-named phases)", () => {
    const phases = (scale: number) =>
      Object.fromEntries(
        Array.from({ length: 200 }, (_, i) => [`${"preprocess-shard-".repeat(4)}${i}`, (i + 1) * scale]),
      );
    const jobs: JobInput[] = ["a", "b"].map((letter) => {
      const job = `${letter}-${"train-resnet50-imagenet-subset-".repeat(3)}`;
      const base = makeReport({ job, key: job, phases: phases(1) });
      const head = makeReport({ job, key: job, phases: phases(1.5) });
      return { head, comparison: compareReports(head, [base]), history: [base] };
    });
    const body = renderComment(
      buildCommentModel({
        key: "matrix",
        reports: jobs,
        budgets: [],
        baseRef: "main",
        baseSha: "abc1234",
        toolVersion: "test",
      }),
    );
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    const phaseRows = body
      .split("\n")
      .filter((line) => line.startsWith("| ") && line.includes("preprocess-shard"));
    expect(phaseRows.length).toBeGreaterThanOrEqual(40);
    expect(body).toMatch(/… \d+ more rows/);
  });
});
