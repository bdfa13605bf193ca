/**
 * Budgets on a report and its comparison: absolute energy / emissions / duration (on the job total, or on
 * one phase) and a maximum increase vs the base branch. Pure; the entry point decides whether a breach
 * fails the step (`fail-on-budget`). A budget that cannot be evaluated (no carbon accounting, no base run,
 * unknown phase) is reported as such and is never a breach.
 */
import type { Comparison, Row } from "./compare.js";
import { formatDuration, formatEnergy, formatMass, formatPercent, formatSignedPercent } from "./format.js";
import type { Report, SamplesCoverage } from "../model/report.js";
import { describeCoverage } from "./coverage.js";

const formatCo2e = (g: number) => `${formatMass(g)} CO2e`;

export type BudgetKind = "energy" | "emissions" | "duration" | "max-increase";

export interface BudgetResult {
  budget: BudgetKind;
  /** Wh, g CO2e, s, or percent for max-increase */
  limit: number;
  /** same unit as limit; null when it could not be evaluated */
  actual: number | null;
  over: boolean;
  /** one line, e.g. "Energy 612 Wh is over the 500 Wh budget (+22 %)" */
  message: string;
  /** the phase the budget applies to; null for the job total */
  phase: string | null;
  /** over because the total it was judged on lacks runs (failClosedOnIncompleteTotal), not by its value */
  incomplete?: boolean;
}

export interface Budgets {
  energyWh?: number;
  emissionsG?: number;
  durationS?: number;
  maxIncreasePercent?: number;
  /** apply the budgets to this phase instead of the job total */
  phase?: string;
}

export interface BudgetInput {
  report: Report;
  comparison: Comparison | null;
  budgets: Budgets;
}

function absolute(
  budget: BudgetKind,
  label: string,
  limit: number,
  actual: number | null,
  format: (v: number) => string,
  phase: string | null,
  whyNot: string,
): BudgetResult {
  if (actual === null) {
    return {
      budget,
      limit,
      actual,
      over: false,
      phase,
      message: `${label} budget of ${format(limit)} cannot be evaluated: ${whyNot}`,
    };
  }
  const over = actual > limit;
  const percent = limit > 0 ? ((actual - limit) / limit) * 100 : null;
  const message = over
    ? `${label} ${format(actual)} is over the ${format(limit)} budget (${formatSignedPercent(percent)})`
    : `${label} ${format(actual)} is within the ${format(limit)} budget (${limit > 0 ? formatPercent((actual / limit) * 100) : "n/a"} of it)`;
  return { budget, limit, actual, over, message, phase };
}

function increase(limit: number, row: Row | null, subject: string, phase: string | null): BudgetResult {
  const base = { budget: "max-increase" as const, limit, phase };
  const limitText = formatPercent(limit);
  if (!row || row.verdict === "no-baseline") {
    return {
      ...base,
      actual: null,
      over: false,
      message: `Max increase of ${limitText}: no base run to compare ${subject} with`,
    };
  }
  const work = row.basis === "energy-per-work" ? row.work : null;
  const actual = work ? work.deltaPercent : row.deltaEnergyPercent;
  const what = work ? `Energy per 1k ${work.unit}` : "Energy";
  if (row.verdict === "different-hardware") {
    return {
      ...base,
      actual,
      over: false,
      message: `Max increase of ${limitText} not applied: ${subject} ran on different hardware than the base run`,
    };
  }
  if (actual === null || row.verdict === "not-comparable") {
    return {
      ...base,
      actual,
      over: false,
      message: `Max increase of ${limitText} cannot be evaluated: the base run used no or almost no energy`,
    };
  }
  // Only a real (outside-noise) increase can breach the relative budget.
  const over = row.verdict === "increase" && actual > limit;
  const change = `${what} ${formatSignedPercent(actual)} vs base`;
  const message = over
    ? `${change} is over the ${limitText} max-increase budget`
    : row.verdict === "within-noise"
      ? `${change} is within noise (±${formatPercent(row.bandPercent ?? 0)}); max-increase ${limitText} not breached`
      : `${change} is within the ${limitText} max-increase budget`;
  return { ...base, actual, over, message };
}

/** Evaluate every budget that is set, in the order energy, emissions, duration, max-increase. */
export function evaluateBudgets(input: BudgetInput): BudgetResult[] {
  const { report, comparison, budgets } = input;
  const phaseName = budgets.phase ?? null;
  const phase = phaseName === null ? null : (report.phases.find((p) => p.name === phaseName) ?? null);
  const missing = phaseName !== null && phase === null;
  const subject = phaseName === null ? "the job" : `phase "${phaseName}"`;
  const label = (what: string) => (phaseName === null ? what : `${what} of phase "${phaseName}"`);
  const noPhase = `phase "${phaseName}" is not in the report (phases: ${report.phases.map((p) => p.name).join(", ") || "none"})`;
  const results: BudgetResult[] = [];

  if (budgets.energyWh !== undefined) {
    const actual = missing ? null : (phase?.energyWh ?? report.energyWh);
    results.push(
      absolute("energy", label("Energy"), budgets.energyWh, actual, formatEnergy, phaseName, noPhase),
    );
  }
  if (budgets.emissionsG !== undefined) {
    let actual: number | null = null;
    let why = noPhase;
    if (!missing) {
      if (report.carbon === null) why = "no carbon accounting in this report (emissions unknown)";
      else if (phaseName === null) actual = report.carbon.emissions.totalG;
      else {
        actual = report.carbon.phaseEmissionsG.find((p) => p.name === phaseName)?.totalG ?? null;
        why = `no emissions recorded for phase "${phaseName}"`;
      }
    }
    results.push(
      absolute("emissions", label("Emissions"), budgets.emissionsG, actual, formatCo2e, phaseName, why),
    );
  }
  if (budgets.durationS !== undefined) {
    const actual = missing ? null : (phase?.durationS ?? report.durationS);
    results.push(
      absolute("duration", label("Duration"), budgets.durationS, actual, formatDuration, phaseName, noPhase),
    );
  }
  if (budgets.maxIncreasePercent !== undefined) {
    const row = !comparison
      ? null
      : phaseName === null
        ? comparison.total
        : (comparison.phases.find((r) => r.name === phaseName) ?? null);
    results.push(increase(budgets.maxIncreasePercent, row, subject, phaseName));
  }
  return results;
}

/**
 * A total that lacks part of what it should hold is smaller than the real one, so a budget judged on it could
 * pass when the whole would not. Such a budget fails closed: every budget with a value that is not already over
 * becomes over, with the reason. Budgets that cannot be evaluated at all (no carbon accounting, no base run)
 * stay as they are. `why` (see incompleteTotalReason) says what the total lacks; null: nothing, as they are.
 */
export function failClosedOnIncompleteTotal(results: BudgetResult[], why: string | null): BudgetResult[] {
  if (why === null) return results;
  return results.map((r) =>
    r.over || r.actual === null
      ? r
      : {
          ...r,
          over: true,
          incomplete: true,
          message: `${budgetLabel(r)} cannot be judged: ${why}, so it would be judged on a smaller total; failing closed (${r.message})`,
        },
  );
}

/**
 * What a total lacks, in words, or null: `missing` job reports that could not be read (a matrix total), and
 * samples that end before the job did (a report's `coverage`, see coverage.ts).
 */
export function incompleteTotalReason(missing: number, coverage?: SamplesCoverage | null): string | null {
  const parts: string[] = [];
  if (missing > 0)
    parts.push(
      `the total lacks ${missing === 1 ? "1 job report" : `${missing} job reports`} that could not be read`,
    );
  if (coverage) parts.push(describeCoverage(coverage));
  return parts.length ? parts.join("; ") : null;
}

function budgetLabel(r: BudgetResult): string {
  const what = {
    energy: "Energy",
    emissions: "Emissions",
    duration: "Duration",
    "max-increase": "Max-increase",
  }[r.budget];
  return `${what} budget${r.phase === null ? "" : ` of phase "${r.phase}"`}`;
}
