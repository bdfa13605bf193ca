/**
 * Two renderers over one content model: the sticky PR comment (hidden marker first) and the job summary.
 * Above the fold: headline, budget lines, one table, one context line. Below it, collapsed: trend, advice,
 * "How this was measured". Both stay under a hard character cap for any input size: tables, trends and
 * details are cut step by step ("… N more rows"), never the marker, the headline or the budgets.
 */
import type { CommentModel, TableRow } from "./comment-model.js";

/** GitHub rejects comments over 65,536 characters; we stay well below (issue 5: "below 60,000"). */
export const COMMENT_MAX_CHARS = 60_000;
/**
 * GitHub refuses a step summary over 1 MiB of UTF-8 bytes, not characters ("$GITHUB_STEP_SUMMARY upload
 * aborted, supports content up to a size of 1024k"; docs.github.com, workflow commands, adding a job
 * summary): the summary cap counts bytes, with half of it kept as a margin. A CJK label takes 3 bytes a
 * character, an emoji 4.
 */
export const SUMMARY_MAX_BYTES = 512 * 1024;

/** Size of a text as GitHub counts it for a step summary. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}
/** The title of the collapsed method section. */
export const METHOD_SUMMARY = "How this was measured";

interface Limits {
  maxRows: number;
  maxTrends: number;
  maxDetailJobs: number;
  maxDetailLines: number;
}

/** Tried in order until the text fits; the last one keeps only what must never be dropped. */
const LADDER: Limits[] = [
  { maxRows: Infinity, maxTrends: 3, maxDetailJobs: Infinity, maxDetailLines: Infinity },
  { maxRows: 250, maxTrends: 2, maxDetailJobs: 20, maxDetailLines: 20 },
  { maxRows: 120, maxTrends: 1, maxDetailJobs: 10, maxDetailLines: 16 },
  { maxRows: 60, maxTrends: 1, maxDetailJobs: 3, maxDetailLines: 12 },
  { maxRows: 40, maxTrends: 0, maxDetailJobs: 1, maxDetailLines: 8 },
  { maxRows: 0, maxTrends: 0, maxDetailJobs: 0, maxDetailLines: 0 },
];

function pickRows(rows: TableRow[], maxRows: number): { kept: TableRow[]; dropped: number } {
  if (rows.length <= maxRows) return { kept: rows, dropped: 0 };
  // Keep the most telling rows (the total, then increases), shown in their original order.
  const chosen = rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => a.row.rank - b.row.rank || a.index - b.index)
    .slice(0, maxRows)
    .sort((a, b) => a.index - b.index);
  return { kept: chosen.map((r) => r.row), dropped: rows.length - chosen.length };
}

function table(model: CommentModel, limits: Limits, where: string): string[] {
  const { kept, dropped } = pickRows(model.rows, limits.maxRows);
  const out: string[] = [];
  if (kept.length) {
    out.push(
      `| ${model.columns.map((c) => c.title).join(" | ")} |`,
      `| ${model.columns.map((c) => (c.align === "left" ? "---" : "---:")).join(" | ")} |`,
    );
    for (const row of kept) out.push(`| ${row.cells.join(" | ")} |`);
  }
  if (dropped > 0) {
    if (out.length) out.push("");
    out.push(`… ${dropped} more rows (see ${where})`);
  }
  return out;
}

/** A collapsed section; `summary` is HTML-safe plain text (markdown is not processed there). */
function collapsed(summary: string, body: string[]): string[] {
  return [`<details><summary>${summary}</summary>`, "", ...body, "", "</details>", ""];
}

function render(model: CommentModel, limits: Limits, withMarker: boolean, where: string): string {
  const out: string[] = [];
  if (withMarker) out.push(model.marker);
  out.push(`### ${model.headline}`, "");
  const notes = [...model.budgets, ...model.warnings];
  if (notes.length) out.push(...notes.map((n, i) => (i < notes.length - 1 ? `${n}  ` : n)), "");
  out.push(...table(model, limits, where), "");
  out.push(model.context, "");
  const trends = model.trends.slice(0, limits.maxTrends);
  for (const t of trends) out.push(...collapsed(t.title, [...(t.chart ? [t.chart, ""] : []), t.table]));
  if (model.trends.length > trends.length && limits.maxTrends > 0) {
    out.push(`… ${model.trends.length - trends.length} more trends (see ${where})`, "");
  }
  if (model.advice)
    out.push(
      ...collapsed(
        model.advice.summary,
        model.advice.lines.map((l) => `- ${l}`),
      ),
    );
  if (model.timeShift)
    out.push(
      ...collapsed(
        model.timeShift.summary,
        model.timeShift.lines.map((l) => `- ${l}`),
      ),
    );
  if (limits.maxDetailJobs > 0) {
    const body: string[] = [];
    const jobs = model.details.slice(0, limits.maxDetailJobs);
    for (const d of jobs) {
      body.push(`**${d.title}**`, "");
      const lines = d.lines.slice(0, limits.maxDetailLines);
      body.push(...lines.map((l) => `- ${l}`));
      if (d.lines.length > lines.length)
        body.push(`- … ${d.lines.length - lines.length} more lines (see ${where})`);
      body.push("");
    }
    if (model.details.length > jobs.length)
      body.push(`… ${model.details.length - jobs.length} more jobs (see ${where})`, "");
    if (model.noiseRule) body.push(`**Noise rule:** ${model.noiseRule}`);
    out.push(...collapsed(METHOD_SUMMARY, body));
  } else {
    out.push(`Measurement details: see ${where}.`, "");
  }
  out.push(`<sub>${model.footer}</sub>`);
  return `${out.join("\n").replace(/\n{3,}/g, "\n\n")}\n`;
}

function renderCapped(
  model: CommentModel,
  cap: number,
  withMarker: boolean,
  where: string,
  size: (text: string) => number,
  unit: string,
): string {
  let text = "";
  for (const limits of LADDER) {
    text = render(model, limits, withMarker, where);
    if (size(text) <= cap) return text;
  }
  // Unreachable with bounded labels (the last rung is a few kB); a guard, cut by code point to fit the
  // cap in its own unit, then back to a line boundary.
  let cut = "";
  let used = 0;
  for (const ch of text) {
    used += size(ch);
    if (used > cap - 100) break;
    cut += ch;
  }
  return `${cut.slice(0, cut.lastIndexOf("\n"))}\n\n… cut to stay under ${cap} ${unit}\n`;
}

/** The sticky PR comment: the marker line first, at most COMMENT_MAX_CHARS characters. */
export function renderComment(model: CommentModel, cap = COMMENT_MAX_CHARS): string {
  return renderCapped(
    model,
    cap,
    true,
    "the job summary and the report artifacts",
    (t) => t.length,
    "characters",
  );
}

/** The job summary: the same content without the marker, at most `cap` UTF-8 bytes. */
export function renderSummary(model: CommentModel, cap = SUMMARY_MAX_BYTES): string {
  return renderCapped(model, cap, false, "the report artifacts", utf8Bytes, "bytes");
}
