/**
 * "Greener choices": what the same energy would emit in the greenest regions of the same provider and in the same
 * country (Dodge et al. 2022, "Measuring the Carbon Intensity of AI in Cloud Instances", FAccT: region changes emissions
 * by up to ~10×). Pure; uses the embedded dataset and each provider's PUE.
 */
import { PUE_BY_PROVIDER } from "./constants.js";
import type { CarbonContext } from "./context.js";
import { listCountries, listRegions, type Place } from "./dataset.js";

export interface GreenerChoice {
  region: { id: string; name: string };
  intensity: { gPerKWh: number; year: number; basis: Place["basis"]; source: string };
  pue: number;
  emissionsG: number;
  /** why it is listed */
  reason: "same-provider" | "same-country";
}

export function greenerChoices(
  energyWh: number,
  ctx: CarbonContext,
  opts: { perGroup?: number } = {},
): GreenerChoice[] {
  const perGroup = opts.perGroup ?? 3;
  const choice = (place: Place, reason: GreenerChoice["reason"]): GreenerChoice => {
    const pue = PUE_BY_PROVIDER[place.provider ?? "local"].value;
    return {
      region: { id: place.id, name: place.name },
      intensity: { gPerKWh: place.gPerKWh, year: place.year, basis: place.basis, source: place.source },
      pue,
      emissionsG: (energyWh / 1_000) * pue * place.gPerKWh,
      reason,
    };
  };
  const byIntensity = (a: Place, b: Place) => a.gPerKWh - b.gPerKWh || a.id.localeCompare(b.id);
  const out: GreenerChoice[] = [];
  const seen = new Set<string>([ctx.region.id]);
  const add = (places: Place[], reason: GreenerChoice["reason"]) => {
    for (const place of places
      .filter((p) => !seen.has(p.id))
      .sort(byIntensity)
      .slice(0, perGroup)) {
      seen.add(place.id);
      out.push(choice(place, reason));
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
  return out.sort((a, b) => a.emissionsG - b.emissionsG);
}
