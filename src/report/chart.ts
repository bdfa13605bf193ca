/**
 * The base-branch trend: recent base runs (oldest → newest) plus this PR, as a Mermaid `xychart-beta`
 * chart and a plain table right after it (some viewers lack newer Mermaid chart types). Labels inside the
 * Mermaid block are reduced to a safe character set; table cells are escaped markdown.
 */
import { escapeMarkdown, mermaidLabel } from "./escape.js";
import { formatEnergy, formatMass } from "./format.js";
import type { Report } from "../model/report.js";

export interface TrendPoint {
  /** short commit (hex only) or "PR" */
  label: string;
  createdAt: string;
  energyWh: number;
  emissionsG: number | null;
  isHead: boolean;
}

/** Base runs at most shown in a trend, so the chart stays small. */
export const MAX_TREND_POINTS = 10;

export function shortSha(sha: string | null | undefined): string {
  const hex = (sha ?? "").toLowerCase().replace(/[^0-9a-f]/g, "");
  return hex.slice(0, 7) || "unknown";
}

/** Points oldest → newest: up to MAX_TREND_POINTS base runs (history is newest first), then the head. */
export function trendPoints(head: Report, history: Report[]): TrendPoint[] {
  // Sorted by time rather than trusting the caller's order; the newest MAX_TREND_POINTS are kept.
  const base = [...history]
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .slice(0, MAX_TREND_POINTS)
    .reverse()
    .map((r) => ({
      label: shortSha(r.identity.sha),
      createdAt: r.createdAt,
      energyWh: r.energyWh,
      emissionsG: r.carbon?.emissions.totalG ?? null,
      isHead: false,
    }));
  return [
    ...base,
    {
      label: "PR",
      createdAt: head.createdAt,
      energyWh: head.energyWh,
      emissionsG: head.carbon?.emissions.totalG ?? null,
      isHead: true,
    },
  ];
}

/** Round for chart data: 3 significant figures are plenty for a picture. */
function chartNumber(value: number): string {
  return Number(value.toPrecision(3)).toString();
}

/** A Mermaid xychart of total energy, in Wh or kWh by magnitude. `title` is reduced to safe characters. */
export function trendMermaid(points: TrendPoint[], title: string): string {
  const max = Math.max(...points.map((p) => p.energyWh), 0);
  const [factor, unit] = max >= 1_000 ? [1_000, "kWh"] : [1, "Wh"];
  // Duplicate commit labels (re-runs) would merge on the axis: suffix them.
  const seen = new Map<string, number>();
  const labels = points.map((p) => {
    const n = (seen.get(p.label) ?? 0) + 1;
    seen.set(p.label, n);
    return `"${mermaidLabel(n > 1 ? `${p.label}-${n}` : p.label)}"`;
  });
  const values = points.map((p) => chartNumber(p.energyWh / factor)).join(", ");
  const top = chartNumber((max / factor) * 1.15 || 1);
  return [
    "```mermaid",
    "xychart-beta",
    `    title "${mermaidLabel(title, 60)}"`,
    `    x-axis [${labels.join(", ")}]`,
    `    y-axis "Energy (${unit})" 0 --> ${top}`,
    `    bar [${values}]`,
    `    line [${values}]`,
    "```",
  ].join("\n");
}

/** The same trend as a markdown table. */
export function trendTable(points: TrendPoint[]): string {
  const lines = ["| Run | Date (UTC) | Energy | Emissions |", "| --- | --- | ---: | ---: |"];
  for (const p of points) {
    const run = p.isHead ? "**this PR**" : `\`${shortSha(p.label)}\``;
    const date = escapeMarkdown(p.createdAt.slice(0, 16).replace("T", " "));
    const emissions = p.emissionsG === null ? "—" : formatMass(p.emissionsG);
    lines.push(`| ${run} | ${date} | ${formatEnergy(p.energyWh)} | ${emissions} |`);
  }
  return lines.join("\n");
}
