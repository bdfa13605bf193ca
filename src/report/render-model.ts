/**
 * The content model behind the PR comment and the job summary: every user-controlled string is escaped
 * here, once, so the renderers only arrange trusted markdown pieces and decide what to cut to stay under
 * the length cap. Pure; matrix-ready (one table row per measured job, one total computed in one place:
 * `totalComparison` in aggregate.ts).
 *
 * Above the fold: the headline (verdict, head energy and emissions, change vs base with its band), budget
 * lines, one table, one line of context (region, intensity, base runs used). Everything else — trend,
 * advice, method — sits in collapsed sections.
 */
import { sumReports, totalComparison } from "./aggregate.js";
import { MIN_CHART_POINTS, runLabel, shortSha, trendMermaid, trendPoints, trendTable } from "./chart.js";
import { compareReports, type Comparison, type Row } from "./compare.js";
import { commentMarker, escapeHtmlText, escapeMarkdown, sanitizeMarkerKey } from "./escape.js";
import { changePercent, energy, figure, mass, percent, unbreakFigures } from "./render-figures.js";
import { jobDetails } from "./render-details.js";
import {
  bandLabel,
  COLUMNS,
  phaseName,
  rowCells,
  rowRank,
  VERDICT_EMOJI,
  VERDICT_RANK,
  VERDICT_WORD,
} from "./render-rows.js";
import type {
  Advice,
  AdviceSection,
  CommentModel,
  CommentModelInput,
  JobInput,
  TableRow,
  TrendSection,
} from "./comment-model.js";
import type { Report } from "../model/report.js";

export type {
  Advice,
  CommentModel,
  CommentModelInput,
  DetailSection,
  JobInput,
  TableRow,
  TrendSection,
} from "./comment-model.js";

/** Advice is shown only when a choice cuts emissions by at least this much (issue 14). */
export const ADVICE_MIN_SAVING_PERCENT = 20;
/** Options named in the advice's collapsed body. */
const MAX_ADVICE_OPTIONS = 3;
/** Relative difference under which a one-phase job's phase and total are the same row. */
const SAME_ROW_TOLERANCE = 1e-6;

export function jobLabel(report: Report): string {
  return escapeMarkdown(report.identity.key || report.identity.job || "job", 60);
}

/** The one comparison the headline and the total row state: the job's, or the matrix total's. */
function overallComparison(input: CommentModelInput): Comparison {
  const jobs = input.reports;
  if (jobs.length === 1) {
    const only = jobs[0] as JobInput;
    return only.comparison ?? compareReports(only.head, []);
  }
  if (input.total) return input.total;
  const heads = jobs.map((j) => j.head);
  return totalComparison(jobs, sumReports(heads, heads[0] as Report));
}

/** What changed between the base's hardware and the head's, for the headline (the details list every run). */
function differentHardwareText(overall: Comparison, baseRefText: string): string {
  const differences = overall.hardwareDifferences.length
    ? overall.hardwareDifferences
    : (overall.baseRunsSkipped[0]?.hardwareDifferences ?? []);
  if (differences.length === 0) return `${baseRefText} ran on different hardware`;
  const shown = differences.slice(0, 2).join("; ") + (differences.length > 2 ? "; …" : "");
  return `${baseRefText} ran on different hardware (${unbreakFigures(escapeMarkdown(shown, 160))})`;
}

function headlineOf(input: CommentModelInput, overall: Comparison, baseRefText: string): string {
  const jobs = input.reports;
  const heads = jobs.map((j) => j.head);
  const headWh = heads.reduce((a, r) => a + r.energyWh, 0);
  const emissions = heads.every((r) => r.carbon)
    ? ` · ${mass(heads.reduce((a, r) => a + (r.carbon?.emissions.totalG ?? 0), 0))} CO2e`
    : "";
  const across = jobs.length > 1 ? ` in ${jobs.length} jobs` : "";
  const row = overall.total;
  const verdict = row.verdict;
  let change: string;
  if (verdict === "no-baseline") change = `no base run of ${baseRefText} to compare with yet`;
  else if (verdict === "different-hardware")
    change = `not compared: ${differentHardwareText(overall, baseRefText)}`;
  else if (verdict === "not-comparable")
    // why, in the row's own words (a base of almost no energy, samples that end before the job did, …)
    change = `not compared: ${unbreakFigures(escapeMarkdown(row.verdictWords.replace(/^not comparable[^:]*: /, ""), 300))}`;
  else {
    const perWork = row.basis === "energy-per-work" && row.work;
    const pct = perWork ? (row.work?.deltaPercent ?? null) : row.deltaEnergyPercent;
    const what = perWork ? `energy per 1k ${escapeMarkdown(row.work?.unit ?? "", 30)}` : "energy";
    const comparable = jobs.filter((j) =>
      ["increase", "decrease", "within-noise"].includes(j.comparison?.verdict ?? ""),
    ).length;
    const notes = [
      bandLabel(row),
      jobs.length > 1 && comparable < jobs.length ? `${comparable} of ${jobs.length} jobs compared` : "",
    ].filter(Boolean);
    change = `${changePercent(pct)} ${what} vs ${baseRefText}${notes.length ? ` (${notes.join(", ")})` : ""}`;
  }
  const over = input.budgets.filter((b) => b.over);
  const budget =
    over.length === 0
      ? ""
      : over.length === 1 && over[0]?.budget === "max-increase"
        ? ` — ❌ over the ${percent(over[0].limit)} budget`
        : ` — ❌ ${over.length === 1 ? "over budget" : `${over.length} budgets over`}`;
  return `${VERDICT_EMOJI[verdict]} ${VERDICT_WORD[verdict]}: ${energy(headWh)}${emissions}${across} — ${change}${budget}`;
}

/** How the region was found, in two or three words. */
const REGION_SOURCE_WORDS: Record<string, string> = {
  input: "from input",
  "intensity-input": "intensity from input",
  "imds-azure": "from cloud metadata",
  "imds-aws": "from cloud metadata",
  "imds-gcp": "from cloud metadata",
  "runner-default": "assumed",
  "world-default": "assumed: world average",
};

function contextLine(input: CommentModelInput, baseRefText: string): string {
  const parts: string[] = [];
  const carbons = input.reports.map((j) => j.head.carbon);
  const regions = new Set(carbons.map((c) => c?.region.id ?? ""));
  const first = carbons[0];
  if (first && regions.size === 1 && carbons.every((c) => c)) {
    parts.push(
      `Region ${escapeMarkdown(first.region.id, 40)} (${REGION_SOURCE_WORDS[first.region.source] ?? escapeMarkdown(first.region.source, 30)})`,
      `${figure(`${Math.round(first.intensity.gPerKWh)} g`)} CO2e/kWh${first.intensity.live ? " live" : first.intensity.year ? ` (${first.intensity.year})` : ""}`,
    );
  } else if (regions.size > 1) parts.push(`${regions.size} regions (see details)`);
  else parts.push("Energy only: no carbon accounting");
  const comparisons = input.reports.map((j) => j.comparison);
  const used = Math.max(0, ...comparisons.map((c) => c?.baseRuns ?? 0));
  const skipped = Math.max(0, ...comparisons.map((c) => c?.baseRunsSkipped.length ?? 0));
  const histories = Math.max(0, ...input.reports.map((j) => j.history.length));
  const newest = comparisons.map((c) => c?.base).find((b) => b) ?? null;
  const commit = input.baseSha ? shortSha(input.baseSha) : newest ? shortSha(newest.sha) : "";
  if (histories === 0) parts.push(`no base run of ${baseRefText}`);
  else {
    const where = commit
      ? ` at \`${commit}\``
      : newest
        ? `, newest ${figure(runLabel("", newest.createdAt))} (no commit recorded)`
        : "";
    const perJob = input.reports.length > 1 ? " per job" : "";
    const left = skipped > 0 ? ` (${skipped} left out: other hardware)` : "";
    parts.push(`base: ${used} run${used === 1 ? "" : "s"}${perJob} of ${baseRefText}${where}${left}`);
  }
  return parts.join(" · ");
}

function adviceSection(advice: Advice | null | undefined): AdviceSection | null {
  if (!advice || !(advice.currentG > 0)) return null;
  const options = advice.options
    .map((o) => ({ ...o, saving: ((advice.currentG - o.emissionsG) / advice.currentG) * 100 }))
    .filter((o) => Number.isFinite(o.saving) && o.saving >= ADVICE_MIN_SAVING_PERCENT)
    .sort((a, b) => b.saving - a.saving)
    .slice(0, MAX_ADVICE_OPTIONS);
  const best = options[0];
  if (!best) return null;
  if (advice.hosted) {
    const h = advice.hosted;
    return {
      summary: `🌱 ${escapeMarkdown(h.how, 160)} in ${escapeHtmlText(best.id, 40)} would cut operational emissions by ${percent(h.lowPercent)}–${percent(h.highPercent)} (the hosted runner's region is not published; embodied unchanged)`,
      lines: [
        `${escapeMarkdown(best.name, 80)}: ${mass(best.emissionsG)} instead of about ${mass(advice.currentG)}, ${figure(`${Math.round(best.gPerKWh)} g`)} CO2e/kWh${best.year ? ` (${best.year})` : ""}`,
        `Same energy, operational emissions only, compared with ${escapeMarkdown(advice.region.name, 80)}${advice.source ? `: ${escapeMarkdown(advice.source, 200)}` : ""}.`,
      ],
    };
  }
  return {
    summary: `🌱 Running in ${escapeHtmlText(best.id, 40)} would cut operational emissions by ${percent(best.saving)}: ${mass(best.emissionsG)} instead of ${mass(advice.currentG)} CO2e (embodied unchanged)`,
    lines: [
      ...options.map(
        (o) =>
          `${escapeMarkdown(o.name, 80)}: ${mass(o.emissionsG)} (−${percent(o.saving)}), ${figure(`${Math.round(o.gPerKWh)} g`)} CO2e/kWh${o.year ? ` (${o.year})` : ""}`,
      ),
      `Same energy, operational emissions only, compared with ${escapeMarkdown(advice.region.name, 80)}${advice.source ? `: ${escapeMarkdown(advice.source, 200)}` : ""}.`,
    ],
  };
}

/**
 * The time-shift line of a scheduled job (one report with carbon.timeShift): when in the next day the same job would
 * emit least, from the live provider's forecast. The report may come from a fork: every string is escaped.
 */
function timeShiftSection(input: CommentModelInput): AdviceSection | null {
  if (input.reports.length !== 1) return null;
  const shift = input.reports[0]?.head.carbon?.timeShift;
  if (!shift) return null;
  const hhmm = (iso: string) => escapeHtmlText(iso.slice(11, 16), 5);
  const saving = shift.savingFraction * 100;
  const summary =
    saving >= TIME_SHIFT_MIN_SAVING_PERCENT
      ? `⏰ Scheduled job: starting at ${hhmm(shift.bestStart)} UTC would emit about ${percent(saving)} less than at ${hhmm(shift.baselineStart)} UTC (forecast)`
      : `⏰ Scheduled job: no start time in the next day is clearly cleaner than ${hhmm(shift.baselineStart)} UTC (forecast, within ${percent(TIME_SHIFT_MIN_SAVING_PERCENT)})`;
  return {
    summary,
    lines: [
      `Forecast mean over the job's duration: ${figure(`${Math.round(shift.bestGPerKWh)} g`)} CO2e/kWh from ${escapeMarkdown(shift.bestStart.slice(0, 16), 20)} UTC, ${figure(`${Math.round(shift.baselineGPerKWh)} g`)} CO2e/kWh from ${escapeMarkdown(shift.baselineStart.slice(0, 16), 20)} UTC.`,
      `Source: ${escapeMarkdown(shift.source, 300)}. A forecast, not a measurement; operational emissions only (the same energy assumed).`,
    ],
  };
}

/** Smallest forecast saving worth a time-shift suggestion (assumed: forecasts for the next day err by several %). */
const TIME_SHIFT_MIN_SAVING_PERCENT = 10;

function tableRows(input: CommentModelInput, overall: Comparison): TableRow[] {
  const multi = input.reports.length > 1;
  const rows: TableRow[] = [];
  if (multi) {
    for (const job of input.reports) {
      const c = job.comparison ?? compareReports(job.head, []);
      rows.push({ cells: rowCells(c.total, jobLabel(job.head)), isTotal: true, rank: rowRank(c.total) });
    }
    rows.push({
      cells: rowCells(totalRowOf(input, overall), `**total**`),
      isTotal: true,
      rank: -1,
    });
    return rows;
  }
  const job = input.reports[0] as JobInput;
  const c = overall;
  const only = c.phases.length === 1 ? c.phases[0] : undefined;
  const close = (a: number, b: number) => Math.abs(a - b) <= SAME_ROW_TOLERANCE * Math.max(1, Math.abs(b));
  if (
    only?.head &&
    close(only.head.energyWh, job.head.energyWh) &&
    (!only.base || !c.total.base || close(only.base.energyWh, c.total.base.energyWh))
  ) {
    // One phase is the whole job: one row, judged like the total (the headline's verdict).
    return [{ cells: rowCells(c.total, phaseName(only)), isTotal: true, rank: 0 }];
  }
  for (const row of c.phases)
    rows.push({ cells: rowCells(row, phaseName(row)), isTotal: false, rank: rowRank(row) });
  rows.push({ cells: rowCells(c.total, "**total**"), isTotal: true, rank: -1 });
  return rows;
}

/**
 * The matrix total row: the head side is every job's sum; base and change come from the one total
 * comparison (jobs with a comparable base run only, said in the headline when that is not all of them).
 */
function totalRowOf(input: CommentModelInput, overall: Comparison): Row {
  const heads = input.reports.map((j) => j.head);
  const allCarbon = heads.every((r) => r.carbon);
  const sum = (f: (r: Report) => number) => heads.reduce((a, r) => a + f(r), 0);
  return {
    ...overall.total,
    head: {
      energyWh: sum((r) => r.energyWh),
      lowWh: sum((r) => r.lowWh),
      highWh: sum((r) => r.highWh),
      emissionsG: allCarbon ? sum((r) => r.carbon?.emissions.totalG ?? 0) : null,
      emissionsLowG: allCarbon ? sum((r) => r.carbon?.emissions.lowG ?? 0) : null,
      emissionsHighG: allCarbon ? sum((r) => r.carbon?.emissions.highG ?? 0) : null,
      durationS: sum((r) => r.durationS),
    },
  };
}

function trendsOf(input: CommentModelInput): TrendSection[] {
  const multi = input.reports.length > 1;
  return input.reports
    .filter((j) => j.history.length > 0)
    .sort(
      (a, b) =>
        VERDICT_RANK[a.comparison?.verdict ?? "no-baseline"] -
        VERDICT_RANK[b.comparison?.verdict ?? "no-baseline"],
    )
    .map((j) => {
      const points = trendPoints(j.head, j.history);
      const label = j.head.identity.key || j.head.identity.job;
      const base = points.length - 1;
      const span = `${base} run${base === 1 ? "" : "s"} of ${escapeHtmlText(input.baseRef || "the base branch", 60)} and this PR`;
      const job = escapeHtmlText(j.head.identity.key || j.head.identity.job || "job", 60);
      return {
        title: multi ? `📈 Trend of ${job}: ${span}` : `📈 Trend: ${span}`,
        chart: points.length >= MIN_CHART_POINTS ? trendMermaid(points, `${label}: energy per run`) : null,
        table: trendTable(points),
      };
    });
}

export function buildCommentModel(input: CommentModelInput): CommentModel {
  const multi = input.reports.length > 1;
  const baseRefText = escapeMarkdown(input.baseRef || "the base branch", 60);
  const trusted = new Set(input.trustedUrls ?? []);
  const overall = overallComparison(input);

  const budgets: string[] = input.budgets
    .filter((b) => b.over)
    .map((b) => `❌ ${unbreakFigures(escapeMarkdown(b.message, 300))}`);
  const rest = input.budgets.filter((b) => !b.over);
  if (rest.length) {
    budgets.push(
      rest
        .map((b) => `${b.actual === null ? "➖" : "✅"} ${unbreakFigures(escapeMarkdown(b.message, 200))}`)
        .join(" · "),
    );
  }
  const noiseRule = input.reports.find((j) => j.comparison)?.comparison?.noiseRule ?? "";
  return {
    key: sanitizeMarkerKey(input.key),
    marker: commentMarker(input.key),
    headline: headlineOf(input, overall, baseRefText),
    budgets,
    warnings: (input.warnings ?? []).map((w) => `⚠️ ${w}`),
    columns: COLUMNS(multi ? "Job" : "Phase"),
    rows: tableRows(input, overall),
    context: contextLine(input, baseRefText),
    trends: trendsOf(input),
    advice: adviceSection(input.advice),
    timeShift: timeShiftSection(input),
    details: input.reports.map((j) => jobDetails(j.head, j.comparison, multi, trusted)),
    noiseRule: unbreakFigures(escapeMarkdown(noiseRule, 1_000)),
    footer: `ml-footprint ${escapeMarkdown(input.toolVersion, 40)} · energy is compared first; emissions also move with the grid`,
  };
}
