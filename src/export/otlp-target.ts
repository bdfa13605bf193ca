/**
 * Where OTLP metrics go: the endpoint, headers and protocol from flags/inputs and the standard OTEL_EXPORTER_OTLP_*
 * variables, validated with messages that name the input. Pure and light (no OpenTelemetry code), so the action can
 * validate its inputs without loading the SDK. Header values are secrets: errors never echo them.
 */
import { InputError } from "../model/units.js";

export type OtlpProtocol = "http/protobuf" | "http/json";

export interface OtlpTarget {
  /** full metrics URL (…/v1/metrics); undefined → the exporter reads OTEL_EXPORTER_OTLP_*_ENDPOINT */
  url: string | undefined;
  headers: Record<string, string>;
  protocol: OtlpProtocol;
}

export interface OtlpInputNames {
  endpoint: string;
  headers: string;
}

/** `https://collector:4318` (a base URL; "/v1/metrics" is appended, as for OTEL_EXPORTER_OTLP_ENDPOINT). */
export function parseOtlpEndpoint(text: string, inputName: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new InputError(
      `${inputName}: "${text.slice(0, 200)}" is not a URL; accepted: an http(s) base URL such as https://otel-collector.example:4318 ("/v1/metrics" is appended)`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new InputError(
      `${inputName}: "${url.protocol}" URLs are not supported; accepted: an http(s) base URL such as https://otel-collector.example:4318`,
    );
  if (url.username || url.password)
    throw new InputError(`${inputName}: put credentials in the OTLP headers, not in the URL`);
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}/v1/metrics${url.search}`;
}

/** `key=value,key2=value2` (the OTEL_EXPORTER_OTLP_HEADERS format; values may be percent-encoded). */
export function parseOtlpHeaders(text: string, inputName: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [index, part] of text.split(",").entries()) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    const key = eq > 0 ? part.slice(0, eq).trim() : "";
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(key))
      throw new InputError(
        `${inputName}: entry ${index + 1} is not key=value with a header name as key (value not shown); accepted: key=value pairs separated by commas, e.g. x-api-key=…,x-team=ml`,
      );
    let value: string;
    try {
      value = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      throw new InputError(
        `${inputName}: the value of "${key}" has a bad percent-encoding (value not shown)`,
      );
    }
    if (/[\r\n]/.test(value))
      throw new InputError(`${inputName}: the value of "${key}" holds a line break (value not shown)`);
    headers[key] = value;
  }
  return headers;
}

/** OTEL_EXPORTER_OTLP_METRICS_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf (the OTLP default). */
export function otlpProtocol(env: NodeJS.ProcessEnv): OtlpProtocol {
  const name = env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL
    ? "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"
    : "OTEL_EXPORTER_OTLP_PROTOCOL";
  const value = (env[name] ?? "").trim();
  if (value === "" || value === "http/protobuf") return "http/protobuf";
  if (value === "http/json") return "http/json";
  throw new InputError(
    `${name}: "${value.slice(0, 50)}" is not supported; accepted: http/protobuf or http/json (gRPC is not: use the collector's OTLP/HTTP port, 4318 by default)`,
  );
}

/** Endpoint and headers from flags/inputs, falling back to the standard variables; throws when nothing says where. */
export function resolveOtlpTarget(
  given: { endpoint?: string; headers?: string },
  env: NodeJS.ProcessEnv,
  names: OtlpInputNames,
): OtlpTarget {
  const endpoint = given.endpoint?.trim() ? parseOtlpEndpoint(given.endpoint, names.endpoint) : undefined;
  if (!endpoint && !env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT)
    throw new InputError(
      `${names.endpoint}: required for OTLP (or set OTEL_EXPORTER_OTLP_ENDPOINT); accepted: an http(s) base URL such as https://otel-collector.example:4318`,
    );
  return {
    url: endpoint,
    headers: given.headers?.trim() ? parseOtlpHeaders(given.headers, names.headers) : {},
    protocol: otlpProtocol(env),
  };
}

/**
 * An endpoint as a log line may show it: scheme, host, port and path only. A collector's address may carry a
 * secret in its query string (`?api-key=…`) or its userinfo (`https://user:pass@…`); neither is printed.
 */
export function endpointForLog(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}${u.search || u.username || u.password ? " (query and credentials not shown)" : ""}`;
  } catch {
    return "the configured endpoint";
  }
}
