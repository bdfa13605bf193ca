/**
 * Send reports as OpenTelemetry metrics over OTLP/HTTP with the official SDK (@opentelemetry/sdk-metrics and the
 * OTLP metric exporters). Load this module with `import()`: it carries the SDK, which the measuring steps never need.
 *
 * One MeterProvider per report (a report is one resource: one job of one run), one collection, one export, then
 * shutdown; no timers. The standard variables apply: OTEL_EXPORTER_OTLP_[METRICS_]ENDPOINT (when no endpoint is
 * given), _HEADERS (merged under the given headers), _TIMEOUT, _COMPRESSION, _PROTOCOL (http/protobuf, the OTLP
 * default, or http/json), OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME (they override ours).
 */
import { detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import { MeterProvider, MetricReader, type PushMetricExporter } from "@opentelemetry/sdk-metrics";
import type { Report } from "../model/report.js";
import { metricPoints, Metrics, resourceAttributes, type MetricKey } from "./otlp-metrics.js";
import { TOOL_VERSION } from "../version.js";
import type { OtlpTarget } from "./otlp-target.js";

export interface OtlpSendResult {
  reports: number;
  points: number;
}

/** Collects on demand only: the export happens when we say, not on a timer. */
class OnDemandReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

async function createExporter(target: OtlpTarget): Promise<PushMetricExporter> {
  const options = { url: target.url, headers: target.headers };
  if (target.protocol === "http/json") {
    const { OTLPMetricExporter } = await import("@opentelemetry/exporter-metrics-otlp-http");
    return new OTLPMetricExporter(options);
  }
  const { OTLPMetricExporter } = await import("@opentelemetry/exporter-metrics-otlp-proto");
  return new OTLPMetricExporter(options);
}

function exportOnce(exporter: PushMetricExporter, data: Parameters<PushMetricExporter["export"]>[0]) {
  return new Promise<void>((resolve, reject) => {
    exporter.export(data, (result) => {
      // ExportResultCode.SUCCESS is 0 (@opentelemetry/core)
      if (result.code === 0) return resolve();
      // OTLPExporterError carries the HTTP status as `code` and the response body as `data`.
      const error = result.error as (Error & { code?: number; data?: string }) | undefined;
      const status = typeof error?.code === "number" ? `HTTP ${error.code}: ` : "";
      const body = error?.data ? ` (${error.data.slice(0, 200)})` : "";
      reject(new Error(`${status}${error?.message ?? "the OTLP export failed"}${body}`));
    });
  });
}

/** Send each report's metrics; throws with the exporter's reason when a report is not accepted. */
export async function sendOtlp(reports: readonly Report[], target: OtlpTarget): Promise<OtlpSendResult> {
  const exporter = await createExporter(target);
  let points = 0;
  try {
    for (const report of reports) {
      const resource = resourceFromAttributes(resourceAttributes(report)).merge(
        detectResources({ detectors: [envDetector] }),
      );
      const reader = new OnDemandReader();
      const provider = new MeterProvider({ resource, readers: [reader] });
      const meter = provider.getMeter("ml-footprint", TOOL_VERSION);
      const gauges = new Map<MetricKey, ReturnType<typeof meter.createGauge>>();
      for (const point of metricPoints(report)) {
        let gauge = gauges.get(point.metric);
        if (!gauge) {
          const spec = Metrics[point.metric];
          gauge = meter.createGauge(spec.name, { unit: spec.unit, description: spec.description });
          gauges.set(point.metric, gauge);
        }
        gauge.record(point.value, point.attributes);
        points += 1;
      }
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length) throw new Error(`collecting metrics failed: ${String(errors[0])}`);
      await exportOnce(exporter, resourceMetrics);
      await provider.shutdown();
    }
  } finally {
    await exporter.shutdown();
  }
  return { reports: reports.length, points };
}
