/**
 * The comment as a reader gets it: rendered to HTML with marked (GFM), as GitHub renders it. Links are whole
 * and clickable, no invisible character sits inside an address, the fold holds about 15 lines, a one-phase
 * job has one row, figures never break, the trend is labelled by commit and date, advice appears only for a
 * saving of at least 20 %.
 */
import { marked } from "marked";
import { describe, expect, it } from "vitest";
import { commentCarbonExtras, datasetSourceUrls } from "../../src/carbon/advice.js";
import { findPlace } from "../../src/carbon/dataset.js";
import { evaluateBudgets } from "../../src/report/budgets.js";
import { compareReports } from "../../src/report/compare.js";
import { renderComment, renderSummary } from "../../src/report/render-markdown.js";
import { buildCommentModel, type CommentModelInput, type JobInput } from "../../src/report/render-model.js";
import type { Report } from "../../src/model/report.js";
import { makeReport } from "./make-report.js";

const INVISIBLE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/;
/** The fold: what precedes the first collapsed section. */
const FOLD_LINES = 15;

/** A report whose carbon figures cite our dataset, as real ones do. */
function sourced(report: Report): Report {
  const place = findPlace("azure:eastus");
  if (!place || !report.carbon) throw new Error("fixture: azure:eastus is not in the dataset");
  report.carbon.intensity.source = place.source;
  return report;
}

function history(key: string, energies: number[]): Report[] {
  return energies.map((e, i) =>
    sourced(
      makeReport({
        key,
        phases: { train: e },
        sha: `${(0xabc1234 - i).toString(16)}${"0".repeat(33)}`,
        createdAt: new Date(Date.parse("2026-11-20T10:00:00.000Z") - i * 86_400_000).toISOString(),
      }),
    ),
  );
}

function jobOf(head: Report, base: Report[]): JobInput {
  return { head, history: base, comparison: compareReports(head, base) };
}

function render(jobs: JobInput[], extra: Partial<CommentModelInput> = {}): { md: string; html: string } {
  const md = renderComment(
    buildCommentModel({
      key: "train",
      reports: jobs,
      budgets: [],
      baseRef: "main",
      baseSha: "abc1234ffff",
      toolVersion: "0.1.0",
      ...commentCarbonExtras(jobs.map((j) => j.head)),
      ...extra,
    }),
  );
  return { md, html: marked.parse(md, { gfm: true, async: false }) };
}

interface Anchor {
  href: string;
  text: string;
}

function anchors(html: string): Anchor[] {
  return [...html.matchAll(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g)].map((m) => ({
    href: (m[1] ?? "").replace(/&amp;/g, "&"),
    text: m[2] ?? "",
  }));
}

function linesAboveFold(md: string): string[] {
  const lines = md.split("\n");
  const fold = lines.findIndex((l) => l.startsWith("<details>"));
  return lines.slice(0, fold === -1 ? lines.length : fold);
}

function tableBodyRows(html: string): string[][] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? "";
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((tr) =>
    [...(tr[1] ?? "").matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((td) => td[1] ?? ""),
  );
}

const oneJob = () =>
  jobOf(
    sourced(makeReport({ phases: { train: 0.341 }, createdAt: "2026-11-21T10:00:00.000Z" })),
    history("train", [0.185, 0.19, 0.18]),
  );

describe("the rendered comment", () => {
  it("links to our sources whole and clickable: https, no invisible character, no cut, the address we hold", () => {
    const { md, html } = render([oneJob()]);
    const links = anchors(html);
    expect(links.length).toBeGreaterThan(0);
    const ours = new Set(datasetSourceUrls());
    for (const a of links) {
      expect(a.href).toMatch(/^https:\/\/[^\s]+$/);
      expect(a.href).not.toMatch(INVISIBLE);
      expect(ours.has(a.href)).toBe(true);
      expect(a.text).not.toContain("…");
      expect(a.text).not.toMatch(INVISIBLE);
    }
    // nowhere in the comment is an address broken by an invisible character
    expect(md).not.toMatch(/https?:[\u200B-\u200D]/);
  });

  it("keeps the fold to the headline, one table and one context line (≤ 15 lines), one row for a one-phase job", () => {
    const { md, html } = render([oneJob()]);
    const fold = linesAboveFold(md);
    expect(fold.length).toBeLessThanOrEqual(FOLD_LINES);
    expect(fold.filter((l) => l.startsWith("| ")).length).toBe(3); // header, rule, one row
    const rows = tableBodyRows(html);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.[0]).toBe("train");
    expect((html.match(/<table>/g) ?? []).length).toBe(2); // the table, and the trend's inside <details>
    expect(fold.some((l) => /^Region azure:eastus .* · base: 3 runs of main at `abc1234`$/.test(l))).toBe(
      true,
    );
    const headline = md.split("\n")[1]?.replace(/\u00a0/g, " ");
    expect(headline).toBe("### 🔺 Increase: 341 mWh · 153 mg CO2e — +84 % energy vs main (noise ±10 %)");
  });

  it("never breaks a figure: every space between a number and its unit is non-breaking", () => {
    const { md } = render([oneJob()]);
    const tableLines = md.split("\n").filter((l) => l.startsWith("| "));
    for (const line of [md.split("\n")[1] ?? "", ...tableLines]) {
      expect(line).not.toMatch(/\d [A-Za-z%µ]/);
      expect(line).not.toMatch(/[±+−] ?\d+(\.\d+)? [%A-Za-z]/);
    }
  });

  it("labels the trend by short commit (the table adds its date), by date alone without a commit, never 'unknown'", () => {
    const base = history("train", [0.185, 0.19, 0.18]);
    base[1]!.identity.sha = "";
    const md = render([jobOf(sourced(makeReport({ phases: { train: 0.341 } })), base)]).md.replace(
      /\u00a0/g,
      " ",
    );
    expect(md).not.toMatch(/`unknown`|"unknown"|\| unknown/);
    expect(md).toContain('x-axis ["abc1232", "11-19 10:00", "abc1234", "this PR"]');
    expect(md).toContain("| 2026-11-19 10:00 |");
    expect(md).toContain("| `abc1234` 2026-11-20 |");
  });

  it("shows a small table instead of a chart for few points", () => {
    const { md } = render([
      jobOf(sourced(makeReport({ phases: { train: 0.341 } })), history("train", [0.2])),
    ]);
    expect(md).not.toContain("```mermaid");
    expect(md).toContain("| Run | Energy | Emissions |");
  });

  it("renders a matrix as one table: a row per job and the total, within the fold", () => {
    const jobs = ["a", "b", "c"].map((k, i) =>
      jobOf(
        sourced(makeReport({ key: k, phases: { train: 10 + i * 5, eval: 1 } })),
        history(k, [10, 10.2, 9.9]),
      ),
    );
    const { md, html } = render(jobs);
    expect(linesAboveFold(md).length).toBeLessThanOrEqual(FOLD_LINES);
    const rows = tableBodyRows(html);
    expect(rows.map((r) => r[0])).toEqual(["a", "b", "c", "<strong>total</strong>"]);
    // the total's change is stated in the headline and the total row, from the one total comparison
    const change = / — ([+−]\S+ %) energy vs main/.exec(md.replace(/\u00a0/g, " "))?.[1];
    expect(rows.at(-1)?.[3]?.replace(/\u00a0/g, " ")).toBe(`🔺 ${change}`);
  });

  it("advises a greener region in one collapsed line only for a saving of at least 20 %", () => {
    const job = oneJob();
    const currentG = 0.1;
    const advice = (emissionsG: number) => ({
      currentG,
      region: { id: "azure:eastus", name: "Azure eastus" },
      options: [
        { id: "azure:swedencentral", name: "Azure swedencentral", emissionsG, gPerKWh: 30, year: 2023 },
      ],
      source: "test",
    });
    expect(render([job], { advice: advice(0.09) }).md).not.toContain("🌱");
    const shown = render([job], { advice: advice(0.07) }).md;
    const summaries = shown.split("\n").filter((l) => l.includes("🌱"));
    expect(summaries).toHaveLength(1);
    expect(summaries[0]?.replace(/\u00a0/g, " ")).toBe(
      "<details><summary>🌱 Running in azure:swedencentral would cut operational emissions by 30 %: 70.0 mg instead of 100 mg CO2e (embodied unchanged)</summary>",
    );
  });

  it("shows an address from a report that is not ours as code, not as a link", () => {
    const head = sourced(makeReport({ phases: { train: 0.341 } }));
    head.carbon!.intensity.source = "Totally official — https://evil.example/login?next=%2F (trust me)";
    const { md, html } = render([jobOf(head, history("train", [0.2]))]);
    expect(anchors(html).map((a) => a.href)).not.toContain("https://evil.example/login?next=%2F");
    expect(html).toContain("<code>https://evil.example/login?next=%2F</code>");
    expect(md).not.toMatch(/evil\.example\/login[^?]/);
  });

  it("puts a failed budget in the headline and on its own line above the fold", () => {
    const job = oneJob();
    const budgets = evaluateBudgets({
      report: job.head,
      comparison: job.comparison,
      budgets: { emissionsG: 0.1, maxIncreasePercent: 10 },
    });
    const { md } = render([job], { budgets });
    const fold = linesAboveFold(md).map((l) => l.replace(/\u00a0/g, " "));
    expect(fold[1]).toMatch(/ — ❌ 2 budgets over$/);
    expect(fold.filter((l) => l.startsWith("❌ "))).toHaveLength(2);
    expect(fold.length).toBeLessThanOrEqual(FOLD_LINES);
  });

  it("the job summary follows the same design", () => {
    const job = oneJob();
    const model = buildCommentModel({
      key: "train",
      reports: [job],
      budgets: [],
      baseRef: "main",
      baseSha: "abc1234",
      toolVersion: "0.1.0",
    });
    const summary = renderSummary(model);
    expect(summary.split("\n")[0]).toBe(`### ${model.headline}`);
    expect(linesAboveFold(summary).length).toBeLessThanOrEqual(FOLD_LINES);
  });
});
