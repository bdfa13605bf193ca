/**
 * What the PR comment needs from carbon accounting besides the report: greener-region advice for the head's
 * energy (greener.ts: only lower-emitting places, each saving ≥ 20 %) and the addresses of our own dataset's
 * sources, which the comment may show as links (any other address in a report stays code). Pure; plain data
 * in the shapes of src/report/comment-model.ts (structural, so carbon imports no renderer).
 */
import { GITHUB_HOSTED_MIX_ID } from "./context.js";
import { DATASET, findPlace } from "./dataset.js";
import { greenerAdvice } from "./greener.js";
import type { Carbon } from "../model/report.js";

export interface CommentCarbonExtras {
  advice: {
    currentG: number;
    region: { id: string; name: string };
    options: { id: string; name: string; emissionsG: number; gPerKWh: number; year: number | null }[];
    source: string;
    hosted?: { lowPercent: number; highPercent: number; how: string };
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
  if (carbon.region.id === GITHUB_HOSTED_MIX_ID) return hostedAdvice(energyWh, carbon);
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
    source: `the same energy at each place's yearly average intensity (embedded dataset): ${advice.basis}`,
  };
}

/**
 * The default GitHub-hosted runner: its Azure region is not published, so the job cannot move; a larger runner with
 * Azure private networking (region chosen by the user) or a self-hosted runner can. The cleanest comparable Azure
 * region, with the saving as a range over the hosted default's own intensity range (min to max of the US regions,
 * widened by the regional uncertainty): the saving is only as sure as the guess of where the hosted runner ran.
 */
function hostedAdvice(energyWh: number, carbon: Carbon): CommentCarbonExtras["advice"] {
  const advice = greenerAdvice(
    energyWh,
    {
      region: { ...carbon.region, country: null, provider: "azure" },
      intensity: carbon.intensity,
      pue: carbon.pue,
      warnings: [],
      notes: [],
    },
    { perGroup: 1 },
  );
  const best = advice.choices.find((c) => c.region.id.startsWith("azure:"));
  if (!best) return null;
  const saving = (gPerKWh: number) =>
    100 * (1 - (best.pue * best.intensity.gPerKWh) / (carbon.pue.value * gPerKWh));
  const lowPercent = Math.max(0, saving(carbon.intensity.lowGPerKWh));
  const highPercent = saving(carbon.intensity.highGPerKWh);
  return {
    currentG: advice.currentG,
    region: { id: carbon.region.id, name: carbon.region.name },
    options: [
      {
        id: best.region.id,
        name: best.region.name,
        emissionsG: best.emissionsG,
        gPerKWh: best.intensity.gPerKWh,
        year: best.intensity.year,
      },
    ],
    source: `the same energy at the region's yearly average intensity (embedded dataset): ${advice.basis}`,
    hosted: {
      lowPercent,
      highPercent,
      how: "A larger runner with Azure private networking, or a self-hosted runner,",
    },
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
