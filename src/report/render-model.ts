/**
 * The content model behind the PR comment and the job summary: every user-controlled string is escaped
 * here, once, so the renderers only arrange trusted markdown pieces and decide what to cut to stay under
 * the length cap. Pure; matrix-ready (one entry per measured job).
 */
import { shortSha, trendMermaid, trendPoints, trendTable } from "./chart.js";
import { compareReports, type Verdict } from "./compare.js";
import { commentMarker, escapeMarkdown, sanitizeMarkerKey } from "./escape.js";
import {
  formatDelta,
  formatDuration,
  formatEnergy,
  formatMass,
  formatPercent,
  formatRange,
  formatSigned,
} from "./format.js";
import { jobDetails } from "./render-details.js";
import { rowCells, rowRank, VERDICT_RANK, verdictText } from "./render-rows.js";
import type { Report } from "../model/report.js";
import type { CommentModel, CommentModelInput, JobInput, TableRow } from "./comment-model.js";

export function jobLabel(report: Report): string {
  return escapeMarkdown(report.identity.key || report.identity.job || "job", 60);
}

const VERDICT_WORDS: Record<Verdict, string> = {
  increase: "increased",
  decrease: "decreased",
  "within-noise": "within noise",
  "no-baseline": "without baseline",
  "different-hardware": "on different hardware",
};

interface Aggregate {
  headWh: number;
  baseWh: number;
  matchedHeadWh: number;
  counts: Record<Verdict, number>;
}

function aggregate(jobs: JobInput[]): Aggregate {
  const counts: Record<Verdict, number> = {
    increase: 0,
    decrease: 0,
    "within-noise": 0,
    "no-baseline": 0,
    "different-hardware": 0,
  };
  let headWh = 0;
  let baseWh = 0;
  let matchedHeadWh = 0;
  for (const job of jobs) {
    headWh += job.head.energyWh;
    const total = job.comparison?.total;
    const verdict = total?.verdict ?? "no-baseline";
    counts[verdict] += 1;
    if (total?.base && (verdict === "increase" || verdict === "decrease" || verdict === "within-noise")) {
      baseWh += total.base.energyWh;
      matchedHeadWh += job.head.energyWh;
    }
  }
  return { headWh, baseWh, matchedHeadWh, counts };
}

function headlineOf(
  input: CommentModelInput,
  agg: Aggregate,
  baseRefText: string,
  baseShaText: string,
): string {
  const over = input.budgets.filter((b) => b.over);
  const budgetText =
    over.length === 0
      ? null
      : over.length === 1 && over[0]?.budget === "max-increase"
        ? `over the ${formatPercent(over[0].limit)} budget`
        : `over budget (${over.length === 1 ? escapeMarkdown(over[0]?.message ?? "", 160) : `${over.length} budgets`})`;
  const jobs = input.reports.length;
  const across = jobs > 1 ? ` across ${jobs} jobs` : "";
  const vs = `vs ${baseRefText}${baseShaText ? ` (merge-base ${baseShaText})` : ""}`;
  const single = jobs === 1 ? input.reports[0]?.comparison?.total : undefined;
  let text: string;
  if (agg.baseWh <= 0 && agg.counts["different-hardware"] === 0) {
    const emissions = input.reports.every((j) => j.head.carbon)
      ? ` · ${formatMass(input.reports.reduce((a, j) => a + (j.head.carbon?.emissions.totalG ?? 0), 0))} CO2e`
      : "";
    text = `⚡ Energy ${formatEnergy(agg.headWh)}${emissions}${across} — no base run of ${baseRefText} to compare with yet`;
  } else if (agg.baseWh <= 0) {
    text = `⚡ Energy ${formatEnergy(agg.headWh)}${across} — different hardware than ${baseRefText}, not compared`;
  } else {
    const percent = ((agg.matchedHeadWh - agg.baseWh) / agg.baseWh) * 100;
    const sign = percent > 0 ? "+" : percent < 0 ? "−" : "±";
    let verdict: string;
    if (single) verdict = verdictText(single).replace(/^\S+ /, "");
    else {
      const parts = (["increase", "decrease", "different-hardware", "no-baseline", "within-noise"] as const)
        .filter((v) => agg.counts[v] > 0)
        .map((v) => `${agg.counts[v]} ${VERDICT_WORDS[v]}`);
      verdict = parts.join(", ");
    }
    text = `⚡ Energy ${sign}${formatPercent(Math.abs(percent))} ${vs}${across} — ${verdict}`;
  }
  return budgetText ? `${text} — ${budgetText}` : text;
}

export function buildCommentModel(input: CommentModelInput): CommentModel {
  const multi = input.reports.length > 1;
  const baseRefText = escapeMarkdown(input.baseRef || "the base branch", 60);
  const baseShaText = input.baseSha ? shortSha(input.baseSha) : "";
  const agg = aggregate(input.reports);

  const rows: TableRow[] = [];
  input.reports.forEach((job) => {
    const label = multi ? jobLabel(job.head) : null;
    // Without a comparison, compareReports with no base runs gives the same rows marked "no baseline".
    const comparison = job.comparison ?? compareReports(job.head, []);
    for (const row of [...comparison.phases, comparison.total]) {
      rows.push({ cells: rowCells(row, label), isTotal: row.isTotal, rank: rowRank(row) });
    }
  });
  const columns = [
    ...(multi ? ["Job"] : []),
    "Phase",
    "Base",
    "Head",
    "Δ energy",
    "Duration (Δ)",
    "Emissions (range)",
    "Δ emissions",
    "Verdict",
  ];

  const totals: string[] = [];
  const allCarbon = input.reports.every((j) => j.head.carbon);
  const sum = (f: (r: Report) => number) => input.reports.reduce((a, j) => a + f(j.head), 0);
  const emissionsText = allCarbon
    ? ` · **${formatMass(sum((r) => r.carbon?.emissions.totalG ?? 0))} CO2e** (${formatRange(
        sum((r) => r.carbon?.emissions.lowG ?? 0),
        sum((r) => r.carbon?.emissions.highG ?? 0),
        formatMass,
      )})`
    : " · emissions not computed for every job";
  totals.push(
    `**${multi ? `Total of ${input.reports.length} jobs` : "Total"}:** **${formatEnergy(agg.headWh)}** (${formatRange(
      sum((r) => r.lowWh),
      sum((r) => r.highWh),
      formatEnergy,
    )})${emissionsText} · ${formatDuration(sum((r) => r.durationS))}`,
  );
  const single = !multi ? input.reports[0]?.comparison?.total : undefined;
  if (
    single?.deltaEnergyWh != null &&
    single.deltaEnergyLowWh !== null &&
    single.deltaEnergyHighWh !== null
  ) {
    totals.push(
      `**Δ energy vs base:** ${formatDelta(single.deltaEnergyWh, single.deltaEnergyPercent, formatEnergy)}, measurement range ${formatSigned(single.deltaEnergyLowWh, formatEnergy)} … ${formatSigned(single.deltaEnergyHighWh, formatEnergy)}`,
    );
  } else if (multi && agg.baseWh > 0) {
    totals.push(
      `**Δ energy vs base** (jobs with a comparable base run): ${formatDelta(agg.matchedHeadWh - agg.baseWh, ((agg.matchedHeadWh - agg.baseWh) / agg.baseWh) * 100, formatEnergy)}`,
    );
  }
  const work = single?.work;
  if (work) {
    totals.push(
      `**Per 1k ${escapeMarkdown(work.unit, 30)}:** ${formatEnergy(work.baseWhPer1k)} → ${formatEnergy(work.headWhPer1k)}, ${formatDelta(work.headWhPer1k - work.baseWhPer1k, work.deltaPercent, formatEnergy)}`,
    );
  }
  const regions = new Set(input.reports.map((j) => j.head.carbon?.region.id ?? ""));
  const first = input.reports[0]?.head.carbon;
  if (first && regions.size === 1) {
    const i = first.intensity;
    totals.push(
      `**Region:** ${escapeMarkdown(first.region.name)} (${escapeMarkdown(first.region.id, 40)}, from ${first.region.source}) · ${Math.round(i.gPerKWh)} g CO2e/kWh (${Math.round(i.lowGPerKWh)}–${Math.round(i.highGPerKWh)}), ${escapeMarkdown(i.source, 120)}${i.year ? ` ${i.year}` : ""}${i.live ? ", live" : ""} · PUE ${first.pue.value}`,
    );
  } else if (regions.size > 1) {
    totals.push(`**Regions:** ${regions.size} different regions or none; see "How this was measured".`);
  }

  const budgets = input.budgets.map(
    (b) => `${b.over ? "❌" : b.actual === null ? "➖" : "✅"} ${escapeMarkdown(b.message, 300)}`,
  );

  const trends = input.reports
    .filter((j) => j.history.length > 0)
    .sort(
      (a, b) =>
        VERDICT_RANK[a.comparison?.verdict ?? "no-baseline"] -
        VERDICT_RANK[b.comparison?.verdict ?? "no-baseline"],
    )
    .map((j) => {
      const points = trendPoints(j.head, j.history);
      const label = j.head.identity.key || j.head.identity.job;
      return {
        title: multi ? `Trend: ${jobLabel(j.head)}` : "Trend",
        mermaid: trendMermaid(points, `${label}: ${input.baseRef} + this PR`),
        table: trendTable(points),
      };
    });

  const noiseRule = input.reports.find((j) => j.comparison)?.comparison?.noiseRule ?? "";
  const historyRuns = Math.max(0, ...input.reports.map((j) => j.history.length));
  return {
    key: sanitizeMarkerKey(input.key),
    marker: commentMarker(input.key),
    headline: headlineOf(input, agg, baseRefText, baseShaText),
    baseLine: baseShaText
      ? `Compared with ${baseRefText} at \`${baseShaText}\` and up to ${historyRuns} recent base runs.`
      : historyRuns > 0
        ? `Compared with ${historyRuns} ${baseRefText} report(s) that record no commit (measured outside CI).`
        : `No base commit of ${baseRefText} to compare with.`,
    totals,
    budgets,
    columns,
    rows,
    trends,
    details: input.reports.map((j) => jobDetails(j.head, j.comparison, multi)),
    noiseRule: escapeMarkdown(noiseRule, 1_000),
    footer: `ml-footprint ${escapeMarkdown(input.toolVersion, 40)} · energy is compared first; emissions also move with the grid.`,
  };
}
