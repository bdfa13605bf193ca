/**
 * Parsers for values with units, shared by action inputs and CLI flags.
 * Each accepts a small, explicit set of forms and throws an InputError naming the input, the value and
 * the accepted forms; nothing is coerced silently.
 */
export class InputError extends Error {
  override name = "InputError";
}

const NUMBER = String.raw`([0-9]+(?:\.[0-9]+)?|\.[0-9]+)`;

function parseWithUnits(
  text: string,
  inputName: string,
  units: Record<string, number>,
  accepted: string,
  defaultUnit?: string,
): number {
  const trimmed = text.trim();
  const match = new RegExp(`^${NUMBER}\\s*([a-zA-Zµ%]*)$`).exec(trimmed);
  const unitText = match?.[2] ?? "";
  const unit = unitText === "" ? defaultUnit : unitText;
  // SI prefixes are case-sensitive: "Mg" is a tonne and "mg" a milligram, "MWh" a megawatt-hour and "mWh"
  // a milliwatt-hour. The exact forms in the table are read as they are. Another case is read only when it
  // cannot mean two things: it does not start with m/M (milli or mega) and every form it matches has the
  // same factor ("KWH", "KG", "S"); otherwise ("MG", "mwh", "mj") it is refused with that explanation.
  let factor = unit === undefined || !Object.hasOwn(units, unit) ? undefined : units[unit];
  if (match && unit !== undefined && factor === undefined) {
    const near = Object.keys(units).filter((u) => u.toLowerCase() === unit.toLowerCase());
    const factors = new Set(near.map((u) => units[u]));
    if (near.length > 0 && (/^[mM]/.test(unit) || factors.size > 1)) {
      throw new InputError(
        `${inputName}: "${truncate(text)}" has an ambiguous unit "${unit}" (SI prefixes are case-sensitive: m is milli, M is mega; did you mean ${near.join(" or ")}?); accepted: ${accepted}`,
      );
    }
    if (near.length > 0) factor = units[near[0]!];
  }
  if (!match || factor === undefined) {
    throw new InputError(`${inputName}: "${truncate(text)}" is not valid; accepted: ${accepted}`);
  }
  const value = Number(match[1]) * factor;
  if (!Number.isFinite(value))
    throw new InputError(`${inputName}: "${truncate(text)}" is out of range; accepted: ${accepted}`);
  return value;
}

export function truncate(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

const ENERGY_TO_WH: Record<string, number> = {
  // mWh: what formatEnergy prints for small jobs, so a printed figure can be pasted back as a budget.
  // Case-sensitive on purpose ("mwh" is not read as "MWh").
  mWh: 0.001,
  Wh: 1,
  wh: 1,
  kWh: 1_000,
  kwh: 1_000,
  MWh: 1_000_000,
  J: 1 / 3_600,
  j: 1 / 3_600,
  kJ: 1 / 3.6,
  kj: 1 / 3.6,
  MJ: 1_000 / 3.6,
};
/** "12 Wh", "1.2kWh", "3 MJ", "500 J" → Wh. A unit is required: energy has no safe default unit. */
export function parseEnergyWh(text: string, inputName: string): number {
  return parseWithUnits(
    text,
    inputName,
    ENERGY_TO_WH,
    "a number with Wh, kWh, MWh, J, kJ or MJ (e.g. 500 Wh, 1.2 kWh)",
  );
}

// Mg (megagram) is a tonne, as SI writes it; "MG", "KG" or "G" are refused as ambiguous.
const MASS_TO_G: Record<string, number> = { mg: 0.001, g: 1, kg: 1_000, Mg: 1_000_000, t: 1_000_000 };
/** "50 g", "1.5 kg", "2 t" or "2 Mg" (CO2e) → grams. */
export function parseMassG(text: string, inputName: string): number {
  return parseWithUnits(
    text,
    inputName,
    MASS_TO_G,
    "a number with mg, g, kg, t or Mg of CO2e (e.g. 50 g, 1.5 kg)",
  );
}

const DURATION_TO_S: Record<string, number> = { ms: 0.001, s: 1, m: 60, min: 60, h: 3_600 };
/** "1h30m", "2m 30s", "1h 5m 10s": hours, minutes and seconds in that order, each at most once. */
const COMPOUND_DURATION =
  /^(?:([0-9]+(?:\.[0-9]+)?)\s*h)?\s*(?:([0-9]+(?:\.[0-9]+)?)\s*m(?:in)?)?\s*(?:([0-9]+(?:\.[0-9]+)?)\s*s)?$/;
/** "100ms", "1s", "30m", "2h", or compound "1h30m", "2m30s" → seconds. Plain numbers are seconds. */
export function parseDurationS(text: string, inputName: string): number {
  const compound = COMPOUND_DURATION.exec(text.trim());
  if (compound && compound.slice(1).filter((part) => part !== undefined).length >= 2) {
    const [, h, m, s] = compound;
    return Number(h ?? 0) * 3_600 + Number(m ?? 0) * 60 + Number(s ?? 0);
  }
  return parseWithUnits(
    text,
    inputName,
    DURATION_TO_S,
    "a number with ms, s, m or h (e.g. 1s, 500ms, 30m), or hours, minutes and seconds together (1h30m)",
    "s",
  );
}

/** Sampling interval: 100 ms to 60 s. A plain number is seconds; one out of that range most likely lacks "ms". */
export function parseIntervalMs(text: string, inputName: string): number {
  const ms = Math.round(parseDurationS(text, inputName) * 1_000);
  if (ms < 100 || ms > 60_000) {
    const bare = new RegExp(`^${NUMBER}$`).test(text.trim());
    throw new InputError(
      bare
        ? `${inputName}: "${truncate(text)}" has no unit (a plain number is seconds, and ${truncate(text.trim())} s is out of range); use 100ms or 1s; accepted: 100ms to 60s`
        : `${inputName}: "${truncate(text)}" is out of range; accepted: 100ms to 60s`,
    );
  }
  return ms;
}

/** "10%", "10 %", "10" → 10 (percent). Must be > 0 and ≤ 10000. */
export function parsePercent(text: string, inputName: string): number {
  const value = parseWithUnits(text, inputName, { "%": 1 }, "a percentage such as 10% or 2.5%", "%");
  if (value <= 0 || value > 10_000) {
    throw new InputError(
      `${inputName}: "${truncate(text)}" is out of range; accepted: more than 0% and at most 10000%`,
    );
  }
  return value;
}

/**
 * A plain positive number (e.g. carbon-intensity in g/kWh, watts). `max` bounds it where a larger value can
 * only be a typo; a value too large to be a finite double (a 400-digit number) is always out of range, so
 * it never reaches a report as Infinity.
 */
export function parsePositiveNumber(
  text: string,
  inputName: string,
  accepted: string,
  max = Number.MAX_VALUE,
): number {
  const trimmed = text.trim();
  if (!new RegExp(`^${NUMBER}$`).test(trimmed) || !(Number(trimmed) > 0)) {
    throw new InputError(`${inputName}: "${truncate(text)}" is not valid; accepted: ${accepted}`);
  }
  const value = Number(trimmed);
  if (!Number.isFinite(value) || value > max) {
    throw new InputError(
      `${inputName}: "${truncate(text)}" is out of range; accepted: ${accepted}${max < Number.MAX_VALUE ? `, at most ${max}` : ""}`,
    );
  }
  return value;
}

/**
 * Highest carbon intensity accepted, in g CO2e/kWh: ten times what coal power emits over its life cycle
 * (about 1,000 g/kWh and above: Gibon et al., Nature Sustainability 2, 2019, doi:10.1038/s41893-019-0221-6),
 * so no real grid is refused and a typo or overflow is.
 */
export const MAX_CARBON_INTENSITY_G_PER_KWH = 10_000;

/**
 * PUE (total facility power over IT power), the one rule for every input that takes one (action `pue`,
 * `run --pue`, `estimate --pue`, and the carbon context): 1.0 (no overhead) to 5.0. The cap is a typo guard,
 * far above the fleet averages cloud providers publish (about 1.1 to 1.2; see src/carbon/constants.ts).
 */
export const PUE_RANGE = { min: 1, max: 5 } as const;

/** A PUE already parsed as a number, checked against PUE_RANGE; `text` is what the user wrote. */
export function checkPue(value: number, text: string, inputName: string): number {
  if (!Number.isFinite(value) || value < PUE_RANGE.min || value > PUE_RANGE.max) {
    throw new InputError(
      `${inputName}: "${truncate(text)}" is out of range; a PUE is facility power over IT power, accepted: 1.0 to 5.0`,
    );
  }
  return value;
}

export function parsePue(text: string, inputName: string): number {
  return checkPue(parsePositiveNumber(text, inputName, "a number ≥ 1.0, e.g. 1.1"), text, inputName);
}
