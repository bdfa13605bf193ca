/**
 * A loopback OTLP/HTTP metrics receiver for tests: accepts POST /v1/metrics in protobuf or JSON, decodes the
 * ExportMetricsServiceRequest into plain data and records it. The protobuf decoder is written from the field numbers
 * of opentelemetry-proto (collector/metrics/v1/metrics_service.proto, metrics/v1/metrics.proto, common/v1/common.proto,
 * resource/v1/resource.proto at ac2c4b5), independently of the exporter under test.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type Value = string | number | boolean | null;
export interface DecodedPoint {
  attributes: Record<string, Value>;
  value: number;
}
export interface DecodedMetric {
  name: string;
  unit: string;
  description: string;
  kind: "gauge" | "sum" | "other";
  points: DecodedPoint[];
}
export interface DecodedResourceMetrics {
  resource: Record<string, Value>;
  scopes: { name: string; version: string; metrics: DecodedMetric[] }[];
}
export interface ReceivedRequest {
  path: string;
  contentType: string;
  headers: IncomingHttpHeaders;
  resourceMetrics: DecodedResourceMetrics[];
}

// ---- protobuf wire format ----
type Field = { no: number; wire: number; bytes?: Buffer; varint?: bigint };

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw new Error("truncated varint");
    const byte = buf[pos++]!;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, next] = readVarint(buf, pos);
    pos = next;
    const no = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [v, p] = readVarint(buf, pos);
      out.push({ no, wire, varint: v });
      pos = p;
    } else if (wire === 1) {
      out.push({ no, wire, bytes: buf.subarray(pos, pos + 8) });
      pos += 8;
    } else if (wire === 2) {
      const [len, p] = readVarint(buf, pos);
      out.push({ no, wire, bytes: buf.subarray(p, p + Number(len)) });
      pos = p + Number(len);
    } else if (wire === 5) {
      out.push({ no, wire, bytes: buf.subarray(pos, pos + 4) });
      pos += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
    if (pos > buf.length) throw new Error("truncated field");
  }
  return out;
}

const str = (f: Field | undefined) => (f?.bytes ? f.bytes.toString("utf8") : "");
const sub = (fs: Field[], no: number) => fs.filter((f) => f.no === no).map((f) => fields(f.bytes!));

function anyValue(fs: Field[]): Value {
  for (const f of fs) {
    if (f.no === 1) return str(f); // string_value
    if (f.no === 2) return f.varint === 1n; // bool_value
    if (f.no === 3) return Number(BigInt.asIntN(64, f.varint!)); // int_value
    if (f.no === 4) return f.bytes!.readDoubleLE(0); // double_value
  }
  return null;
}

function keyValues(list: Field[][]): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const kv of list) out[str(kv.find((f) => f.no === 1))] = anyValue(sub(kv, 2)[0] ?? []);
  return out;
}

function numberPoint(fs: Field[]): DecodedPoint {
  const double = fs.find((f) => f.no === 4);
  const int = fs.find((f) => f.no === 6);
  return {
    attributes: keyValues(sub(fs, 7)),
    value: double ? double.bytes!.readDoubleLE(0) : int ? Number(int.bytes!.readBigInt64LE(0)) : Number.NaN,
  };
}

function decodeProtobuf(buf: Buffer): DecodedResourceMetrics[] {
  return sub(fields(buf), 1).map((rm) => ({
    resource: keyValues(sub(sub(rm, 1)[0] ?? [], 1)),
    scopes: sub(rm, 2).map((sm) => {
      const scope = sub(sm, 1)[0] ?? [];
      return {
        name: str(scope.find((f) => f.no === 1)),
        version: str(scope.find((f) => f.no === 2)),
        metrics: sub(sm, 2).map((m) => {
          const gauge = sub(m, 5)[0];
          const sum = sub(m, 7)[0];
          const data = gauge ?? sum ?? [];
          return {
            name: str(m.find((f) => f.no === 1)),
            description: str(m.find((f) => f.no === 2)),
            unit: str(m.find((f) => f.no === 3)),
            kind: gauge ? ("gauge" as const) : sum ? ("sum" as const) : ("other" as const),
            points: sub(data, 1).map(numberPoint),
          };
        }),
      };
    }),
  }));
}

// ---- OTLP/JSON (proto3 JSON mapping, lowerCamelCase) ----
interface JsonKv {
  key: string;
  value: { stringValue?: string; boolValue?: boolean; intValue?: string | number; doubleValue?: number };
}
function jsonKvs(list: JsonKv[] | undefined): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const kv of list ?? []) {
    const v = kv.value;
    out[kv.key] =
      v.stringValue ??
      v.boolValue ??
      (v.intValue !== undefined ? Number(v.intValue) : (v.doubleValue ?? null));
  }
  return out;
}

function decodeJson(text: string): DecodedResourceMetrics[] {
  type JsonPoint = { attributes?: JsonKv[]; asDouble?: number; asInt?: string | number };
  type JsonMetric = {
    name: string;
    unit?: string;
    description?: string;
    gauge?: { dataPoints: JsonPoint[] };
    sum?: { dataPoints: JsonPoint[] };
  };
  const body = JSON.parse(text) as {
    resourceMetrics: {
      resource?: { attributes?: JsonKv[] };
      scopeMetrics: { scope?: { name?: string; version?: string }; metrics: JsonMetric[] }[];
    }[];
  };
  return body.resourceMetrics.map((rm) => ({
    resource: jsonKvs(rm.resource?.attributes),
    scopes: rm.scopeMetrics.map((sm) => ({
      name: sm.scope?.name ?? "",
      version: sm.scope?.version ?? "",
      metrics: sm.metrics.map((m) => ({
        name: m.name,
        unit: m.unit ?? "",
        description: m.description ?? "",
        kind: m.gauge ? ("gauge" as const) : m.sum ? ("sum" as const) : ("other" as const),
        points:
          (m.gauge ?? m.sum)?.dataPoints.map((p) => ({
            attributes: jsonKvs(p.attributes),
            value: p.asDouble ?? Number(p.asInt),
          })) ?? [],
      })),
    })),
  }));
}

export interface OtlpReceiver {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** Start a receiver on 127.0.0.1; `status` lets a test make it refuse (e.g. 400). */
export async function startOtlpReceiver(opts: { status?: number } = {}): Promise<OtlpReceiver> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const contentType = String(req.headers["content-type"] ?? "");
      const status = opts.status ?? 200;
      try {
        if (status === 200) {
          const resourceMetrics = contentType.includes("json")
            ? decodeJson(body.toString("utf8"))
            : decodeProtobuf(body);
          requests.push({ path: req.url ?? "", contentType, headers: req.headers, resourceMetrics });
        }
      } catch (error) {
        res
          .writeHead(400, { "content-type": "text/plain" })
          .end(`cannot decode: ${(error as Error).message}`);
        return;
      }
      if (contentType.includes("json"))
        res.writeHead(status, { "content-type": "application/json" }).end("{}");
      else res.writeHead(status, { "content-type": "application/x-protobuf" }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Every point of `name` in a decoded request, with the metric's unit. */
export function pointsOf(
  resourceMetrics: DecodedResourceMetrics,
  name: string,
): (DecodedPoint & { unit: string })[] {
  return resourceMetrics.scopes.flatMap((s) =>
    s.metrics.filter((m) => m.name === name).flatMap((m) => m.points.map((p) => ({ ...p, unit: m.unit }))),
  );
}
