/**
 * Optional live grid intensity: Electricity Maps (token) and the GB grid's public Carbon Intensity API (NESO).
 * Time-boxed, one retry on network errors/timeouts/5xx, never throws: the caller falls back to the dataset and records
 * the reason. The token is sent only as the `auth-token` header and never appears in a reason.
 */
export interface LiveReading {
  gPerKWh: number;
  /** ISO time the reading is for */
  datetime: string | null;
  source: string;
  basis: "lifecycle" | "direct-combustion" | "unknown";
}

export type LiveResult = { ok: true; reading: LiveReading } | { ok: false; reason: string };

export interface FetchOptions {
  fetchImpl: typeof fetch;
  timeoutMs: number;
}

class LiveError extends Error {
  constructor(
    message: string,
    readonly retry: boolean,
  ) {
    super(message);
  }
}

/**
 * GET a provider's JSON, time-boxed, redirects refused (the forecasts in timeshift.ts use it too). Throws a LiveError
 * whose message is the reason and whose `retry` says whether one more try may help (withOneRetry).
 */
export async function getJson(
  url: string,
  headers: Record<string, string>,
  options: FetchOptions,
): Promise<unknown> {
  let response: Response;
  try {
    // No redirect is followed: fetch would send the `auth-token` header on to any origin (it strips only
    // Authorization), so a redirect is an error instead.
    response = await options.fetchImpl(url, {
      headers,
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const name = (error as Error).name;
    const timedOut = name === "TimeoutError" || name === "AbortError";
    throw new LiveError(timedOut ? `no answer within ${options.timeoutMs} ms` : "network error", true);
  }
  const body = await response.text().catch(() => "");
  if ((response.status >= 300 && response.status < 400) || response.type === "opaqueredirect")
    throw new LiveError(
      `HTTP ${response.status}: the service answered with a redirect, which is not followed (the token would go with it)`,
      false,
    );
  if (response.status === 401 || response.status === 403) {
    throw new LiveError(
      `HTTP ${response.status}: the token was rejected (check it and its zone access)`,
      false,
    );
  }
  if (response.status === 429) throw new LiveError("HTTP 429: rate limited", false);
  if (!response.ok) throw new LiveError(`HTTP ${response.status}`, response.status >= 500);
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new LiveError("malformed JSON in the response", false);
  }
}

async function withOneRetry<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof LiveError && error.retry) return run();
    throw error;
  }
}

export function validIntensity(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 && value < 5_000;
}

/**
 * Electricity Maps answers a zone it does not know with the data of the caller's IP location under the requested name
 * unless `shouldUseFallbackCallerLookup=false` is sent; with it, an unknown zone is an error. The answer's `zone` is
 * checked too (belt and braces): a reading for another zone is refused, never used under the requested name.
 */
const NO_CALLER_FALLBACK = "&shouldUseFallbackCallerLookup=false";

/** A reason when the answer names another zone than the one asked for (or none), else null. */
export function zoneMismatch(body: unknown, zone: string): string | null {
  const answered = (body as { zone?: unknown } | null)?.zone;
  if (answered === zone) return null;
  return `Electricity Maps: answered for zone ${typeof answered === "string" ? JSON.stringify(answered.slice(0, 40)) : "(none)"}, not the requested ${zone}`;
}

/**
 * Electricity Maps `GET /v3/carbon-intensity/latest?zone=FR` with header `auth-token`. Response:
 * `{"zone":"FR","carbonIntensity":32,"datetime":"…","updatedAt":"…","emissionFactorType":"lifecycle","isEstimated":true}`.
 */
export async function fetchElectricityMaps(
  zone: string,
  token: string,
  options: FetchOptions & { baseUrl?: string },
): Promise<LiveResult> {
  const base = (options.baseUrl ?? "https://api.electricitymap.org").replace(/\/+$/, "");
  const url = `${base}/v3/carbon-intensity/latest?zone=${encodeURIComponent(zone)}${NO_CALLER_FALLBACK}`;
  try {
    const body = await withOneRetry(() => getJson(url, { "auth-token": token }, options));
    const wrongZone = zoneMismatch(body, zone);
    if (wrongZone) return { ok: false, reason: wrongZone };
    const record = body as { carbonIntensity?: unknown; datetime?: unknown; emissionFactorType?: unknown };
    if (!validIntensity(record?.carbonIntensity)) {
      return { ok: false, reason: "Electricity Maps: response has no valid carbonIntensity" };
    }
    const factor = record.emissionFactorType;
    return {
      ok: true,
      reading: {
        gPerKWh: record.carbonIntensity,
        datetime: typeof record.datetime === "string" ? record.datetime : null,
        source: `Electricity Maps live carbon intensity, zone ${zone}`,
        basis: factor === "direct" ? "direct-combustion" : factor === "lifecycle" ? "lifecycle" : "unknown",
      },
    };
  } catch (error) {
    return { ok: false, reason: `Electricity Maps: ${redact((error as Error).message, token)}` };
  }
}

/**
 * GB Carbon Intensity API (NESO) `GET /intensity`. Response:
 * `{"data":[{"from":"…","to":"…","intensity":{"forecast":266,"actual":263,"index":"moderate"}}]}`; `actual` may be null,
 * then the forecast is used.
 */
export async function fetchUkGrid(options: FetchOptions & { baseUrl?: string }): Promise<LiveResult> {
  const base = (options.baseUrl ?? "https://api.carbonintensity.org.uk").replace(/\/+$/, "");
  try {
    const body = await withOneRetry(() =>
      getJson(`${base}/intensity`, { Accept: "application/json" }, options),
    );
    const entry = (body as { data?: unknown })?.data;
    const first = Array.isArray(entry)
      ? (entry[0] as { from?: unknown; intensity?: Record<string, unknown> })
      : undefined;
    const actual = first?.intensity?.actual;
    const forecast = first?.intensity?.forecast;
    const value = validIntensity(actual) ? actual : validIntensity(forecast) ? forecast : undefined;
    if (value === undefined)
      return { ok: false, reason: "GB Carbon Intensity API: response has no actual or forecast value" };
    return {
      ok: true,
      reading: {
        gPerKWh: value,
        datetime: typeof first?.from === "string" ? first.from : null,
        source: `GB Carbon Intensity API (NESO), ${validIntensity(actual) ? "actual" : "forecast"} national intensity`,
        basis: "unknown",
      },
    };
  } catch (error) {
    return { ok: false, reason: `GB Carbon Intensity API: ${(error as Error).message}` };
  }
}

/** Belt and braces: no message may carry the token, whatever produced it. */
export function redact(message: string, secret: string): string {
  return secret ? message.split(secret).join("***") : message;
}

/** The job's time window, ms since the epoch (end > start). */
export interface LiveWindow {
  startMs: number;
  endMs: number;
}

export interface TimeSlot {
  startMs: number;
  endMs: number;
  value: number;
}

/**
 * Time-weighted mean of the slots over the window: each slot counts for the time it overlaps the window. Null when no
 * slot overlaps (e.g. the provider has not published the job's hours yet). Pure.
 */
export function windowMean(
  slots: readonly TimeSlot[],
  window: LiveWindow,
): { value: number; slots: number } | null {
  let weighted = 0;
  let total = 0;
  let used = 0;
  for (const slot of slots) {
    const overlap = Math.min(slot.endMs, window.endMs) - Math.max(slot.startMs, window.startMs);
    if (overlap <= 0) continue;
    weighted += overlap * slot.value;
    total += overlap;
    used++;
  }
  // A zero-length window (an instant) takes the slot that contains it.
  if (total === 0 && window.endMs === window.startMs) {
    const hit = slots.find((s) => s.startMs <= window.startMs && window.startMs < s.endMs);
    return hit ? { value: hit.value, slots: 1 } : null;
  }
  return total > 0 ? { value: weighted / total, slots: used } : null;
}

/** Whether a slot counts in windowMean for the window (overlaps it, or contains an instant window). */
function overlapsWindow(slot: TimeSlot, window: LiveWindow): boolean {
  const overlap = Math.min(slot.endMs, window.endMs) - Math.max(slot.startMs, window.startMs);
  if (overlap > 0) return true;
  return window.endMs === window.startMs && slot.startMs <= window.startMs && window.startMs < slot.endMs;
}

const HOUR_MS = 3_600_000;
const HALF_HOUR_MS = 1_800_000;

function hhmm(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

function describeWindow(window: LiveWindow): string {
  return `${new Date(window.startMs).toISOString().slice(0, 10)} ${hhmm(window.startMs)}–${hhmm(window.endMs)} UTC`;
}

/**
 * Electricity Maps `GET /v3/carbon-intensity/history?zone=FR` (header `auth-token`): the last 24 hours, hourly. Response:
 * `{"zone":"FR","history":[{"zone":"FR","carbonIntensity":32,"datetime":"2025-06-01T10:00:00.000Z",
 * "emissionFactorType":"lifecycle","isEstimated":true,…},…]}`, each `datetime` the start of its hour. The reading is
 * the time-weighted mean over the job's window; when the job's hours are not published yet (zones lag by hours), the
 * newest published hour is used and the source says so.
 */
export async function fetchElectricityMapsWindow(
  zone: string,
  token: string,
  window: LiveWindow,
  options: FetchOptions & { baseUrl?: string },
): Promise<LiveResult> {
  const base = (options.baseUrl ?? "https://api.electricitymap.org").replace(/\/+$/, "");
  const url = `${base}/v3/carbon-intensity/history?zone=${encodeURIComponent(zone)}${NO_CALLER_FALLBACK}`;
  try {
    const body = await withOneRetry(() => getJson(url, { "auth-token": token }, options));
    const wrongZone = zoneMismatch(body, zone);
    if (wrongZone) return { ok: false, reason: wrongZone };
    const history = (body as { history?: unknown })?.history;
    if (!Array.isArray(history)) {
      return { ok: false, reason: "Electricity Maps: response has no history array" };
    }
    const slots: (TimeSlot & { factor: unknown })[] = [];
    for (const entry of history as {
      carbonIntensity?: unknown;
      datetime?: unknown;
      emissionFactorType?: unknown;
    }[]) {
      const start = typeof entry?.datetime === "string" ? Date.parse(entry.datetime) : Number.NaN;
      if (!validIntensity(entry?.carbonIntensity) || !Number.isFinite(start)) continue;
      slots.push({
        startMs: start,
        endMs: start + HOUR_MS,
        value: entry.carbonIntensity,
        factor: entry.emissionFactorType,
      });
    }
    if (slots.length === 0) {
      return { ok: false, reason: "Electricity Maps: history has no valid carbonIntensity values" };
    }
    const factors = new Set(slots.map((s) => s.factor));
    const factor = factors.size === 1 ? [...factors][0] : undefined;
    const basis =
      factor === "direct" ? "direct-combustion" : factor === "lifecycle" ? "lifecycle" : "unknown";
    const mean = windowMean(slots, window);
    if (mean) {
      return {
        ok: true,
        reading: {
          gPerKWh: mean.value,
          datetime: new Date(window.startMs).toISOString(),
          source: `Electricity Maps, zone ${zone}: mean of ${mean.slots} hourly value(s) over the job (${describeWindow(window)})`,
          basis,
        },
      };
    }
    const newest = slots.filter((s) => s.startMs <= window.endMs).sort((a, b) => b.startMs - a.startMs)[0];
    if (!newest) return { ok: false, reason: "Electricity Maps: history has no hour at or before the job" };
    return {
      ok: true,
      reading: {
        gPerKWh: newest.value,
        datetime: new Date(newest.startMs).toISOString(),
        source: `Electricity Maps, zone ${zone}: newest published hour (${new Date(newest.startMs).toISOString().slice(0, 16)}Z); the job's hours (${describeWindow(window)}) are not published yet`,
        basis,
      },
    };
  } catch (error) {
    return { ok: false, reason: `Electricity Maps: ${redact((error as Error).message, token)}` };
  }
}

/** `YYYY-MM-DDThh:mmZ`, the GB Carbon Intensity API's path format. */
function ukTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16)}Z`;
}

/**
 * GB Carbon Intensity API (NESO) `GET /intensity/{from}/{to}` (ISO 8601 `YYYY-MM-DDThh:mmZ`): half-hourly national
 * intensity, `{"data":[{"from":"2025-06-01T10:00Z","to":"2025-06-01T10:30Z","intensity":{"forecast":140,
 * "actual":138,"index":"moderate"}},…]}`. Time-weighted mean of `actual` over the job's window, `forecast` where
 * `actual` is null (the source says how many were forecasts).
 */
export async function fetchUkGridWindow(
  window: LiveWindow,
  options: FetchOptions & { baseUrl?: string },
): Promise<LiveResult> {
  const base = (options.baseUrl ?? "https://api.carbonintensity.org.uk").replace(/\/+$/, "");
  const from = Math.floor(window.startMs / HALF_HOUR_MS) * HALF_HOUR_MS;
  const to = Math.max(Math.ceil(window.endMs / HALF_HOUR_MS) * HALF_HOUR_MS, from + HALF_HOUR_MS);
  const url = `${base}/intensity/${ukTime(from)}/${ukTime(to)}`;
  try {
    const body = await withOneRetry(() => getJson(url, { Accept: "application/json" }, options));
    const data = (body as { data?: unknown })?.data;
    if (!Array.isArray(data))
      return { ok: false, reason: "GB Carbon Intensity API: response has no data array" };
    const slots: (TimeSlot & { forecast: boolean })[] = [];
    for (const entry of data as { from?: unknown; to?: unknown; intensity?: Record<string, unknown> }[]) {
      const start = typeof entry?.from === "string" ? Date.parse(entry.from) : Number.NaN;
      const end = typeof entry?.to === "string" ? Date.parse(entry.to) : Number.NaN;
      const actual = entry?.intensity?.actual;
      const forecast = entry?.intensity?.forecast;
      const value = validIntensity(actual) ? actual : validIntensity(forecast) ? forecast : undefined;
      if (value === undefined || !Number.isFinite(start) || !Number.isFinite(end) || end <= start) continue;
      slots.push({ startMs: start, endMs: end, value, forecast: !validIntensity(actual) });
    }
    const mean = windowMean(slots, window);
    // forecasts counted among the slots the mean used (those overlapping the job), not every slot returned
    const used = slots.filter((slot) => overlapsWindow(slot, window));
    const forecasts = used.filter((slot) => slot.forecast).length;
    if (!mean) {
      return {
        ok: false,
        reason: "GB Carbon Intensity API: no actual or forecast value for the job's window",
      };
    }
    const kind =
      forecasts === 0 ? "actual" : forecasts >= used.length ? "forecast" : `actual (${forecasts} forecast)`;
    return {
      ok: true,
      reading: {
        gPerKWh: mean.value,
        datetime: new Date(window.startMs).toISOString(),
        source: `GB Carbon Intensity API (NESO), ${kind} national intensity: mean of ${mean.slots} half-hour value(s) over the job (${describeWindow(window)})`,
        basis: "unknown",
      },
    };
  } catch (error) {
    return { ok: false, reason: `GB Carbon Intensity API: ${(error as Error).message}` };
  }
}
