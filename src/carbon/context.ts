/**
 * Region resolution (input → cloud metadata → runner hint → world average) and the intensity/PUE that go with it.
 * The result, a CarbonContext, is plain data that computeCarbon turns into emissions.
 */
import { checkPue, InputError, truncate } from "../model/units.js";
import type { Carbon, RegionSource } from "../model/report.js";
import {
  GITHUB_HOSTED_AZURE_REGIONS,
  INTENSITY_RELATIVE_RANGE,
  PUE_BY_PROVIDER,
  WORLD_RANGE_G_PER_KWH,
  type PueFigure,
} from "./constants.js";
import { closestPlaceIds, findCloudRegion, findPlace, worldPlace, type Place } from "./dataset.js";
import { detectCloudRegion, type ImdsEndpoints } from "./imds.js";
import { zoneForPlace } from "./zones.js";
import {
  fetchElectricityMaps,
  fetchElectricityMapsWindow,
  fetchUkGrid,
  fetchUkGridWindow,
  redact,
  type LiveResult,
  type LiveWindow,
} from "./live.js";

export interface CarbonContext {
  region: Carbon["region"] & { country: string | null; provider: Place["provider"] };
  intensity: Carbon["intensity"];
  pue: PueFigure;
  warnings: string[];
  notes: string[];
}

/**
 * Live grid intensity, opt-in only (nothing is sent to a third party by default):
 * - Electricity Maps when a token is given (the token is the opt-in), for the place's zone;
 * - the public GB Carbon Intensity API only when `liveIntensity` is set explicitly and the region is in GB
 *   (without an Electricity Maps token);
 * averaged over `window` (the job's start/end) where the API allows, else the latest reading; cached per
 * provider/zone/window; time-boxed (timeoutMs per request, one retry on network errors/5xx); any failure falls
 * back to the embedded dataset with a warning.
 */
export interface LiveOptions {
  electricityMapsToken?: string;
  /** explicit opt-in for the public GB grid API (and a warning when no live provider can serve the region) */
  liveIntensity?: boolean;
  endpoints?: { electricityMaps?: string; ukGrid?: string };
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  /** the job's window; without it the latest reading is used */
  window?: LiveWindow;
  /** per-run cache of live readings keyed by provider+zone+window */
  liveCache?: Map<string, LiveResult>;
}

export interface ResolveOptions extends LiveOptions {
  region?: string;
  carbonIntensityGPerKWh?: number;
  pue?: number;
  env: Record<string, string | undefined>;
  endpoints?: ImdsEndpoints & { electricityMaps?: string; ukGrid?: string };
  /**
   * Deadline for all cloud metadata services together: 1 s (the design's budget) unless given; tests whose
   * loopback servers do answer give more, so a loaded machine does not turn an answer into a timeout.
   */
  imdsTimeoutMs?: number;
  now?: () => Date;
  /** resolve region/dataset only; live intensity is applied later with applyLiveIntensity (after the job) */
  deferLive?: boolean;
}

export const REGION_FORMS =
  'aws:<region> (aws:us-east-1), azure:<region> (azure:eastus), gcp:<region> (gcp:europe-west1), an ISO country code (FR, FRA) or "world"';

/** Parse a region input; unknown → InputError naming the closest valid ids. */
export function parseRegion(text: string, inputName = "region"): Place {
  const place = findPlace(text);
  if (place) return place;
  throw new InputError(
    `${inputName}: "${truncate(text)}" is not a known region; closest: ${closestPlaceIds(text).join(", ")}; accepted: ${REGION_FORMS}`,
  );
}

/** Electricity Maps zone for a place (zones.ts: the grid that serves the region, from a sourced table). */
function electricityMapsZone(place: Place): string | null {
  return zoneForPlace(place);
}

function rangeFor(place: Place): { low: number; high: number } {
  if (place.kind === "world") return { ...WORLD_RANGE_G_PER_KWH };
  const r =
    place.method === "country-average"
      ? INTENSITY_RELATIVE_RANGE.countryAverage
      : INTENSITY_RELATIVE_RANGE.regional;
  return { low: place.gPerKWh * (1 - r), high: place.gPerKWh * (1 + r) };
}

function datasetIntensity(place: Place, provenance: Carbon["intensity"]["provenance"]): Carbon["intensity"] {
  const { low, high } = rangeFor(place);
  return {
    gPerKWh: place.gPerKWh,
    lowGPerKWh: low,
    highGPerKWh: high,
    source: place.source,
    year: place.year,
    basis: place.basis,
    provenance,
    live: false,
  };
}

/** Region id of the GitHub-hosted default (no such Azure region: a mix of the US ones). */
export const GITHUB_HOSTED_MIX_ID = "azure:us-mix";

/**
 * The default's source names every region with its own sub-region and source (it averages several NERC regions, so
 * naming the first region's alone would mislabel it).
 */
function githubHostedSource(places: Place[]): string {
  const sub = (p: Place) => /US grid sub-region (\w+)/.exec(p.source)?.[1];
  const regions = places.map((p) => `${p.id.slice(6)}${sub(p) ? ` ${sub(p)}` : ""}`).join(", ");
  const subregions = [...new Set(places.map(sub).filter((x): x is string => !!x))].sort();
  const sources = [...new Set(places.map((p) => p.source.replace(/; US grid sub-region \w+/, "")))];
  return `assumed: mean of ${places.length} Azure US regions (${regions}) over ${subregions.length} US grid sub-regions (${subregions.join(", ")}); ${sources.join("; ")}`;
}

/** The documented GitHub-hosted runner assumption: mean of the Azure US regions, range min..max widened. */
export function githubHostedDefault(): { place: Place; intensity: Carbon["intensity"] } {
  const places = GITHUB_HOSTED_AZURE_REGIONS.map((r) => findCloudRegion("azure", r)).filter(
    (p): p is Place => !!p,
  );
  const values = places.map((p) => p.gPerKWh);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const r = INTENSITY_RELATIVE_RANGE.regional;
  const place: Place = {
    id: GITHUB_HOSTED_MIX_ID,
    name: "GitHub-hosted runner: assumed mix of Azure US regions",
    kind: "cloud",
    provider: "azure",
    country: "US",
    gPerKWh: mean,
    year: Math.max(...places.map((p) => p.year)),
    basis: places[0]?.basis ?? "unknown",
    source: githubHostedSource(places),
    method: "ccf-factor",
  };
  return {
    place,
    intensity: {
      ...datasetIntensity(place, "assumed"),
      lowGPerKWh: Math.min(...values) * (1 - r),
      highGPerKWh: Math.max(...values) * (1 + r),
    },
  };
}

async function liveIntensity(
  place: Place,
  options: LiveOptions,
  warnings: string[],
): Promise<Carbon["intensity"] | null> {
  const token = options.electricityMapsToken?.trim() ?? "";
  if (!token && !options.liveIntensity) return null; // not opted in: no request
  const fetchImpl = options.fetchImpl ?? fetch;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const window = options.window;
  const windowKey = window
    ? `:${Math.floor(window.startMs / 60_000)}-${Math.ceil(window.endMs / 60_000)}`
    : ":latest";
  let key: string;
  let run: () => Promise<LiveResult>;
  if (token) {
    const zone = electricityMapsZone(place);
    if (!zone) {
      warnings.push(
        `live intensity: no Electricity Maps zone known for ${place.id}; using the embedded dataset`,
      );
      return null;
    }
    key = `em:${zone}${windowKey}`;
    const fetchOptions = { fetchImpl, timeoutMs, baseUrl: options.endpoints?.electricityMaps };
    run = window
      ? () => fetchElectricityMapsWindow(zone, token, window, fetchOptions)
      : () => fetchElectricityMaps(zone, token, fetchOptions);
  } else if (place.country === "GB") {
    key = `uk${windowKey}`;
    const fetchOptions = { fetchImpl, timeoutMs, baseUrl: options.endpoints?.ukGrid };
    run = window ? () => fetchUkGridWindow(window, fetchOptions) : () => fetchUkGrid(fetchOptions);
  } else {
    warnings.push(
      `live intensity: needs an Electricity Maps token (the public GB grid API covers only GB); using the embedded dataset`,
    );
    return null;
  }
  const cached = options.liveCache?.get(key);
  const result = cached ?? (await run());
  options.liveCache?.set(key, result);
  if (!result.ok) {
    warnings.push(redact(`live intensity unavailable (${result.reason}); using the embedded dataset`, token));
    return null;
  }
  const { reading } = result;
  const r = INTENSITY_RELATIVE_RANGE.live;
  return {
    gPerKWh: reading.gPerKWh,
    lowGPerKWh: reading.gPerKWh * (1 - r),
    highGPerKWh: reading.gPerKWh * (1 + r),
    source: redact(`${reading.source}${!window && reading.datetime ? ` at ${reading.datetime}` : ""}`, token),
    year: reading.datetime ? new Date(reading.datetime).getUTCFullYear() || null : null,
    basis: reading.basis,
    provenance: "measured",
    live: true,
  };
}

/**
 * Replaces the context's dataset intensity with a live reading when the options opt in (see LiveOptions), else
 * returns it unchanged. An explicit carbon-intensity input always wins. Never throws; failures are warnings.
 */
export async function applyLiveIntensity(ctx: CarbonContext, options: LiveOptions): Promise<CarbonContext> {
  const token = options.electricityMapsToken?.trim() ?? "";
  if (!token && !options.liveIntensity) return ctx;
  const warnings = [...ctx.warnings];
  if (ctx.region.source === "intensity-input") {
    warnings.push("live intensity: not used because carbon-intensity was given");
    return { ...ctx, warnings };
  }
  const place: Place | undefined =
    ctx.region.id === "azure:us-mix" ? githubHostedDefault().place : findPlace(ctx.region.id);
  if (!place) return ctx;
  const live = await liveIntensity(place, options, warnings);
  return { ...ctx, intensity: live ?? ctx.intensity, warnings };
}

function pueFor(place: Place | null, override: number | undefined): PueFigure {
  if (override !== undefined) {
    checkPue(override, String(override), "pue");
    return { value: override, low: override, high: override, source: "input" };
  }
  return PUE_BY_PROVIDER[place?.provider ?? "local"];
}

export async function resolveCarbonContext(options: ResolveOptions): Promise<CarbonContext> {
  const warnings: string[] = [];
  const notes: string[] = [];
  const given = options.carbonIntensityGPerKWh;
  if (given !== undefined && (!Number.isFinite(given) || given < 0)) {
    throw new InputError(
      `carbon-intensity: "${given}" is not valid; accepted: a number of g/kWh, 0 or more (e.g. 120)`,
    );
  }
  let place: Place | null = null;
  let source: RegionSource;
  let intensity: Carbon["intensity"] | null = null;

  if (options.region !== undefined && options.region.trim() !== "") {
    place = parseRegion(options.region);
    source = "input";
  } else if (given !== undefined) {
    source = "intensity-input";
  } else {
    const hit = await detectCloudRegion({
      endpoints: options.endpoints,
      timeoutMs: options.imdsTimeoutMs ?? Math.min(options.timeoutMs ?? 1_000, 1_000),
      fetchImpl: options.fetchImpl,
    });
    const found = hit ? findCloudRegion(hit.provider, hit.region) : undefined;
    if (hit && !found)
      warnings.push(`cloud metadata reported ${hit.provider}:${hit.region}, which the dataset lacks`);
    if (hit && found) {
      place = found;
      source = `imds-${hit.provider}`;
    } else if (options.env.RUNNER_ENVIRONMENT === "github-hosted") {
      const fallback = githubHostedDefault();
      place = fallback.place;
      intensity = fallback.intensity;
      source = "runner-default";
      notes.push(
        "GitHub-hosted runner in an undocumented Azure US region: intensity is the mean of Azure US regions, range min–max (assumed)",
      );
    } else {
      place = worldPlace();
      source = "world-default";
      notes.push(
        "region unknown: world average intensity with a wide range (assumed); set region: for a real figure",
      );
    }
  }

  if (given !== undefined) {
    intensity = {
      gPerKWh: given,
      lowGPerKWh: given,
      highGPerKWh: given,
      source: "input (carbon-intensity)",
      year: null,
      basis: "unknown",
      provenance: "assumed",
      live: false,
    };
  } else if (place && !intensity) {
    intensity = datasetIntensity(place, "modelled");
  }
  if (!intensity) throw new Error("unreachable: no intensity"); // every branch above sets one

  const assumedRegion =
    source === "runner-default" || source === "world-default" || source === "intensity-input";
  if (place?.method === "country-average") {
    notes.push(`${place.id}: no regional figure published; the country average is used (wider range)`);
  }
  const resolved: CarbonContext = {
    region: {
      id: place?.id ?? "custom",
      name: place?.name ?? "Custom intensity",
      source,
      provenance: assumedRegion ? "assumed" : "measured",
      country: place?.country ?? null,
      provider: place?.provider ?? null,
    },
    intensity,
    pue: pueFor(place, options.pue),
    warnings,
    notes,
  };
  return options.deferLive ? resolved : applyLiveIntensity(resolved, options);
}
