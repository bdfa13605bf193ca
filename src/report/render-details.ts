/**
 * The "How this was measured" content for one job: every headline figure with its range and where the range
 * comes from (or why it has none), the base runs used, hardware, methods per component and their provenance,
 * samples and gaps, carbon sources (our own source addresses as whole links), warnings. Every report string
 * is escaped here.
 */
import { runLabel, shortSha } from "./chart.js";
import type { Comparison } from "./compare.js";
import { escapeMarkdown } from "./escape.js";
import { forecastText } from "./forecast.js";
import { formatEnergy, formatMass } from "./format.js";
import { sourceMarkdown } from "./links.js";
import {
  duration,
  energy,
  energyDelta,
  figure,
  mass,
  massDelta,
  range,
  signedRange,
  unbreakFigures,
} from "./render-figures.js";
import type { DetailSection } from "./comment-model.js";
import type { Report } from "../model/report.js";

/** How the region was found, in a few words (the report keeps the source id). */
const REGION_SOURCE_WORDS: Record<string, string> = {
  input: "from the region input",
  "imds-azure": "from Azure instance metadata",
  "imds-aws": "from AWS instance metadata",
  "imds-gcp": "from GCP instance metadata",
  "runner-default": "the default for GitHub-hosted runners",
  "world-default": "the world average",
  "intensity-input": "grid intensity given as input",
};

/** "; source: …" (addresses whole, as links where trusted; see links.ts). */
function sourcePart(source: string, trusted: ReadonlySet<string>): string {
  return source.trim() ? `; source: ${sourceMarkdown(source, trusted, MAX_DETAIL_CHARS)}` : "";
}

/** 3 significant figures, no float noise (436.99999 → 437). */
const n3 = (v: number) => Number(v.toPrecision(3)).toString();

/** Longest free text (a component's detail, a note) shown in the details; longer text loses whole clauses. */
const MAX_DETAIL_CHARS = 200;

const COMPONENT_WORDS: Record<string, string> = { cpu: "CPU", gpu: "GPU", memory: "Memory", other: "Other" };

/**
 * Text cut at a clause boundary ("; " or ", " outside brackets) so that it fits `max`, never mid-word or
 * mid-sentence; a first clause alone longer than `max` is dropped (null) rather than cut.
 */
export function wholeClauses(text: string, max = MAX_DETAIL_CHARS): string | null {
  if (text.length <= max) return text;
  let depth = 0;
  let best = -1;
  for (let i = 0; i < max; i++) {
    const ch = text[i];
    if (ch === "(" || ch === "[") depth++;
    else if (ch === ")" || ch === "]") depth = Math.max(0, depth - 1);
    else if (depth === 0 && (ch === ";" || ch === ",") && text[i + 1] === " ") best = i;
  }
  return best > 0 ? text.slice(0, best) : null;
}

/** A work unit as a reader says it: "epochs_total" → "epochs total". */
export function unitWords(unit: string): string {
  return unit.replace(/[_-]+/g, " ").trim();
}

/** Notes the details say in their own words (the formula, the embodied model): not repeated raw. */
const RESTATED_NOTE = /^(operational =|embodied\b|Region from )/;

/** Warnings listed per job before "… and N more"; the renderer may cut further. */
const MAX_WARNINGS = 20;
/** Phases listed per job in the details (the table has one row per job in a matrix). */
const MAX_PHASE_LINES = 10;
/** Base runs named per job. */
const MAX_BASE_RUNS_NAMED = 5;

function components(report: Report): string[] {
  const byComponent = new Map<
    string,
    { wh: number; low: number; high: number; provenances: Set<string>; detail: string | undefined }
  >();
  for (const phase of report.phases) {
    for (const c of phase.components) {
      const entry = byComponent.get(c.component) ?? {
        wh: 0,
        low: 0,
        high: 0,
        provenances: new Set<string>(),
        detail: c.detail,
      };
      entry.wh += c.energyWh;
      entry.low += c.lowWh;
      entry.high += c.highWh;
      entry.provenances.add(c.provenance);
      byComponent.set(c.component, entry);
    }
  }
  return [...byComponent].map(([name, e]) => {
    const detail = e.detail ? wholeClauses(e.detail) : null;
    return `${COMPONENT_WORDS[name] ?? escapeMarkdown(name, 20)}: ${energy(e.wh)} (${range(e.low, e.high, formatEnergy)}), ${escapeMarkdown([...e.provenances].join(" and "), 60)}${detail ? `: ${escapeMarkdown(detail, MAX_DETAIL_CHARS)}` : ""}`;
  });
}

/** Why the energy range is as wide as it is, from the components' provenance. */
function energyRangeWhy(report: Report): string {
  const provenances = new Set(report.phases.flatMap((p) => p.components.map((c) => c.provenance)));
  if (provenances.size === 0) return "no component breakdown";
  if ([...provenances].every((p) => p === "measured")) return "measured; the range covers sampling gaps";
  return "from the power models' low and high figures";
}

/** Headline figures, each with its range or the reason it has none. */
function figures(report: Report, comparison: Comparison | null): string[] {
  const lines = [
    `Energy: ${energy(report.energyWh)} (${range(report.lowWh, report.highWh, formatEnergy)}, ${energyRangeWhy(report)})`,
  ];
  const e = report.carbon?.emissions;
  lines.push(
    e
      ? `Emissions: ${mass(e.totalG)} CO2e (${range(e.lowG, e.highG, formatMass)}): energy × data-centre overhead (PUE) × grid intensity${e.embodiedG > 0 ? ", plus a share of the hardware's manufacturing" : ""}`
      : "Emissions: not computed (energy only)",
  );
  const gaps = report.phases.flatMap((p) => p.gaps);
  const gapS = gaps.reduce((a, g) => a + g.durationS, 0);
  lines.push(
    `Time: ${duration(report.durationS)}, ${report.samples} samples every ${duration(report.intervalMs / 1_000)}, ` +
      (gaps.length ? `${gaps.length} gaps (${duration(gapS)} not measured, never filled in)` : "no gaps"),
  );
  const total = comparison?.total;
  if (total?.base) {
    const runs = comparison?.baseRuns ?? 0;
    lines.push(
      `Base: ${energy(total.base.energyWh)} (${range(total.base.lowWh, total.base.highWh, formatEnergy)})${runs > 1 ? `, the mean of ${runs} base runs` : ""}`,
    );
  }
  if (
    total &&
    total.deltaEnergyWh !== null &&
    total.verdict !== "different-hardware" &&
    total.verdict !== "not-comparable"
  ) {
    const spread =
      total.deltaEnergyLowWh !== null && total.deltaEnergyHighWh !== null
        ? `, range ${signedRange(total.deltaEnergyLowWh, total.deltaEnergyHighWh, formatEnergy)} (${total.deltaNoiseWh === null ? "the model uncertainty of what changed; run-to-run noise is not measured with one base run" : `run-to-run noise ±${formatEnergy(total.deltaNoiseWh)} plus the model uncertainty of what changed`})`
        : "";
    lines.push(`Change: ${energyDelta(total.deltaEnergyWh, total.deltaEnergyPercent)}${spread}`);
    if (total.deltaEmissionsG !== null) {
      const emissionsSpread =
        total.deltaEmissionsLowG !== null && total.deltaEmissionsHighG !== null
          ? `, range ${signedRange(total.deltaEmissionsLowG, total.deltaEmissionsHighG, formatMass)}`
          : "";
      lines.push(
        `Change in emissions: ${massDelta(total.deltaEmissionsG, total.deltaEmissionsPercent)}${emissionsSpread}`,
      );
    }
    lines.push(`Verdict: ${unbreakFigures(escapeMarkdown(total.verdictWords, 300))}`);
  } else if (total?.verdict === "not-comparable") {
    lines.push(`Change: not judged: ${unbreakFigures(escapeMarkdown(total.verdictWords, 300))}`);
  } else if (total?.verdict === "different-hardware") {
    lines.push("Change: not judged: no base run ran on this hardware");
  } else {
    lines.push("Change: no base run to compare with yet");
  }
  const work = total?.work;
  if (work) {
    lines.push(
      `Energy per 1,000 ${escapeMarkdown(unitWords(work.unit), 30)}: ${energy(work.baseWhPer1k)} → ${energy(work.headWhPer1k)}`,
    );
  }
  return lines;
}

function runName(r: { sha: string; createdAt: string }): string {
  const commit = shortSha(r.sha);
  return commit ? `\`${commit}\` ${figure(r.createdAt.slice(0, 10))}` : figure(runLabel("", r.createdAt));
}

/** Which base runs the deltas and the band used, and which were left out (other hardware). */
function baseRuns(comparison: Comparison | null): string[] {
  if (!comparison) return [];
  const lines: string[] = [];
  const used = comparison.baseRunsUsed;
  if (used.length) {
    const more = used.length > MAX_BASE_RUNS_NAMED ? ` and ${used.length - MAX_BASE_RUNS_NAMED} more` : "";
    lines.push(
      `Base runs used (${used.length}, newest first): ${used.slice(0, MAX_BASE_RUNS_NAMED).map(runName).join(", ")}${more}`,
    );
  }
  const skipped = comparison.baseRunsSkipped;
  if (skipped.length) {
    const named = skipped
      .slice(0, MAX_BASE_RUNS_NAMED)
      .map((r) => `${runName(r)} (${escapeMarkdown(r.hardwareDifferences.join("; "), 120)})`)
      .join(", ");
    const more =
      skipped.length > MAX_BASE_RUNS_NAMED ? ` and ${skipped.length - MAX_BASE_RUNS_NAMED} more` : "";
    lines.push(`Base runs left out, other hardware (${skipped.length}): ${named}${more}`);
  }
  return lines;
}

function phases(comparison: Comparison | null, report: Report): string[] {
  const rows = comparison?.phases ?? [];
  if (report.phases.length <= 1 && rows.length <= 1) return [];
  const lines = rows.slice(0, MAX_PHASE_LINES).map((row) => {
    const head = row.head
      ? `${energy(row.head.energyWh)} (${range(row.head.lowWh, row.head.highWh, formatEnergy)})`
      : "removed";
    const change =
      row.deltaEnergyWh === null ? "" : `, ${energyDelta(row.deltaEnergyWh, row.deltaEnergyPercent)} vs base`;
    return `Phase ${escapeMarkdown(row.name, 60)}: ${head}${change}`;
  });
  if (rows.length > MAX_PHASE_LINES)
    lines.push(`… and ${rows.length - MAX_PHASE_LINES} more phases in the report`);
  return lines;
}

export function jobDetails(
  report: Report,
  comparison: Comparison | null,
  multi: boolean,
  trusted: ReadonlySet<string>,
): DetailSection {
  const hw = report.hardware;
  const lines: string[] = [...figures(report, comparison), ...baseRuns(comparison)];
  if (multi) lines.push(...phases(comparison, report));
  const gpus = hw.gpus.length ? hw.gpus.map((g) => escapeMarkdown(g.name, 60)).join(", ") : "none";
  const where =
    report.runner.githubHosted === null
      ? "outside GitHub Actions"
      : report.runner.githubHosted
        ? "a GitHub-hosted runner"
        : "a self-hosted runner";
  lines.push(
    `Hardware: ${escapeMarkdown(hw.cpu.brand, 80)}, ${hw.cpu.threads} vCPUs, ${Number(hw.memoryGB.toFixed(1))} GB memory, GPUs: ${gpus}; ${escapeMarkdown(report.runner.os, 30)} ${escapeMarkdown(report.runner.arch, 20)}, ${where}`,
  );
  // The job's cgroup share is news; a host's own figures (the default) need no line.
  if (hw.attribution?.scope === "cgroup")
    lines.push(`Share: the job's cgroup, not the whole host — ${escapeMarkdown(hw.attribution.reason, 400)}`);
  for (const c of components(report)) lines.push(c);
  const gaps = report.phases.flatMap((p) => p.gaps);
  for (const g of gaps.slice(0, 3)) {
    lines.push(
      `Gap: ${escapeMarkdown(g.source, 40)} at ${duration(g.atS)} for ${duration(g.durationS)}: ${escapeMarkdown(wholeClauses(g.reason, 120) ?? "", 120)}`,
    );
  }
  if (report.command !== null) lines.push(`Command: ${escapeMarkdown(report.command, 200)}`);
  const c = report.carbon;
  if (c) {
    lines.push(
      `Region: ${escapeMarkdown(c.region.name)} (${escapeMarkdown(c.region.id, 40)}), ${REGION_SOURCE_WORDS[c.region.source] ?? escapeMarkdown(c.region.source, 40)}, ${c.region.provenance}`,
    );
    lines.push(
      `Grid intensity: ${n3(c.intensity.gPerKWh)} g/kWh (${n3(c.intensity.lowGPerKWh)}–${n3(c.intensity.highGPerKWh)})${c.intensity.year ? `, ${c.intensity.year}` : ""}, ${c.intensity.provenance}${c.intensity.live ? ", live" : ""}${sourcePart(c.intensity.source, trusted)}`,
    );
    lines.push(
      `Data-centre overhead (PUE): ${n3(c.pue.value)} (${n3(c.pue.low)}–${n3(c.pue.high)})${sourcePart(c.pue.source, trusted)}`,
    );
    if (c.emissions.embodiedG > 0)
      lines.push(
        `Manufacturing share: ${mass(c.emissions.embodiedG)} (${range(c.emissions.embodiedLowG, c.emissions.embodiedHighG, formatMass)}), this job's part of its hardware's manufacturing emissions for the time it ran`,
      );
    // a note that is also a warning (a live-intensity fallback) is listed once, as a warning
    const notes = c.notes
      .filter((n) => !RESTATED_NOTE.test(n) && !report.warnings.includes(n))
      .map((n) => wholeClauses(n));
    for (const note of notes.slice(0, 5))
      if (note) lines.push(`Note: ${sourceMarkdown(note, trusted, MAX_DETAIL_CHARS)}`);
  } else {
    lines.push("Carbon: not computed (energy only)");
  }
  if (report.work) {
    // planned totals (epochs_total) are the forecast's input, shown there, not work done
    const units = Object.entries(report.work.units)
      .filter(([u]) => !/_total$/.test(u))
      .slice(0, 5)
      .map(([u, n]) => `${n.toLocaleString("en-US")} ${escapeMarkdown(unitWords(u), 30)}`);
    if (units.length) lines.push(`Work done: ${units.join(", ")}`);
  }
  // forecastText carries the report's own method text (a fork may have written it): escaped like any report string
  if (report.forecast)
    lines.push(`Forecast: ${unbreakFigures(escapeMarkdown(forecastText(report.forecast), 400))}`);
  if (comparison?.hardwareDifferences.length) {
    lines.push(
      `Different hardware than the base run: ${comparison.hardwareDifferences.map((d) => escapeMarkdown(d, 160)).join("; ")}`,
    );
  }
  for (const w of report.warnings.slice(0, MAX_WARNINGS)) lines.push(`Warning: ${escapeMarkdown(w, 200)}`);
  if (report.warnings.length > MAX_WARNINGS)
    lines.push(`… and ${report.warnings.length - MAX_WARNINGS} more warnings in the report`);
  const title = multi ? escapeMarkdown(report.identity.key || report.identity.job || "job", 60) : "This run";
  return { title, lines };
}
