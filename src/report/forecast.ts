/**
 * Forecast of the full training (the idea of carbontracker, Anthony, Kanding & Selvan 2020, arXiv:2007.03051: measure
 * the first epochs, predict the whole training): when a CI run trains `epochs` of the `epochs_total` its recipe plans
 * (e.g. `--epochs 1` of 30), scale what was measured to the full training. Pure.
 *
 * Protocol: the job writes both counts to the ML_FOOTPRINT_METRICS file, e.g. {"epochs": 1, "epochs_total": 30}
 * (rewriting it after each epoch is fine: the last content counts).
 *
 * Method: linear in epochs. Everything measured (set-up and evaluation included) is scaled by total/done, so the
 * central figure leans high when start-up is a large share of a short run. The range is the measurement's range
 * scaled the same way and widened by ±25 %/√done (our assumption, not a published figure: one epoch says nothing of
 * epoch-to-epoch variation, and start-up weighs most in the first epoch; 4 epochs → ±12.5 %), at least ±5 %.
 */
import type { Forecast, Report } from "../model/report.js";
import { formatEnergy, formatMass } from "./format.js";

export interface EpochProgress {
  done: number;
  total: number;
}

/** The relative widening of the projected range for `done` epochs measured. */
export function extrapolationSpread(done: number): number {
  return Math.max(0.05, 0.25 / Math.sqrt(Math.max(done, 1e-9)));
}

/** Epoch progress from work counts: `epochs` done and `epochs_total` planned; null unless 0 < done < total. */
export function epochProgress(units: Record<string, number> | null | undefined): EpochProgress | null {
  const done = units?.epochs;
  const total = units?.epochs_total;
  if (done === undefined || total === undefined) return null;
  if (!(done > 0) || !(total > done)) return null;
  return { done, total };
}

export interface MeasuredFigures {
  energyWh: number;
  lowWh: number;
  highWh: number;
  emissions: { totalG: number; lowG: number; highG: number } | null;
}

/** Scale the measured figures to the full training. */
export function projectFullTraining(measured: MeasuredFigures, progress: EpochProgress): Forecast {
  const scale = progress.total / progress.done;
  const spread = extrapolationSpread(progress.done);
  const e = measured.emissions;
  return {
    epochsDone: progress.done,
    epochsTotal: progress.total,
    energyWh: measured.energyWh * scale,
    lowWh: measured.lowWh * scale * (1 - spread),
    highWh: measured.highWh * scale * (1 + spread),
    emissionsG: e ? e.totalG * scale : null,
    lowG: e ? e.lowG * scale * (1 - spread) : null,
    highG: e ? e.highG * scale * (1 + spread) : null,
    method: `measured job × ${formatCount(progress.total)}/${formatCount(progress.done)} epochs (linear), range widened by ±${Math.round(spread * 100)} % (assumed: ±25 %/√epochs measured, at least ±5 %; not a published figure)`,
  };
}

/** The forecast of a report being built: from its work counts, energy and emissions; null when not a subset. */
export function forecastForReport(
  report: Pick<Report, "energyWh" | "lowWh" | "highWh" | "carbon">,
  units: Record<string, number> | null | undefined,
): Forecast | null {
  const progress = epochProgress(units);
  if (!progress) return null;
  const c = report.carbon?.emissions;
  return projectFullTraining(
    {
      energyWh: report.energyWh,
      lowWh: report.lowWh,
      highWh: report.highWh,
      emissions: c ? { totalG: c.totalG, lowG: c.lowG, highG: c.highG } : null,
    },
    progress,
  );
}

function formatCount(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** "projected for the full training (30 epochs; 1 measured): 3.2 kWh (2.1–4.6 kWh), 1.2 kg CO2e (…)". */
export function forecastText(forecast: Forecast): string {
  const energy = `${formatEnergy(forecast.energyWh)} (${formatEnergy(forecast.lowWh)}–${formatEnergy(forecast.highWh)})`;
  const emissions =
    forecast.emissionsG === null || forecast.lowG === null || forecast.highG === null
      ? ""
      : `, ${formatMass(forecast.emissionsG)} CO2e (${formatMass(forecast.lowG)}–${formatMass(forecast.highG)})`;
  return `projected for the full training (${formatCount(forecast.epochsTotal)} epochs; ${formatCount(forecast.epochsDone)} measured): ${energy}${emissions}; ${forecast.method}`;
}

/** Short form for the progress line: "full training (3/30 epochs) ≈ 3.2 kWh [2.1–4.6 kWh], 1.2 kg CO2e [0.8–1.9 kg]". */
export function forecastShort(forecast: Forecast): string {
  const energy = `${formatEnergy(forecast.energyWh)} [${formatEnergy(forecast.lowWh)}–${formatEnergy(forecast.highWh)}]`;
  const emissions =
    forecast.emissionsG === null || forecast.lowG === null || forecast.highG === null
      ? ""
      : `, ${formatMass(forecast.emissionsG)} CO2e [${formatMass(forecast.lowG)}–${formatMass(forecast.highG)}]`;
  return `full training (${formatCount(forecast.epochsDone)}/${formatCount(forecast.epochsTotal)} epochs) ≈ ${energy}${emissions}`;
}
