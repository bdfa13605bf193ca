/**
 * Two renderers over one content model: the sticky PR comment (hidden marker first) and the job summary.
 * Both stay under a hard character cap for any input size: tables, trends and details are cut step by
 * step ("… N more rows"), never the marker, the headline, the totals or the budgets.
 */
import type { CommentModel, TableRow } from "./comment-model.js";

/** GitHub rejects comments over 65,536 characters; we stay well below (issue 5: "below 60,000"). */
export const COMMENT_MAX_CHARS = 60_000;
/** GitHub limits a step summary to 1 MiB; keep a margin for other steps' summaries (docs.github.com, 2025). */
export const SUMMARY_MAX_CHARS = 500_000;

interface Limits {
  maxRows: number;
  phaseRows: boolean;
  maxTrends: number;
  maxDetailJobs: number;
  maxDetailLines: number;
}

/** Tried in order until the text fits; the last one keeps only what must never be dropped. */
const LADDER: Limits[] = [
  { maxRows: Infinity, phaseRows: true, maxTrends: 3, maxDetailJobs: Infinity, maxDetailLines: Infinity },
  { maxRows: 250, phaseRows: true, maxTrends: 2, maxDetailJobs: 20, maxDetailLines: 20 },
  // Few jobs with many (long-named) phases: keep the most telling phase rows before dropping them all.
  { maxRows: 120, phaseRows: true, maxTrends: 1, maxDetailJobs: 10, maxDetailLines: 16 },
  { maxRows: 40, phaseRows: true, maxTrends: 1, maxDetailJobs: 3, maxDetailLines: 12 },
  // Many jobs: one row per job (its total) before cutting jobs.
  { maxRows: 250, phaseRows: false, maxTrends: 1, maxDetailJobs: 10, maxDetailLines: 16 },
  { maxRows: 120, phaseRows: false, maxTrends: 1, maxDetailJobs: 3, maxDetailLines: 12 },
  { maxRows: 40, phaseRows: false, maxTrends: 0, maxDetailJobs: 1, maxDetailLines: 8 },
  { maxRows: 0, phaseRows: false, maxTrends: 0, maxDetailJobs: 0, maxDetailLines: 0 },
];

const ALIGN_LEFT = new Set(["Job", "Phase", "Verdict"]);

function pickRows(rows: TableRow[], limits: Limits): { kept: TableRow[]; dropped: number } {
  const eligible = rows
    .map((row, index) => ({ row, index }))
    .filter((r) => limits.phaseRows || r.row.isTotal);
  if (eligible.length <= limits.maxRows)
    return { kept: eligible.map((r) => r.row), dropped: rows.length - eligible.length };
  // Keep the most telling rows (increases first), shown in their original order.
  const chosen = [...eligible]
    .sort((a, b) => a.row.rank - b.row.rank || a.index - b.index)
    .slice(0, limits.maxRows)
    .sort((a, b) => a.index - b.index);
  return { kept: chosen.map((r) => r.row), dropped: rows.length - chosen.length };
}

function table(model: CommentModel, limits: Limits, where: string): string[] {
  const { kept, dropped } = pickRows(model.rows, limits);
  const out: string[] = [];
  if (kept.length) {
    out.push(
      `| ${model.columns.join(" | ")} |`,
      `| ${model.columns.map((c) => (ALIGN_LEFT.has(c) ? "---" : "---:")).join(" | ")} |`,
    );
    for (const row of kept) out.push(`| ${row.cells.join(" | ")} |`);
  }
  if (dropped > 0) {
    if (out.length) out.push("");
    out.push(`… ${dropped} more rows (see ${where})`);
  }
  return out;
}

function render(model: CommentModel, limits: Limits, withMarker: boolean, where: string): string {
  const out: string[] = [];
  if (withMarker) out.push(model.marker);
  out.push(`### ${model.headline}`, "", model.baseLine, "");
  if (model.budgets.length) out.push(...model.budgets.map((b) => `- ${b}`), "");
  out.push(...table(model, limits, where), "");
  out.push(...model.totals.map((t) => `${t}  `), "");
  const trends = model.trends.slice(0, limits.maxTrends);
  for (const t of trends) out.push(`**${t.title}**`, "", t.mermaid, "", t.table, "");
  if (model.trends.length > trends.length && limits.maxTrends > 0) {
    out.push(`… ${model.trends.length - trends.length} more trends (see ${where})`, "");
  }
  if (limits.maxDetailJobs > 0) {
    out.push("<details><summary>How this was measured</summary>", "");
    const jobs = model.details.slice(0, limits.maxDetailJobs);
    for (const d of jobs) {
      out.push(`**${d.title}**`, "");
      const lines = d.lines.slice(0, limits.maxDetailLines);
      out.push(...lines.map((l) => `- ${l}`));
      if (d.lines.length > lines.length)
        out.push(`- … ${d.lines.length - lines.length} more lines (see ${where})`);
      out.push("");
    }
    if (model.details.length > jobs.length)
      out.push(`… ${model.details.length - jobs.length} more jobs (see ${where})`, "");
    if (model.noiseRule) out.push(`**Noise rule:** ${model.noiseRule}`, "");
    out.push("</details>", "");
  } else {
    out.push(`Measurement details: see ${where}.`, "");
  }
  out.push(`<sub>${model.footer}</sub>`);
  return `${out.join("\n")}\n`;
}

function renderCapped(model: CommentModel, cap: number, withMarker: boolean, where: string): string {
  let text = "";
  const totalRows = model.rows.filter((r) => r.isTotal).length;
  for (const limits of LADDER) {
    // A phase-row rung with no room beyond the job totals would cut jobs; the totals-only rungs do better.
    if (limits.phaseRows && totalRows > limits.maxRows / 2) continue;
    text = render(model, limits, withMarker, where);
    if (text.length <= cap) return text;
  }
  // Unreachable with bounded labels (the last rung is a few kB); a guard, cut at a line boundary.
  const cut = text.slice(0, cap - 100);
  return `${cut.slice(0, cut.lastIndexOf("\n"))}\n\n… cut to stay under ${cap} characters\n`;
}

/** The sticky PR comment: the marker line first, at most COMMENT_MAX_CHARS characters. */
export function renderComment(model: CommentModel, cap = COMMENT_MAX_CHARS): string {
  return renderCapped(model, cap, true, "the job summary and the report artifacts");
}

/** The job summary: the same content without the marker, with a larger cap. */
export function renderSummary(model: CommentModel, cap = SUMMARY_MAX_CHARS): string {
  return renderCapped(model, cap, false, "the report artifacts");
}
