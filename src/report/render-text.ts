/** The CLI's plain-text summary of one report (stderr of `ml-footprint run`). */
import { forecastText } from "./forecast.js";
import { formatDuration, formatEnergy, formatMass, formatPercent, formatRange } from "./format.js";
import type { Report } from "../model/report.js";

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? "").length)));
  return rows
    .map((r) =>
      r
        .map((cell, col) => cell.padEnd(widths[col]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function renderTextSummary(report: Report): string {
  const lines: string[] = [];
  const status =
    report.signal !== null
      ? `killed by ${report.signal}`
      : report.exitCode === null
        ? ""
        : `exit code ${report.exitCode}`;
  lines.push(
    `ml-footprint — ${formatDuration(report.durationS)}, ${formatEnergy(report.energyWh)} ` +
      `(range ${formatRange(report.lowWh, report.highWh, formatEnergy)})${status ? `, ${status}` : ""}`,
  );
  const rows: string[][] = [["phase", "component", "energy", "range", "mean power", "method", "how"]];
  for (const phase of report.phases) {
    for (const c of phase.components) {
      rows.push([
        phase.name,
        c.component,
        formatEnergy(c.energyWh),
        formatRange(c.lowWh, c.highWh, formatEnergy),
        `${c.meanPowerW.toFixed(1)} W`,
        c.method,
        c.provenance,
      ]);
    }
    if (phase.components.length === 0) rows.push([phase.name, "—", "0 Wh", "", "", "not-measured", ""]);
  }
  lines.push(table(rows));
  const util = report.phases
    .map((p) => `${p.name}: CPU ${p.meanCpuUtil === null ? "n/a" : formatPercent(p.meanCpuUtil * 100)}`)
    .join("; ");
  lines.push(`utilization — ${util}; ${report.samples} samples at ${report.intervalMs} ms`);
  if (report.carbon) {
    const { carbon } = report;
    lines.push(
      `emissions — ${formatMass(carbon.emissions.totalG)} CO2e (range ${formatRange(carbon.emissions.lowG, carbon.emissions.highG, formatMass)}); ` +
        `operational ${formatMass(carbon.emissions.operationalG)}, embodied ${formatMass(carbon.emissions.embodiedG)}`,
    );
    lines.push(
      `region — ${carbon.region.name} (${carbon.region.source}, ${carbon.region.provenance}); ` +
        `${carbon.intensity.gPerKWh.toFixed(0)} gCO2e/kWh from ${carbon.intensity.source}${carbon.intensity.year ? ` ${carbon.intensity.year}` : ""}; PUE ${carbon.pue.value}`,
    );
  } else {
    lines.push("emissions — not computed (energy only)");
  }
  if (report.work) {
    const perUnit = Object.entries(report.work.whPer1k)
      .map(([unit, wh]) => `${formatEnergy(wh)} per 1k ${unit}`)
      .join(", ");
    if (perUnit) lines.push(`work — ${perUnit}`);
  }
  if (report.forecast) lines.push(`forecast — ${forecastText(report.forecast)}`);
  lines.push(
    `hardware — ${report.hardware.cpu.brand} (${report.hardware.cpu.threads} threads), ${report.hardware.memoryGB.toFixed(1)} GB RAM` +
      (report.hardware.gpus.length
        ? `, ${report.hardware.gpus.map((g) => g.name).join(", ")}`
        : ", no NVIDIA GPU"),
  );
  const attribution = report.hardware.attribution;
  if (attribution?.scope === "cgroup") lines.push(`share — the job's cgroup: ${attribution.reason}`);
  for (const warning of report.warnings) lines.push(`warning — ${warning}`);
  return `${lines.join("\n")}\n`;
}
