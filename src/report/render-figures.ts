/**
 * Figures as the comment shows them: the shared formatters (src/report/format.ts) with non-breaking spaces
 * inside each figure, so "341 mWh" or "+84 %" is never broken across lines in a narrow table cell.
 * Pure; markdown-safe (formatters print digits, units, signs and spaces only).
 */
import {
  formatDuration,
  formatEnergy,
  formatMass,
  formatPercent,
  formatSigned,
  formatSignedPercent,
} from "./format.js";

export const NBSP = "\u00A0";

/** Spaces inside one figure become non-breaking. */
export function figure(text: string): string {
  return text.replace(/ /g, NBSP);
}

export const energy = (wh: number): string => figure(formatEnergy(wh));
export const mass = (g: number): string => figure(formatMass(g));
export const duration = (s: number): string => figure(formatDuration(s));
export const percent = (p: number): string => figure(formatPercent(p));
export const signedPercent = (p: number | null): string => figure(formatSignedPercent(p));
/** A change in percent as the table and headline show it: "+44 %", "+2.9 %", "+0.7 %", "±0 %". */
export function changePercent(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return "n/a";
  const a = Math.abs(p);
  const text = a >= 10 ? a.toFixed(0) : a.toFixed(1);
  const sign = Number(text) === 0 ? "±" : p > 0 ? "+" : "−";
  return figure(`${sign}${Number(text) === 0 ? "0" : text} %`);
}
export const signedEnergy = (wh: number): string => figure(formatSigned(wh, formatEnergy));
export const signedMass = (g: number): string => figure(formatSigned(g, formatMass));
/** "+156 mWh (+84 %)": two figures, each unbreakable; the line may break between them. */
export const energyDelta = (wh: number, p: number | null): string =>
  `${signedEnergy(wh)} (${signedPercent(p)})`;
export const massDelta = (g: number, p: number | null): string => `${signedMass(g)} (${signedPercent(p)})`;
/** "115–355 mWh" when both ends share a unit, else "950 mWh – 1.20 Wh"; each figure unbreakable. */
export function range(low: number, high: number, format: (v: number) => string): string {
  const a = format(low);
  const b = format(high);
  const unitA = a.split(" ").at(-1);
  const unitB = b.split(" ").at(-1);
  if (unitA && unitA === unitB && a.includes(" ")) return figure(`${a.slice(0, -unitA.length - 1)}–${b}`);
  return `${figure(a)} – ${figure(b)}`;
}
/** A signed range: "−79.4 … +292 mWh". */
export function signedRange(low: number, high: number, format: (v: number) => string): string {
  return `${figure(formatSigned(low, format))} … ${figure(formatSigned(high, format))}`;
}

/** In prose made elsewhere (the verdict's words, the noise rule): "44 %", "10 Wh" become unbreakable. */
export function unbreakFigures(text: string): string {
  return text.replace(/(\d) (?=(?:%|[mkM]?Wh|[mk]?g|t|s|ms|min|h|W)(?![A-Za-z]))/g, `$1${NBSP}`);
}
