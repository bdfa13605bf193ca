/**
 * "Greener choices": where the same energy would emit clearly less — the greenest regions of the same provider and of the
 * same country (Dodge et al. 2022, "Measuring the Carbon Intensity of AI in Cloud Instances", FAccT: region changes
 * emissions by up to ~10×). Only lower-emitting choices are listed, each with its saving, and only when it cuts at least
 * GREENER_MIN_SAVING_FRACTION: advice that names a dirtier grid, or one within the intensity figures' own uncertainty, is
 * noise. Pure; uses the embedded dataset and each provider's PUE.
 */
import { INTENSITY_RELATIVE_RANGE, PUE_BY_PROVIDER } from "./constants.js";
import type { CarbonContext } from "./context.js";
import { listCountries, listRegions, type Place } from "./dataset.js";

/**
 * Smallest saving worth advising: 20 %, the regional figures' own relative uncertainty (INTENSITY_RELATIVE_RANGE.regional,
 * assumed ±20 %): a smaller difference between two yearly averages is not a reliable improvement.
 */
export const GREENER_MIN_SAVING_FRACTION = INTENSITY_RELATIVE_RANGE.regional;

export interface GreenerChoice {
  region: { id: string; name: string };
  intensity: { gPerKWh: number; year: number; basis: Place["basis"]; source: string };
  pue: number;
  emissionsG: number;
  /** emissions avoided against the job's own region, g (always > 0) */
  savingG: number;
  /** savingG / the job's operational emissions (≥ GREENER_MIN_SAVING_FRACTION) */
  savingFraction: number;
  /** why it is listed */
  reason: "same-provider" | "same-country";
}

/** What a comment needs for one collapsed line: the job's own operational emissions and the choices, best first. */
export interface GreenerAdvice {
  /** operational emissions of the energy where the job ran (its PUE × its intensity), g */
  currentG: number;
  minSavingFraction: number;
  /** lower-emitting choices only, largest saving first; empty when nothing cuts ≥ minSavingFraction */
  choices: GreenerChoice[];
}

export function greenerAdvice(
  energyWh: number,
  ctx: CarbonContext,
  opts: { perGroup?: number } = {},
): GreenerAdvice {
  const perGroup = opts.perGroup ?? 3;
  const currentG = (energyWh / 1_000) * ctx.pue.value * ctx.intensity.gPerKWh;
  const maxG = currentG * (1 - GREENER_MIN_SAVING_FRACTION);
  const choice = (place: Place, reason: GreenerChoice["reason"]): GreenerChoice => {
    const pue = PUE_BY_PROVIDER[place.provider ?? "local"].value;
    const emissionsG = (energyWh / 1_000) * pue * place.gPerKWh;
    return {
      region: { id: place.id, name: place.name },
      intensity: { gPerKWh: place.gPerKWh, year: place.year, basis: place.basis, source: place.source },
      pue,
      emissionsG,
      savingG: currentG - emissionsG,
      savingFraction: currentG > 0 ? (currentG - emissionsG) / currentG : 0,
      reason,
    };
  };
  const out: GreenerChoice[] = [];
  const seen = new Set<string>([ctx.region.id]);
  const add = (places: Place[], reason: GreenerChoice["reason"]) => {
    const candidates = places
      .filter((p) => !seen.has(p.id))
      .map((p) => choice(p, reason))
      // strictly lower and by at least the threshold; nothing qualifies when the job emits nothing
      .filter((c) => currentG > 0 && c.emissionsG < currentG && c.emissionsG <= maxG)
      .sort((a, b) => a.emissionsG - b.emissionsG || a.region.id.localeCompare(b.region.id))
      .slice(0, perGroup);
    for (const c of candidates) {
      seen.add(c.region.id);
      out.push(c);
    }
  };
  // Without a provider (a country, the world, a custom figure) the greenest cloud regions of any provider are listed.
  add(listRegions(ctx.region.provider ?? undefined), "same-provider");
  const country = ctx.region.country;
  if (country) {
    add(
      [
        ...listRegions().filter((p) => p.country === country),
        ...listCountries().filter((p) => p.id === country),
      ],
      "same-country",
    );
  }
  out.sort((a, b) => a.emissionsG - b.emissionsG || a.region.id.localeCompare(b.region.id));
  return { currentG, minSavingFraction: GREENER_MIN_SAVING_FRACTION, choices: out };
}

/** The choices alone (lower-emitting, ≥ 20 % saving), cleanest first. */
export function greenerChoices(
  energyWh: number,
  ctx: CarbonContext,
  opts: { perGroup?: number } = {},
): GreenerChoice[] {
  return greenerAdvice(energyWh, ctx, opts).choices;
}
