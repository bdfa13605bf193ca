/**
 * Time-shift advice for scheduled workflows (Dodge et al. 2022, "Measuring the Carbon Intensity of AI in Cloud
 * Instances", FAccT: shifting the start time of long jobs cuts emissions where the grid's intensity swings within a
 * day). With a live provider opted in, the provider's forecast says when in the next day the same job (same duration)
 * would run on the cleanest grid, against the job's own start time a day later. Without a provider nothing is said:
 * a yearly average has no hours to choose between.
 *
 * Forecasts (recorded answers in test/fixtures/forecast/):
 * - GB Carbon Intensity API (NESO), free, no key: `GET /intensity/{from}/fw48h`, half-hourly national forecast for the
 *   next 48 h, `{"data":[{"from":"2025-06-01T10:30Z","to":"2025-06-01T11:00Z","intensity":{"forecast":140,
 *   "actual":null,"index":"moderate"}},…]}` (api.carbonintensity.org.uk);
 * - Electricity Maps `GET /v3/carbon-intensity/forecast?zone=DE` (header `auth-token`; plans that include forecasts),
 *   hourly, `{"zone":"DE","forecast":[{"carbonIntensity":322,"datetime":"2025-06-01T11:00:00.000Z"},…],
 *   "updatedAt":"…"}`, asked without the caller-IP fallback and its zone checked.
 */
import type { Carbon } from "../model/report.js";
import {
  type FetchOptions as LiveFetchOptions,
  type LiveWindow,
  type TimeSlot,
  getJson,
  redact,
  validIntensity,
  windowMean,
  zoneMismatch,
} from "./live.js";

export type TimeShift = NonNullable<Carbon["timeShift"]>;

const HOUR_MS = 3_600_000;
const HALF_HOUR_MS = 1_800_000;
const DAY_MS = 24 * HOUR_MS;

export type ForecastResult = { ok: true; slots: TimeSlot[]; source: string } | { ok: false; reason: string };

type FetchOptions = LiveFetchOptions & { baseUrl?: string };

const isoMinute = (ms: number) => new Date(ms).toISOString().slice(0, 16);

/** GB Carbon Intensity API 48-hour forecast from `fromMs` (rounded down to the half hour). */
export async function fetchUkGridForecast(fromMs: number, options: FetchOptions): Promise<ForecastResult> {
  const base = (options.baseUrl ?? "https://api.carbonintensity.org.uk").replace(/\/+$/, "");
  const from = Math.floor(fromMs / HALF_HOUR_MS) * HALF_HOUR_MS;
  try {
    const body = await getJson(
      `${base}/intensity/${isoMinute(from)}Z/fw48h`,
      { Accept: "application/json" },
      options,
    );
    const data = (body as { data?: unknown })?.data;
    if (!Array.isArray(data))
      return { ok: false, reason: "GB Carbon Intensity API: forecast has no data array" };
    const slots: TimeSlot[] = [];
    for (const entry of data as { from?: unknown; to?: unknown; intensity?: Record<string, unknown> }[]) {
      const start = typeof entry?.from === "string" ? Date.parse(entry.from) : Number.NaN;
      const end = typeof entry?.to === "string" ? Date.parse(entry.to) : Number.NaN;
      const value = entry?.intensity?.forecast;
      if (!validIntensity(value) || !Number.isFinite(start) || !(end > start)) continue;
      slots.push({ startMs: start, endMs: end, value });
    }
    if (slots.length === 0)
      return { ok: false, reason: "GB Carbon Intensity API: forecast has no valid values" };
    return {
      ok: true,
      slots,
      source: `GB Carbon Intensity API (NESO) 48 h national forecast from ${isoMinute(from)} UTC`,
    };
  } catch (error) {
    return { ok: false, reason: `GB Carbon Intensity API forecast: ${(error as Error).message}` };
  }
}

/** Electricity Maps forecast for `zone` (hourly slots starting at each `datetime`). */
export async function fetchElectricityMapsForecast(
  zone: string,
  token: string,
  options: FetchOptions,
): Promise<ForecastResult> {
  const base = (options.baseUrl ?? "https://api.electricitymap.org").replace(/\/+$/, "");
  const url = `${base}/v3/carbon-intensity/forecast?zone=${encodeURIComponent(zone)}&shouldUseFallbackCallerLookup=false`;
  try {
    const body = await getJson(url, { "auth-token": token }, options);
    const wrongZone = zoneMismatch(body, zone);
    if (wrongZone) return { ok: false, reason: wrongZone };
    const forecast = (body as { forecast?: unknown })?.forecast;
    if (!Array.isArray(forecast))
      return { ok: false, reason: "Electricity Maps: forecast has no forecast array" };
    const slots: TimeSlot[] = [];
    for (const entry of forecast as { carbonIntensity?: unknown; datetime?: unknown }[]) {
      const start = typeof entry?.datetime === "string" ? Date.parse(entry.datetime) : Number.NaN;
      if (!validIntensity(entry?.carbonIntensity) || !Number.isFinite(start)) continue;
      slots.push({ startMs: start, endMs: start + HOUR_MS, value: entry.carbonIntensity });
    }
    if (slots.length === 0) return { ok: false, reason: "Electricity Maps: forecast has no valid values" };
    const updated = (body as { updatedAt?: unknown }).updatedAt;
    return {
      ok: true,
      slots,
      source: `Electricity Maps forecast, zone ${zone}${typeof updated === "string" ? ` (updated ${updated.slice(0, 16)}Z)` : ""}`,
    };
  } catch (error) {
    return { ok: false, reason: `Electricity Maps forecast: ${redact((error as Error).message, token)}` };
  }
}

/**
 * The cleanest start in the next day for a job of the window's duration, against the job's own start a day later
 * (or, where the forecast does not reach that far, its first slot). Candidate starts: every slot start from `nowMs`
 * on, within 24 h, whose whole run the forecast covers. Null when no candidate is covered. Pure.
 */
export function bestStart(
  slots: readonly TimeSlot[],
  job: LiveWindow,
  nowMs: number,
  source: string,
): TimeShift | null {
  const durationMs = Math.max(job.endMs - job.startMs, 0);
  const sorted = [...slots].sort((a, b) => a.startMs - b.startMs);
  const lastEnd = sorted.reduce((m, s) => Math.max(m, s.endMs), Number.NEGATIVE_INFINITY);
  const covered = (start: number) =>
    start >= (sorted[0]?.startMs ?? Infinity) && start + durationMs <= lastEnd;
  const meanFrom = (start: number) =>
    windowMean(sorted, { startMs: start, endMs: start + durationMs })?.value;
  let best: { start: number; g: number } | null = null;
  for (const slot of sorted) {
    if (slot.startMs < nowMs - HALF_HOUR_MS || slot.startMs > nowMs + DAY_MS || !covered(slot.startMs))
      continue;
    const g = meanFrom(slot.startMs);
    if (g === undefined) continue;
    if (!best || g < best.g) best = { start: slot.startMs, g };
  }
  if (!best) return null;
  const nextDay = job.startMs + DAY_MS;
  const baselineStart = covered(nextDay)
    ? nextDay
    : (sorted.find((s) => s.startMs >= nowMs - HALF_HOUR_MS)?.startMs ?? best.start);
  const baselineG = meanFrom(baselineStart);
  if (baselineG === undefined || !(baselineG > 0)) return null;
  return {
    baselineStart: new Date(baselineStart).toISOString(),
    baselineGPerKWh: baselineG,
    bestStart: new Date(best.start).toISOString(),
    bestGPerKWh: best.g,
    savingFraction: Math.min(1, Math.max(0, (baselineG - best.g) / baselineG)),
    source: `${source}; the job's ${Math.round(durationMs / 60_000)} min at each start${baselineStart === nextDay ? ", against its own start time a day later" : ", against the forecast's first hour (its own start a day later is beyond the forecast)"}`,
  };
}

export interface TimeShiftOptions {
  /** GITHUB_EVENT_NAME and friends */
  env: Record<string, string | undefined>;
  electricityMapsToken?: string;
  liveIntensity?: boolean;
  /** the Electricity Maps zone of the job's place (zones.ts), null when none */
  zone: string | null;
  /** the job's place is in Great Britain (the GB API's national forecast applies) */
  inGB: boolean;
  window: LiveWindow;
  nowMs: number;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  endpoints?: { electricityMaps?: string; ukGrid?: string };
}

/**
 * The time-shift line's data for a finished job, or null with the reason in `warnings` when it was tried and failed.
 * Only for scheduled workflows (`on: schedule`, GITHUB_EVENT_NAME=schedule) with a live provider opted in: an
 * Electricity Maps token (its forecast, where the plan allows) for the job's zone, else the GB API's free 48 h
 * forecast for a GB place with live-intensity on. Anything else: null, no request.
 */
export async function timeShiftForJob(
  options: TimeShiftOptions,
  warnings: string[],
): Promise<TimeShift | null> {
  if (options.env.GITHUB_EVENT_NAME !== "schedule") return null;
  const token = options.electricityMapsToken?.trim() ?? "";
  const fetchOptions = { fetchImpl: options.fetchImpl ?? fetch, timeoutMs: options.timeoutMs ?? 2_000 };
  let result: ForecastResult | null = null;
  if (token && options.zone) {
    result = await fetchElectricityMapsForecast(options.zone, token, {
      ...fetchOptions,
      baseUrl: options.endpoints?.electricityMaps,
    });
  } else if (!token && options.liveIntensity && options.inGB) {
    result = await fetchUkGridForecast(options.nowMs, {
      ...fetchOptions,
      baseUrl: options.endpoints?.ukGrid,
    });
  }
  if (!result) return null;
  if (!result.ok) {
    warnings.push(redact(`time-shift advice: no forecast (${result.reason})`, token));
    return null;
  }
  return bestStart(result.slots, options.window, options.nowMs, result.source);
}
