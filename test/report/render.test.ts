import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateBudgets } from "../../src/report/budgets.js";
import { compareReports } from "../../src/report/compare.js";
import { COMMENT_MAX_CHARS, renderComment, renderSummary } from "../../src/report/render-markdown.js";
import { sumReports, totalComparison } from "../../src/report/aggregate.js";
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

const VERDICT = /🔺|🔻|✅|🆕|⚠️/;
/** The comment with its non-breaking spaces as plain ones, for readable expectations. */
const plain = (md: string) => md.replace(/\u00a0/g, " ");

describe("renderComment", () => {
  it("starts with the marker and a headline: verdict, head energy and emissions, change with its band, budget", () => {
    const history = baseHistory([100, 101, 99]);
    const head = makeReport({ phases: { train: 125, eval: 2 }, createdAt: "2026-11-21T10:00:00.000Z" });
    const comparison = compareReports(head, history);
    const budgets = evaluateBudgets({ report: head, comparison, budgets: { maxIncreasePercent: 10 } });
    const md = comment([{ head, history, comparison }], { budgets });
    const lines = plain(md).split("\n");
    expect(lines[0]).toBe("<!-- ml-footprint:train -->");
    expect(lines[1]).toBe(
      "### 🔺 Increase: 127 Wh · 56.9 g CO2e — +25 % energy vs main (noise ±11 %) — ❌ over the 10 % budget",
    );
    expect(md).toMatch(/```mermaid\n%%{init: .*}%%\nxychart-beta/);
    expect(md).toContain("| **this PR**");
    expect(md).toContain("<details><summary>How this was measured</summary>");
    expect(md).toContain("**Noise rule:**");
    const check = inspectMarkdown(md);
    expect(check.foreignHtml).toEqual([]);
    expect(check.markers).toBe(1);
    expect(check.tables[0]?.header.map((h) => h.text)).toEqual([
      "Phase",
      "Base",
      "Head",
      "Change",
      "CO2e",
      "Time",
    ]);
    expect(check.tables[0]?.rows.map((r) => plain(r[3]?.text ?? ""))).toEqual([
      "🔺 +25 %",
      "✅ ±0 %",
      "🔺 +25 %",
    ]);
    // The change is computed once: the headline's percent is the total row's.
    expect(check.tables[0]?.rows.at(-1)?.[0]?.text).toBe("**total**");
  });

  it("says when there is no base run yet, or the hardware differs", () => {
    expect(plain(comment([job(makeReport(), [])])).split("\n")[1]).toBe(
      "### 🆕 No baseline: 12.0 Wh · 5.38 g CO2e — no base run of main to compare with yet",
    );
    const hw = plain(comment([job(makeReport({ threads: 16 }), [makeReport()])]));
    expect(hw.split("\n")[1]).toBe(
      "### ⚠️ Different hardware: 12.0 Wh · 5.38 g CO2e — not compared: main ran on different hardware (vCPUs: 4 → 16)",
    );
    // what changed, escaped (a CPU brand comes from the report), at most two differences in the headline
    const cpu = plain(
      comment([job(makeReport({ threads: 16, cpu: "Xeon *Gold*", gpus: ["A100"] }), [makeReport()])]),
    );
    expect(cpu.split("\n")[1]).toBe(
      "### ⚠️ Different hardware: 12.0 Wh · 5.38 g CO2e — not compared: main ran on different hardware (CPU: AMD EPYC 7763 64-Core Processor → Xeon \\*Gold\\*; vCPUs: 4 → 16; …)",
    );
    expect(hw).toContain("Different hardware than the base run: vCPUs: 4 → 16");
  });

  it("renders a matrix as one table, a row per job and one total computed in one place", () => {
    const jobs = ["a", "b", "c"].map((k, i) =>
      job(makeReport({ key: k, phases: { train: 10 + i * 5 } }), [
        makeReport({ key: k, phases: { train: 10 } }),
      ]),
    );
    const md = plain(comment(jobs));
    expect(md.split("\n")[1]).toBe(
      "### 🔺 Increase: 45.0 Wh · 20.2 g CO2e in 3 jobs — +50 % energy vs main (noise ±19 % from the prior, 1 base run)",
    );
    const [table] = inspectMarkdown(md).tables;
    expect(table?.header.map((h) => h.text)[0]).toBe("Job");
    expect(table?.rows.map((r) => r[0]?.text)).toEqual(["a", "b", "c", "**total**"]);
    expect(table?.rows.map((r) => r[3]?.text)).toEqual(["✅ ±0 %", "🔺 +50 %", "🔺 +100 %", "🔺 +50 %"]);
    // one total: the headline's +50 % and the total row's come from the same comparison
    const total = totalComparison(
      jobs,
      sumReports(
        jobs.map((j) => j.head),
        jobs[0]!.head,
      ),
    );
    expect(total.total.deltaEnergyPercent).toBeCloseTo(50, 6);
    expect(plain(comment(jobs, { total }))).toBe(md);
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
    expect(renderComment(model)).toBe(`${model.marker}\n${summary}`);
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
      for (const row of main?.rows ?? []) expect(row[3]?.text).toMatch(VERDICT);
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
    expect(md.split("\n")[1]).toMatch(/^### \S+ [^:]+: .* in 200 jobs — /);
    expect(md).toContain("| **total** |");
    const check = inspectMarkdown(md);
    expect(check.tables[0]?.rows).toHaveLength(201);
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
        expect(md.split("\n")[1]).toMatch(/^### \S+ [^:]+: /);
      }),
      { numRuns: 40 },
    );
    // 40 inputs of up to 250 jobs: ~10 s on a quiet machine; generous for a loaded 2-core CI
  }, 120_000);
});

describe("context line", () => {
  it("names the base runs used, by date when they record no commit (local compare)", () => {
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
    expect(plain(model.context)).toBe(
      "Region azure:eastus (from cloud metadata) · 380 g CO2e/kWh (2021) · base: 1 run of base, newest 2026-11-20 10:00 (no commit recorded)",
    );
    const none = buildCommentModel({
      key: "train",
      reports: [{ head, comparison: null, history: [] }],
      budgets: [],
      baseRef: "main",
      baseSha: null,
      toolVersion: "test",
    });
    expect(plain(none.context)).toBe(
      "Region azure:eastus (from cloud metadata) · 380 g CO2e/kWh (2021) · no base run of main",
    );
  });
});

describe("few jobs, many phases", () => {
  it("keeps one row per job and lists the phases in each job's details (2 long-named jobs × 200 long-named phases)", () => {
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
    expect(inspectMarkdown(body).tables[0]?.rows).toHaveLength(3);
    const phaseLines = body.split("\n").filter((line) => line.startsWith("- Phase preprocess"));
    expect(phaseLines).toHaveLength(20);
    expect(body).toContain("… and 190 more phases in the report");
  });
});
