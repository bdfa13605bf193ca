/** Table cells for one comparison row (phase or total), and the verdict wording shared by the headline. */
import type { Row, Verdict } from "./compare.js";
import { escapeMarkdown } from "./escape.js";
import {
  formatDelta,
  formatDuration,
  formatEnergy,
  formatMass,
  formatPercent,
  formatRange,
  formatSigned,
} from "./format.js";

/** Which verdicts matter most when a table must be cut: increases first, quiet rows last. */
export const VERDICT_RANK: Record<Verdict, number> = {
  increase: 0,
  "different-hardware": 1,
  decrease: 2,
  "no-baseline": 3,
  "within-noise": 4,
};

/** Lower = kept first; a job's total row outranks its phase rows of the same verdict. */
export function rowRank(row: Pick<Row, "verdict" | "isTotal">): number {
  return VERDICT_RANK[row.verdict] * 2 + (row.isTotal ? 0 : 1);
}

export function verdictText(row: Pick<Row, "verdict" | "bandPercent" | "basis" | "work">): string {
  const band = row.bandPercent === null ? "" : ` (±${formatPercent(row.bandPercent)})`;
  const per =
    row.basis === "energy-per-work" && row.work ? ` per 1k ${escapeMarkdown(row.work.unit, 30)}` : "";
  switch (row.verdict) {
    case "increase":
      return `🔺 increase${per}${band}`;
    case "decrease":
      return `🔻 decrease${per}${band}`;
    case "within-noise":
      return `≈ within noise${band}`;
    case "no-baseline":
      return "🆕 no baseline";
    case "different-hardware":
      return "⚠️ different hardware";
  }
}

function emissionsCell(side: Row["head"]): string {
  if (!side || side.emissionsG === null) return "—";
  const range = formatRange(side.emissionsLowG ?? 0, side.emissionsHighG ?? 0, formatMass);
  return `${formatMass(side.emissionsG)} (${range})`;
}

/** Cells in column order: [Job], Phase, Base, Head, Δ energy, Duration (Δ), Emissions (range), Δ emissions, Verdict. */
export function rowCells(row: Row, jobLabel: string | null): string[] {
  const name = row.isTotal
    ? "**total**"
    : escapeMarkdown(row.name, 60) + (row.presence === "removed" ? " (removed)" : "");
  const cells = [
    name,
    row.base ? formatEnergy(row.base.energyWh) : "—",
    row.head ? formatEnergy(row.head.energyWh) : "—",
    row.deltaEnergyWh === null ? "—" : formatDelta(row.deltaEnergyWh, row.deltaEnergyPercent, formatEnergy),
    (row.head ? formatDuration(row.head.durationS) : "—") +
      (row.deltaDurationS === null ? "" : ` (${formatSigned(row.deltaDurationS, formatDuration)})`),
    emissionsCell(row.head),
    row.deltaEmissionsG === null
      ? "—"
      : formatDelta(row.deltaEmissionsG, row.deltaEmissionsPercent, formatMass),
    verdictText(row),
  ];
  return jobLabel === null ? cells : [jobLabel, ...cells];
}
