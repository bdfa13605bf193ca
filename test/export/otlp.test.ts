// OTLP export: the report's figures arrive at a loopback OTLP/HTTP receiver that decodes protobuf and JSON on its
// own, with semantic-convention resource attributes; the standard OTEL_* variables apply; failures are reported.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as incubating from "@opentelemetry/semantic-conventions/incubating";
import { afterEach, describe, expect, it } from "vitest";
import { metricPoints, Metrics, resourceAttributes, SemConv } from "../../src/export/otlp-metrics.js";
import { sendOtlp } from "../../src/export/otlp-send.js";
import { parseOtlpEndpoint, parseOtlpHeaders, resolveOtlpTarget } from "../../src/export/otlp-target.js";
import { InputError } from "../../src/model/units.js";
import { parseReportJson, serializeReport, type Report } from "../../src/model/report.js";
import { runBundledCli } from "../support/cli.js";
import { runExport } from "../../src/cli/export.js";
import {
  pointsOf,
  startOtlpReceiver,
  type DecodedResourceMetrics,
  type OtlpReceiver,
} from "../support/otlp-receiver.js";

const fixture = (name: string): Report =>
  parseReportJson(readFileSync(`test/fixtures/reports/${name}.json`, "utf8"), name);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

let receiver: OtlpReceiver | null = null;
afterEach(async () => {
  await receiver?.close();
  receiver = null;
});

/** The report's energy and emissions, as the receiver decoded them. */
function checkFigures(rm: DecodedResourceMetrics, report: Report): void {
  const energy = pointsOf(rm, Metrics.energy.name);
  expect(energy.length).toBeGreaterThan(0);
  expect(energy.every((p) => p.unit === "Wh")).toBe(true);
  expect(sum(energy.map((p) => p.value))).toBeCloseTo(report.energyWh, 9);
  const train = energy.filter((p) => p.attributes["ml_footprint.phase"] === "train");
  expect(train.map((p) => p.attributes["hw.type"]).sort()).toEqual(["cpu", "memory"]);
  const emissions = pointsOf(rm, Metrics.emissions.name);
  expect(emissions.every((p) => p.unit === "g")).toBe(true);
  expect(sum(emissions.map((p) => p.value))).toBeCloseTo(report.carbon!.emissions.totalG, 9);
  const range = pointsOf(rm, Metrics.emissionsRange.name).filter(
    (p) => p.attributes["ml_footprint.bound"] === "high",
  );
  expect(sum(range.map((p) => p.value))).toBeCloseTo(
    sum(report.carbon!.phaseEmissionsG.map((p) => p.highG)),
    9,
  );
  expect(pointsOf(rm, Metrics.intensity.name)[0]?.value).toBe(report.carbon!.intensity.gPerKWh);
  expect(rm.scopes[0]?.metrics.every((m) => m.kind === "gauge")).toBe(true);
}

describe("OTLP mapping (pure)", () => {
  it("uses the semantic conventions' own names (checked against @opentelemetry/semantic-conventions)", () => {
    const lookup = incubating as unknown as Record<string, string>;
    for (const [key, name] of Object.entries(SemConv)) {
      const constant = `ATTR_${key.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase()}`;
      expect(lookup[constant], `${key} → ${constant}`).toBe(name);
    }
  });

  it("carries repository, commit, workflow, job, runner, hardware and region as resource attributes", () => {
    const attrs = resourceAttributes(fixture("head-gpu"));
    expect(attrs).toMatchObject({
      "service.name": "ml-footprint",
      "vcs.provider.name": "github",
      "vcs.owner.name": "acme",
      "vcs.repository.name": "models",
      "vcs.ref.head.revision": "0a0b0c0d0e0f0a0b0c0d0e0f0a0b0c0d0e0f0a0b",
      "vcs.ref.head.name": "feature",
      "vcs.ref.base.name": "main",
      "vcs.change.id": "7",
      "cicd.pipeline.name": "train",
      "cicd.pipeline.run.id": "1001",
      "cicd.pipeline.task.name": "train",
      "host.arch": "amd64",
      "os.type": "linux",
      "host.cpu.model.name": "AMD EPYC 7763 64-Core Processor",
      "cloud.provider": "azure",
      "cloud.region": "eastus",
      "ml_footprint.gpu.model": "NVIDIA H100 80GB HBM3",
      "ml_footprint.gpu.count": 1,
      "ml_footprint.key": "train-mnist",
    });
    expect(Object.values(attrs)).not.toContain("");
  });

  it("has one energy point per phase and component, adding up to the report's energy", () => {
    const report = fixture("head");
    const energy = metricPoints(report).filter((p) => p.metric === "energy");
    expect(energy).toHaveLength(4);
    expect(sum(energy.map((p) => p.value))).toBeCloseTo(report.energyWh, 9);
    expect(metricPoints(fixture("no-carbon")).some((p) => p.metric === "emissions")).toBe(false);
  });

  it("validates endpoint and headers with messages that name the input and never show header values", () => {
    expect(parseOtlpEndpoint("https://otel.example:4318/", "--endpoint")).toBe(
      "https://otel.example:4318/v1/metrics",
    );
    expect(parseOtlpEndpoint("http://127.0.0.1:4318/prefix", "--endpoint")).toBe(
      "http://127.0.0.1:4318/prefix/v1/metrics",
    );
    expect(() => parseOtlpEndpoint("ftp://x", "otlp-endpoint")).toThrow(
      /^otlp-endpoint: "ftp:" URLs are not supported/,
    );
    expect(() => parseOtlpEndpoint("collector:4318x", "--endpoint")).toThrow(InputError);
    expect(() => parseOtlpEndpoint("https://user:pw@x", "--endpoint")).toThrow(
      /credentials in the OTLP headers/,
    );
    expect(parseOtlpHeaders("x-api-key=abc%3D%3D, x-team = ml ", "--headers")).toEqual({
      "x-api-key": "abc==",
      "x-team": "ml",
    });
    expect(() => parseOtlpHeaders("s3cretvalue", "otlp-headers")).toThrow(
      /^otlp-headers: entry 1 is not key=value/,
    );
    for (const bad of ["s3cretvalue", "k=%E0%A4%A", "bad key=s3cretvalue"]) {
      try {
        parseOtlpHeaders(bad, "--headers");
        expect.unreachable();
      } catch (error) {
        expect((error as Error).message).not.toMatch(/s3cretvalue|%E0/);
      }
    }
    expect(() => resolveOtlpTarget({}, {}, { endpoint: "--endpoint", headers: "--headers" })).toThrow(
      /--endpoint: required for OTLP \(or set OTEL_EXPORTER_OTLP_ENDPOINT\)/,
    );
    expect(
      resolveOtlpTarget(
        {},
        { OTEL_EXPORTER_OTLP_ENDPOINT: "http://x:4318" },
        { endpoint: "e", headers: "h" },
      ),
    ).toEqual({
      url: undefined,
      headers: {},
      protocol: "http/protobuf",
    });
    expect(() =>
      resolveOtlpTarget(
        { endpoint: "http://x" },
        { OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" },
        { endpoint: "e", headers: "h" },
      ),
    ).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" is not supported/);
  });
});

describe("sendOtlp to a loopback receiver", () => {
  it("http/protobuf (the default): energy and emissions arrive, with resource attributes and headers", async () => {
    receiver = await startOtlpReceiver();
    const reports = [fixture("base"), fixture("head-gpu")];
    const result = await sendOtlp(reports, {
      url: parseOtlpEndpoint(receiver.url, "--endpoint"),
      headers: { "x-api-key": "k1" },
      protocol: "http/protobuf",
    });
    expect(result.reports).toBe(2);
    expect(receiver.requests).toHaveLength(2);
    for (const [i, request] of receiver.requests.entries()) {
      expect(request.path).toBe("/v1/metrics");
      expect(request.contentType).toBe("application/x-protobuf");
      expect(request.headers["x-api-key"]).toBe("k1");
      const rm = request.resourceMetrics[0]!;
      expect(rm.resource["vcs.ref.head.revision"]).toBe(reports[i]!.identity.sha);
      expect(rm.resource["cicd.pipeline.task.name"]).toBe("train");
      expect(rm.scopes[0]?.name).toBe("ml-footprint");
      checkFigures(rm, reports[i]!);
    }
    expect(receiver.requests[1]!.resourceMetrics[0]!.resource["ml_footprint.gpu.model"]).toBe(
      "NVIDIA H100 80GB HBM3",
    );
  });

  it("http/json: the same figures", async () => {
    receiver = await startOtlpReceiver();
    const report = fixture("head");
    await sendOtlp([report], { url: `${receiver.url}/v1/metrics`, headers: {}, protocol: "http/json" });
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.contentType).toMatch(/^application\/json/);
    checkFigures(receiver.requests[0]!.resourceMetrics[0]!, report);
  });

  it("a refusing collector is an error that names the status", async () => {
    receiver = await startOtlpReceiver({ status: 400 });
    await expect(
      sendOtlp([fixture("head")], {
        url: `${receiver.url}/v1/metrics`,
        headers: {},
        protocol: "http/protobuf",
      }),
    ).rejects.toThrow(/400/);
  });
});

describe("ml-footprint export --format otlp", { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "mlf-otlp-"));
  const head = join(dir, "head.json");
  writeFileSync(head, serializeReport(fixture("head")));

  it("--endpoint and --headers, merged with OTEL_EXPORTER_OTLP_HEADERS and OTEL_RESOURCE_ATTRIBUTES", async () => {
    receiver = await startOtlpReceiver();
    const run = await runBundledCli(
      ["export", head, "--format", "otlp", "--endpoint", receiver.url, "--headers", "x-token=s3cret"],
      {
        OTEL_EXPORTER_OTLP_HEADERS: "x-from-env=1",
        OTEL_RESOURCE_ATTRIBUTES: "deployment.environment.name=ci",
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      /sent \d+ metric point\(s\) of 1 report\(s\) over OTLP\/HTTP \(http\/protobuf\)/,
    );
    expect(run.stderr).not.toMatch(/s3cret/);
    const [request] = receiver.requests;
    expect(request?.headers["x-token"]).toBe("s3cret");
    expect(request?.headers["x-from-env"]).toBe("1");
    expect(request?.resourceMetrics[0]?.resource["deployment.environment.name"]).toBe("ci");
    checkFigures(request!.resourceMetrics[0]!, fixture("head"));
  });

  it("without --endpoint: OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_EXPORTER_OTLP_PROTOCOL=http/json", async () => {
    receiver = await startOtlpReceiver();
    const run = await runBundledCli(["export", head, "--format", "otlp"], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    });
    expect(run.code, run.stderr).toBe(0);
    expect(receiver.requests.map((r) => [r.path, r.contentType.split(";")[0]])).toEqual([
      ["/v1/metrics", "application/json"],
    ]);
  });

  it("a refusing collector exits 1; bad inputs exit 2 before anything is sent", async () => {
    receiver = await startOtlpReceiver({ status: 400 });
    const refused = await runBundledCli([
      "export",
      head,
      "--format",
      "otlp",
      "--endpoint",
      receiver.url,
      "--headers",
      "x-token=s3cret",
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/OTLP export failed/);
    expect(refused.stderr).not.toMatch(/s3cret/);
    // Input errors, in process: thrown before any report is read or anything sent.
    await expect(
      runExport([head], { format: "otlp", endpoint: receiver.url, headers: "s3cret" }),
    ).rejects.toThrow(/^--headers: entry 1 is not key=value with a header name as key \(value not shown\)/);
    const saved = { ...process.env };
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT;
    try {
      await expect(runExport(["/nonexistent.json"], { format: "otlp" })).rejects.toThrow(
        /--endpoint: required for OTLP/,
      );
    } finally {
      Object.assign(process.env, saved);
    }
    await expect(runExport([head], { format: "codecarbon-csv", endpoint: receiver.url })).rejects.toThrow(
      /only used with --format otlp/,
    );
    expect(receiver.requests).toHaveLength(0);
  });
});
