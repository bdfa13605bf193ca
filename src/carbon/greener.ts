/**
 * "Greener choices": where the same energy would emit clearly less — the greenest regions of the same provider and of the
 * same country (Dodge et al. 2022, "Measuring the Carbon Intensity of AI in Cloud Instances", FAccT: region changes
 * emissions by up to ~10×). Only lower-emitting choices are listed, each with its saving, and only when it cuts at least
 * GREENER_MIN_SAVING_FRACTION: advice that names a dirtier grid, or one within the intensity figures' own uncertainty, is
 * noise. Pure; uses the embedded dataset and each provider's PUE.
 *
 * Like with like (issue #26): a choice is listed only when its figure has the same accounting basis as the job's own
 * (life-cycle vs direct combustion: life-cycle figures run 5–15 % higher for fossil grids, more than many savings) and
 * a data year within GREENER_MAX_YEAR_GAP of it, each place with its own provider's PUE. A place is never advised
 * against itself: not its own id, and not its own country's average (the same grid under another source's figure).
 */
import { INTENSITY_RELATIVE_RANGE, PUE_BY_PROVIDER } from "./constants.js";
import type { CarbonContext } from "./context.js";
import { listCountries, listRegions, type Place } from "./dataset.js";

/**
 * Smallest saving worth advising: 20 %, the regional figures' own relative uncertainty (INTENSITY_RELATIVE_RANGE.regional,
 * assumed ±20 %): a smaller difference between two yearly averages is not a reliable improvement.
 */
export const GREENER_MIN_SAVING_FRACTION = INTENSITY_RELATIVE_RANGE.regional;

/**
 * Largest difference in data year between the job's figure and a choice's (assumed): grids change by several % a year
 * (CCF's two US eGRID vintages differ by −4 to −10 %), so figures further apart are not compared.
 */
export const GREENER_MAX_YEAR_GAP = 2;

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
  reason: "same-provider" | "other-provider" | "same-country";
}

/** What a comment needs for one collapsed line: the job's own operational emissions and the choices, best first. */
export interface GreenerAdvice {
  /** operational emissions of the energy where the job ran (its PUE × its intensity), g */
  currentG: number;
  minSavingFraction: number;
  /** lower-emitting choices only, largest saving first; empty when nothing cuts ≥ minSavingFraction */
  choices: GreenerChoice[];
  /** what the choices were compared on, one line */
  basis: string;
}

/** Whether `place` may be compared with the job's figure: same basis, data years close, not the same place. */
export function comparable(place: Place, ctx: CarbonContext): boolean {
  const year = ctx.intensity.year;
  if (year === null || year === undefined) return false;
  if (place.basis !== ctx.intensity.basis || place.basis === "unknown") return false;
  if (Math.abs(place.year - year) > GREENER_MAX_YEAR_GAP) return false;
  if (place.id === ctx.region.id) return false;
  // the job's own country average is the grid the job already runs on, under another source's figure
  if (place.kind === "country" && place.id === ctx.region.country) return false;
  return true;
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
      .filter((p) => !seen.has(p.id) && comparable(p, ctx))
      .map((p) =>
        choice(
          p,
          reason === "same-provider" && p.provider !== ctx.region.provider ? "other-provider" : reason,
        ),
      )
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
  const year = ctx.intensity.year;
  return {
    currentG,
    minSavingFraction: GREENER_MIN_SAVING_FRACTION,
    choices: out,
    basis:
      year === null || year === undefined
        ? "no yearly figure to compare with"
        : `${ctx.intensity.basis} figures of ${year - GREENER_MAX_YEAR_GAP}–${year + GREENER_MAX_YEAR_GAP}, each place with its provider's PUE`,
  };
}

/** The choices alone (lower-emitting, ≥ 20 % saving), cleanest first. */
export function greenerChoices(
  energyWh: number,
  ctx: CarbonContext,
  opts: { perGroup?: number } = {},
): GreenerChoice[] {
  return greenerAdvice(energyWh, ctx, opts).choices;
}
