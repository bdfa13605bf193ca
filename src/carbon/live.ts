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

interface FetchOptions {
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

async function getJson(
  url: string,
  headers: Record<string, string>,
  options: FetchOptions,
): Promise<unknown> {
  let response: Response;
  try {
    response = await options.fetchImpl(url, { headers, signal: AbortSignal.timeout(options.timeoutMs) });
  } catch (error) {
    const name = (error as Error).name;
    const timedOut = name === "TimeoutError" || name === "AbortError";
    throw new LiveError(timedOut ? `no answer within ${options.timeoutMs} ms` : "network error", true);
  }
  const body = await response.text().catch(() => "");
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

function validIntensity(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 && value < 5_000;
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
  const url = `${base}/v3/carbon-intensity/latest?zone=${encodeURIComponent(zone)}`;
  try {
    const body = await withOneRetry(() => getJson(url, { "auth-token": token }, options));
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
