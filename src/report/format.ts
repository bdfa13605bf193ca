/**
 * Number formatting for the PR comment, the job summary and the CLI: one place, so every surface prints
 * the same figure the same way. Pure; no locale (CI logs and comments must read the same everywhere).
 */

/** Three significant figures without trailing noise: 12.3, 1.20, 950, 0.0123. */
function sig3(value: number): string {
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

function scaled(value: number, steps: readonly (readonly [number, string])[]): string {
  if (!Number.isFinite(value)) return "n/a";
  const abs = Math.abs(value);
  // Zero reads best in the base unit (steps[1]: Wh, g), not "0 mWh".
  if (abs === 0) return `0 ${(steps[1] ?? steps[0])?.[1] ?? ""}`;
  // Pick the largest unit the value reaches; below the smallest, use the smallest.
  let chosen = steps[0] as readonly [number, string];
  for (const step of steps) if (abs >= step[0]) chosen = step;
  const rounded = sig3(value / chosen[0]);
  return `${rounded} ${chosen[1]}`;
}

/** Wh → "950 mWh", "12.3 Wh", "1.20 kWh", "3.40 MWh". */
export function formatEnergy(wh: number): string {
  return scaled(wh, [
    [0.001, "mWh"],
    [1, "Wh"],
    [1_000, "kWh"],
    [1_000_000, "MWh"],
  ]);
}

/** grams CO2e → "12 mg", "4.50 g", "1.20 kg", "3.00 t". */
export function formatMass(g: number): string {
  return scaled(g, [
    [0.001, "mg"],
    [1, "g"],
    [1_000, "kg"],
    [1_000_000, "t"],
  ]);
}

/** A share in percent (already ×100): 12.34 → "12 %", 1.234 → "1.2 %", 0.04 → "0.04 %". */
export function formatPercent(percent: number): string {
  if (!Number.isFinite(percent)) return "n/a";
  const abs = Math.abs(percent);
  const text = abs >= 10 ? percent.toFixed(0) : abs >= 1 ? percent.toFixed(1) : sig3(percent);
  return `${text} %`;
}

function sign(value: number): string {
  return value > 0 ? "+" : value < 0 ? "−" : "±";
}

/** Signed percent for deltas: "+12 %", "−3.4 %", "±0 %"; null (base of zero) → "n/a". */
export function formatSignedPercent(percent: number | null): string {
  if (percent === null || !Number.isFinite(percent)) return "n/a";
  return `${sign(percent)}${formatPercent(Math.abs(percent))}`;
}

/** Signed absolute delta with a formatter: formatSigned(1.2, formatMass) → "+1.20 g". */
export function formatSigned(value: number, format: (v: number) => string): string {
  return `${sign(value)}${format(Math.abs(value))}`;
}

/** Absolute and percent together, as codecarbon's CI report does: "+1.20 g (+8.0 %)". */
export function formatDelta(value: number, percent: number | null, format: (v: number) => string): string {
  return `${formatSigned(value, format)} (${formatSignedPercent(percent)})`;
}

/** Seconds → "850 ms", "42 s", "12 min 5 s", "2 h 3 min". */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return "n/a";
  const abs = Math.abs(s);
  const neg = s < 0 ? "−" : "";
  if (abs === 0) return "0 s";
  if (abs < 1) return `${neg}${Math.round(abs * 1_000)} ms`;
  if (abs < 60) return `${neg}${abs < 10 ? abs.toFixed(1) : Math.round(abs).toFixed(0)} s`;
  const totalS = Math.round(abs);
  if (totalS < 3_600) {
    const m = Math.floor(totalS / 60);
    const rest = totalS % 60;
    return `${neg}${m} min${rest ? ` ${rest} s` : ""}`;
  }
  const h = Math.floor(totalS / 3_600);
  const m = Math.round((totalS % 3_600) / 60);
  return `${neg}${h} h${m ? ` ${m} min` : ""}`;
}

/** A low–high range with one unit formatter: "3.10 g – 6.00 g". */
export function formatRange(low: number, high: number, format: (v: number) => string): string {
  return `${format(low)} – ${format(high)}`;
}
