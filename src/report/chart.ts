/**
 * The base-branch trend: recent base runs (oldest → newest) plus this PR. Each run is labelled by its short
 * commit and date ("abc1234 11-21"), or by its date and time alone when it records no commit (a report made
 * outside CI) — never "unknown". With few points a chart says nothing a small table does not, so the
 * Mermaid `xychart-beta` chart is drawn only from MIN_CHART_POINTS points on, and the table always follows
 * it (some viewers lack newer Mermaid chart types). Labels inside the Mermaid block are reduced to a safe
 * character set; table cells are escaped markdown.
 */
import { mermaidLabel } from "./escape.js";
import { formatEnergy, formatMass } from "./format.js";
import { figure } from "./render-figures.js";
import type { Report } from "../model/report.js";

export interface TrendPoint {
  /** short commit (hex only), "" when the run records none */
  commit: string;
  createdAt: string;
  energyWh: number;
  emissionsG: number | null;
  isHead: boolean;
}

/** Base runs at most shown in a trend, so the chart stays small. */
export const MAX_TREND_POINTS = 10;
/** Height of the chart in pixels (Mermaid's default is 500). */
export const CHART_HEIGHT_PX = 240;
/** Fewer points than this (base runs + this PR) get the table only. */
export const MIN_CHART_POINTS = 4;

/** The first 7 hex digits of a commit; "" when there is none. */
export function shortSha(sha: string | null | undefined): string {
  return (sha ?? "")
    .toLowerCase()
    .replace(/[^0-9a-f]/g, "")
    .slice(0, 7);
}

/** "2026-11-21" from an ISO time; "" when it is not one. */
export function dayOf(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}/.exec(iso)?.[0] ?? "";
}

/** A run's name: "abc1234 2026-11-21", or "2026-11-21 09:54" without a commit. */
export function runLabel(commit: string, createdAt: string): string {
  if (commit) return `${commit} ${dayOf(createdAt)}`.trim();
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(createdAt)
    ? createdAt.slice(0, 16).replace("T", " ")
    : "no date";
}

export function pointOf(report: Report, isHead: boolean): TrendPoint {
  return {
    commit: shortSha(report.identity.sha),
    createdAt: report.createdAt,
    energyWh: report.energyWh,
    emissionsG: report.carbon?.emissions.totalG ?? null,
    isHead,
  };
}

/** Points oldest → newest: up to MAX_TREND_POINTS base runs, then the head. */
export function trendPoints(head: Report, history: Report[]): TrendPoint[] {
  // Sorted by time rather than trusting the caller's order; the newest MAX_TREND_POINTS are kept.
  const base = [...history]
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .slice(0, MAX_TREND_POINTS)
    .reverse()
    .map((r) => pointOf(r, false));
  return [...base, pointOf(head, true)];
}

/** Round for chart data: 3 significant figures are plenty for a picture. */
function chartNumber(value: number): string {
  return Number(value.toPrecision(3)).toString();
}

/**
 * The x-axis label of a point: its short commit "abc1234", "11-21 09:54" without a commit, "this PR". The date
 * stays in the table below the chart: with it, six or more labels ran into each other under the bars.
 */
function axisLabel(p: TrendPoint): string {
  if (p.isHead) return "this PR";
  if (p.commit) return p.commit;
  return runLabel("", p.createdAt).slice(5);
}

/** A Mermaid xychart of total energy, in mWh, Wh or kWh by magnitude. `title` is reduced to safe characters. */
export function trendMermaid(points: TrendPoint[], title: string): string {
  const max = Math.max(...points.map((p) => p.energyWh), 0);
  const [factor, unit] = max >= 1_000 ? [1_000, "kWh"] : max >= 1 ? [1, "Wh"] : [0.001, "mWh"];
  // Duplicate labels (re-runs of one commit on one day) would merge on the axis: suffix them.
  const seen = new Map<string, number>();
  const labels = points.map((p) => {
    const label = axisLabel(p);
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    return `"${mermaidLabel(n > 1 ? `${label} #${n}` : label)}"`;
  });
  const values = points.map((p) => chartNumber(p.energyWh / factor)).join(", ");
  const top = chartNumber((max / factor) * 1.15 || 1);
  return [
    "```mermaid",
    // A short chart in GitHub's blue: the default is 500 px tall, taller than the rest of the comment.
    `%%{init: {"xyChart": {"height": ${CHART_HEIGHT_PX}}, "themeVariables": {"xyChart": {"plotColorPalette": "#54aeff"}}}}%%`,
    "xychart-beta",
    `    title "${mermaidLabel(title, 60)}"`,
    `    x-axis [${labels.join(", ")}]`,
    `    y-axis "Energy (${unit})" 0 --> ${top}`,
    `    bar [${values}]`,
    "```",
  ].join("\n");
}

/** The same trend as a small markdown table: run (commit and date), energy, emissions. */
export function trendTable(points: TrendPoint[]): string {
  const lines = ["| Run | Energy | Emissions |", "| --- | ---: | ---: |"];
  for (const p of points) {
    const name = runLabel(p.commit, p.createdAt);
    const run = p.isHead
      ? `**this PR** ${figure(dayOf(p.createdAt))}`
      : p.commit
        ? `\`${p.commit}\` ${figure(dayOf(p.createdAt))}`
        : figure(name);
    const emissions = p.emissionsG === null ? "—" : figure(formatMass(p.emissionsG));
    lines.push(`| ${run.trim()} | ${figure(formatEnergy(p.energyWh))} | ${emissions} |`);
  }
  return lines.join("\n");
}
