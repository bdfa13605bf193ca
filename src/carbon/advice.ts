/**
 * What the PR comment needs from carbon accounting besides the report: greener-region advice for the head's
 * energy (greener.ts: only lower-emitting places, each saving ≥ 20 %) and the addresses of our own dataset's
 * sources, which the comment may show as links (any other address in a report stays code). Pure; plain data
 * in the shapes of src/report/comment-model.ts (structural, so carbon imports no renderer).
 */
import { DATASET, findPlace } from "./dataset.js";
import { greenerAdvice } from "./greener.js";
import type { Carbon } from "../model/report.js";

export interface CommentCarbonExtras {
  advice: {
    currentG: number;
    region: { id: string; name: string };
    options: { id: string; name: string; emissionsG: number; gPerKWh: number; year: number | null }[];
    source: string;
  } | null;
  trustedUrls: string[];
}

/** Every source address of the embedded dataset. */
export function datasetSourceUrls(): string[] {
  return Object.values(DATASET.sources).map((s) => s.url);
}

/**
 * Greener places for `energyWh` used where `carbon` says it ran; null when the intensity was given directly
 * or measured live (no yearly figure to compare like with like) or the place is not in the dataset.
 */
export function commentAdvice(energyWh: number, carbon: Carbon): CommentCarbonExtras["advice"] {
  if (carbon.region.source === "intensity-input" || carbon.intensity.live || !(energyWh > 0)) return null;
  const place = findPlace(carbon.region.id);
  if (!place) return null;
  const advice = greenerAdvice(energyWh, {
    region: { ...carbon.region, country: place.country, provider: place.provider },
    intensity: carbon.intensity,
    pue: carbon.pue,
    warnings: [],
    notes: [],
  });
  if (advice.choices.length === 0) return null;
  return {
    currentG: advice.currentG,
    region: { id: carbon.region.id, name: carbon.region.name },
    options: advice.choices.map((c) => ({
      id: c.region.id,
      name: c.region.name,
      emissionsG: c.emissionsG,
      gPerKWh: c.intensity.gPerKWh,
      year: c.intensity.year,
    })),
    source:
      "the same energy at each place's yearly average intensity (embedded dataset) and its provider's PUE",
  };
}

/** Advice (when every head ran in one place) and the trusted addresses, for one comment. */
export function commentCarbonExtras(
  heads: { energyWh: number; carbon: Carbon | null }[],
): CommentCarbonExtras {
  const carbons = heads.map((h) => h.carbon);
  const first = carbons[0];
  const onePlace = first && carbons.every((c) => c && c.region.id === first.region.id);
  return {
    advice: onePlace
      ? commentAdvice(
          heads.reduce((a, h) => a + h.energyWh, 0),
          first,
        )
      : null,
    trustedUrls: datasetSourceUrls(),
  };
}
