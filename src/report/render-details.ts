/**
 * The "How this was measured" content for one job: hardware, methods per component and their provenance,
 * samples and gaps, carbon sources, warnings. Every artifact string is escaped here.
 */
import type { Comparison } from "./compare.js";
import { escapeMarkdown } from "./escape.js";
import { forecastText } from "./forecast.js";
import { formatDuration, formatEnergy } from "./format.js";
import type { DetailSection } from "./comment-model.js";
import type { Report } from "../model/report.js";

/** 3 significant figures, no float noise (436.99999 → 437). */
const n3 = (v: number) => Number(v.toPrecision(3)).toString();

/** Warnings listed per job before "… and N more"; the renderer may cut further. */
const MAX_WARNINGS = 20;

function components(report: Report): string[] {
  const byComponent = new Map<string, { wh: number; methods: Set<string>; detail: string | undefined }>();
  for (const phase of report.phases) {
    for (const c of phase.components) {
      const entry = byComponent.get(c.component) ?? { wh: 0, methods: new Set<string>(), detail: c.detail };
      entry.wh += c.energyWh;
      entry.methods.add(`${c.method} (${c.provenance})`);
      byComponent.set(c.component, entry);
    }
  }
  return [...byComponent].map(
    ([name, e]) =>
      `${name}: ${formatEnergy(e.wh)} by ${[...e.methods].join(", ")}${e.detail ? ` — ${escapeMarkdown(e.detail, 160)}` : ""}`,
  );
}

export function jobDetails(report: Report, comparison: Comparison | null, multi: boolean): DetailSection {
  const hw = report.hardware;
  const lines: string[] = [];
  const gpus = hw.gpus.length ? hw.gpus.map((g) => escapeMarkdown(g.name, 60)).join(", ") : "none";
  lines.push(
    `Hardware: ${escapeMarkdown(hw.cpu.brand, 80)}, ${hw.cpu.threads} vCPUs, ${Number(hw.memoryGB.toFixed(1))} GB memory; GPUs: ${gpus}`,
  );
  lines.push(
    `Runner: ${escapeMarkdown(report.runner.os, 30)} ${escapeMarkdown(report.runner.arch, 20)}, ${report.runner.githubHosted === null ? "outside GitHub Actions" : report.runner.githubHosted ? "GitHub-hosted" : "self-hosted"}`,
  );
  for (const c of components(report)) lines.push(`Component ${c}`);
  const gaps = report.phases.flatMap((p) => p.gaps);
  const gapS = gaps.reduce((a, g) => a + g.durationS, 0);
  lines.push(
    `Samples: ${report.samples} at ${formatDuration(report.intervalMs / 1_000)} intervals over ${formatDuration(report.durationS)}; ` +
      (gaps.length
        ? `${gaps.length} gaps (${formatDuration(gapS)} not measured, never filled in)`
        : "no gaps"),
  );
  for (const g of gaps.slice(0, 3)) {
    lines.push(
      `Gap: ${escapeMarkdown(g.source, 40)} at ${formatDuration(g.atS)} for ${formatDuration(g.durationS)}: ${escapeMarkdown(g.reason, 120)}`,
    );
  }
  if (report.command !== null) lines.push(`Command: ${escapeMarkdown(report.command, 200)}`);
  const c = report.carbon;
  if (c) {
    lines.push(
      `Region: ${escapeMarkdown(c.region.name)} (${escapeMarkdown(c.region.id, 40)}) from ${c.region.source}, ${c.region.provenance}`,
    );
    lines.push(
      `Intensity: ${n3(c.intensity.gPerKWh)} g/kWh (${n3(c.intensity.lowGPerKWh)}–${n3(c.intensity.highGPerKWh)}), ${escapeMarkdown(c.intensity.source, 200)}${c.intensity.year ? `, ${c.intensity.year}` : ""}, ${c.intensity.basis} basis, ${c.intensity.provenance}${c.intensity.live ? ", live" : ""}`,
    );
    lines.push(
      `PUE: ${n3(c.pue.value)} (${n3(c.pue.low)}–${n3(c.pue.high)}), ${escapeMarkdown(c.pue.source, 200)}`,
    );
    if (c.emissions.embodiedG > 0)
      lines.push(`Embodied share included: ${c.emissions.embodiedG.toPrecision(3)} g`);
    for (const note of c.notes.slice(0, 5)) lines.push(`Note: ${escapeMarkdown(note, 200)}`);
  } else {
    lines.push("Carbon: not computed for this report (energy only)");
  }
  if (report.work) {
    const units = Object.entries(report.work.units)
      .slice(0, 5)
      .map(([u, n]) => `${n} ${escapeMarkdown(u, 30)}`);
    lines.push(`Work: ${units.join(", ")}`);
  }
  if (report.forecast) lines.push(`Forecast: ${forecastText(report.forecast)}`);
  if (comparison?.hardwareDifferences.length) {
    lines.push(
      `Different hardware than the base run: ${comparison.hardwareDifferences.map((d) => escapeMarkdown(d, 160)).join("; ")}`,
    );
  }
  if (comparison) lines.push(`Base runs used for the noise band: ${comparison.baseRuns}`);
  for (const w of report.warnings.slice(0, MAX_WARNINGS)) lines.push(`Warning: ${escapeMarkdown(w, 200)}`);
  if (report.warnings.length > MAX_WARNINGS)
    lines.push(`… and ${report.warnings.length - MAX_WARNINGS} more warnings in the report`);
  const title = multi ? escapeMarkdown(report.identity.key || report.identity.job || "job", 60) : "This run";
  return { title, lines };
}
