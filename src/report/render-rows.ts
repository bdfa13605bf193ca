/**
 * The verdict's words and the table's cells. The table is narrow on purpose (GitHub's conversation column is
 * about 880 px wide): name, base, head, change (with the verdict's emoji), emissions, time. Ranges and bands
 * sit in the collapsed details, not in every cell; every figure is unbreakable (render-figures.ts).
 */
import type { Row, Verdict } from "./compare.js";
import { escapeMarkdown } from "./escape.js";
import { changePercent, duration, energy, mass, percent, signedEnergy } from "./render-figures.js";
import type { Column } from "./comment-model.js";

/** Which verdicts matter most when a table must be cut: increases first, quiet rows last. */
export const VERDICT_RANK: Record<Verdict, number> = {
  increase: 0,
  "different-hardware": 1,
  "not-comparable": 1,
  decrease: 2,
  "no-baseline": 3,
  "within-noise": 4,
};

export const VERDICT_EMOJI: Record<Verdict, string> = {
  increase: "🔺",
  // a decrease is good news: green, not the red down-triangle
  decrease: "🟢",
  "within-noise": "✅",
  "no-baseline": "🆕",
  "different-hardware": "⚠️",
  "not-comparable": "⚠️",
};

export const VERDICT_WORD: Record<Verdict, string> = {
  increase: "Increase",
  decrease: "Decrease",
  "within-noise": "Within noise",
  "no-baseline": "No baseline",
  "different-hardware": "Different hardware",
  "not-comparable": "Not comparable",
};

/** Lower = kept first; a job's total row outranks its phase rows of the same verdict. */
export function rowRank(row: Pick<Row, "verdict" | "isTotal">): number {
  return VERDICT_RANK[row.verdict] * 2 + (row.isTotal ? 0 : 1);
}

/**
 * The band as the headline names it: "noise ±4.1 %" when base runs measured the noise, "noise ±14 % from the
 * prior" while the prior alone sets it (one base run, nothing else on the base branch to learn from).
 */
export function bandLabel(row: Pick<Row, "band" | "bandPercent">): string {
  if (row.bandPercent === null) return "";
  return row.band?.noiseKnown
    ? `noise ±${percent(row.bandPercent)}`
    : `noise ±${percent(row.bandPercent)} from the prior, ${row.band?.n ?? 0} base run${row.band?.n === 1 ? "" : "s"}`;
}

export const COLUMNS = (firstColumn: "Phase" | "Job"): Column[] => [
  { title: firstColumn, align: "left" },
  { title: "Base", align: "right" },
  { title: "Head", align: "right" },
  { title: "Change", align: "right" },
  { title: "CO2e", align: "right" },
  { title: "Time", align: "right" },
];

/** The change cell: the verdict's emoji and the energy change, or why there is none. */
export function changeCell(row: Row): string {
  const emoji = VERDICT_EMOJI[row.verdict];
  if (row.presence === "added" && row.verdict === "no-baseline") return `${emoji} new`;
  if (row.deltaEnergyWh === null) return `${emoji} no base`;
  if (row.verdict === "different-hardware" || row.verdict === "not-comparable")
    return `${emoji} not compared`;
  // Base and head stand beside it, so the change is the percent alone (the absolute one is in the details).
  return row.deltaEnergyPercent === null
    ? `${emoji} ${signedEnergy(row.deltaEnergyWh)}`
    : `${emoji} ${changePercent(row.deltaEnergyPercent)}`;
}

/** Cells in column order: name, base, head, change, emissions, time. `name` is trusted markdown. */
export function rowCells(row: Row, name: string): string[] {
  return [
    name,
    row.base ? energy(row.base.energyWh) : "—",
    row.head ? energy(row.head.energyWh) : "—",
    changeCell(row),
    row.head?.emissionsG == null ? "—" : mass(row.head.emissionsG),
    row.head ? duration(row.head.durationS) : "—",
  ];
}

/** A phase's name cell. */
export function phaseName(row: Row): string {
  return row.isTotal
    ? "**total**"
    : escapeMarkdown(row.name, 40) + (row.presence === "removed" ? " (removed)" : "");
}
