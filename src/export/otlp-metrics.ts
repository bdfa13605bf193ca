/**
 * A report as OpenTelemetry data: resource attributes (who ran what, where, on which hardware) and gauge points
 * (energy, emissions, duration per phase). Pure; src/export/otlp-send.ts hands this to the OTel SDK.
 *
 * Attribute names follow the OpenTelemetry semantic conventions where one exists (semconv 1.45,
 * @opentelemetry/semantic-conventions 1.45.0): service.*, vcs.*, cicd.*, host.*, os.type, cloud.*, hw.type. Most of
 * those are still "incubating"; as the package's README advises for incubating names, they are copied here rather
 * than imported (test/export/otlp.test.ts checks each against the package). What semconv does not cover is under
 * `ml_footprint.*`.
 */
import type { Component, Report } from "../model/report.js";

/** Semantic-convention attribute names (semconv 1.45). */
export const SemConv = {
  ServiceName: "service.name", // stable
  ServiceVersion: "service.version", // stable
  VcsProviderName: "vcs.provider.name",
  VcsOwnerName: "vcs.owner.name",
  VcsRepositoryName: "vcs.repository.name",
  VcsRefHeadRevision: "vcs.ref.head.revision",
  VcsRefHeadName: "vcs.ref.head.name",
  VcsRefBaseName: "vcs.ref.base.name",
  VcsChangeId: "vcs.change.id",
  CicdPipelineName: "cicd.pipeline.name",
  CicdPipelineRunId: "cicd.pipeline.run.id",
  CicdPipelineTaskName: "cicd.pipeline.task.name",
  CicdWorkerName: "cicd.worker.name",
  HostArch: "host.arch",
  HostCpuModelName: "host.cpu.model.name",
  OsType: "os.type",
  CloudProvider: "cloud.provider",
  CloudRegion: "cloud.region",
  HwType: "hw.type",
} as const;

/** Our own attribute names, for what semconv has no name for. */
export const OwnAttr = {
  Key: "ml_footprint.key",
  RunAttempt: "ml_footprint.run_attempt",
  Matrix: "ml_footprint.matrix",
  Region: "ml_footprint.region",
  RegionSource: "ml_footprint.region.source",
  CpuThreads: "ml_footprint.cpu.threads",
  MemorySizeGB: "ml_footprint.memory.size_gb",
  GpuModel: "ml_footprint.gpu.model",
  GpuCount: "ml_footprint.gpu.count",
  Phase: "ml_footprint.phase",
  Method: "ml_footprint.method",
  Bound: "ml_footprint.bound",
} as const;

/** Metric names, units (UCUM-style) and descriptions. Every metric is a gauge: one value per measured job. */
export const Metrics = {
  energy: {
    name: "ml_footprint.energy",
    unit: "Wh",
    description:
      "Energy of one phase and hardware component (IT energy, before PUE); sum over phases and components for the job",
  },
  energyRange: {
    name: "ml_footprint.energy.range",
    unit: "Wh",
    description: "Low and high ends of a phase's energy (attribute ml_footprint.bound: low | high)",
  },
  emissions: {
    name: "ml_footprint.emissions",
    unit: "g",
    description: "Emissions of one phase in grams CO2e (operational with PUE, plus embodied share)",
  },
  emissionsRange: {
    name: "ml_footprint.emissions.range",
    unit: "g",
    description: "Low and high ends of a phase's emissions in grams CO2e (attribute ml_footprint.bound)",
  },
  duration: { name: "ml_footprint.duration", unit: "s", description: "Duration of one phase" },
  intensity: {
    name: "ml_footprint.grid.intensity",
    unit: "g/kWh",
    description: "Grid carbon intensity used for the job, grams CO2e per kWh",
  },
  pue: { name: "ml_footprint.pue", unit: "1", description: "Data-centre power usage effectiveness applied" },
} as const;
export type MetricKey = keyof typeof Metrics;

export type AttributeValue = string | number | boolean;
export type Attributes = Record<string, AttributeValue>;

export interface MetricPoint {
  metric: MetricKey;
  value: number;
  attributes: Attributes;
}

const HW_TYPE: Record<Component, string> = { cpu: "cpu", gpu: "gpu", memory: "memory", other: "other" };

/** Runner arch as semconv host.arch values (amd64, arm64, …); unknown forms lower-cased. */
function hostArch(arch: string): string {
  const a = arch.toLowerCase();
  if (a === "x64" || a === "x86_64" || a === "amd64") return "amd64";
  if (a === "arm64" || a === "aarch64") return "arm64";
  if (a === "arm" || a === "arm32") return "arm32";
  if (a === "x86" || a === "ia32") return "x86";
  return a;
}

/** Runner OS as semconv os.type values (linux, windows, darwin). */
function osType(os: string): string {
  const o = os.toLowerCase();
  if (o === "macos" || o === "darwin") return "darwin";
  if (o.startsWith("win")) return "windows";
  return o;
}

function stripRef(ref: string): string {
  return ref.replace(/^refs\/(heads|tags)\//, "");
}

/** Resource attributes of one report; empty values are left out rather than sent as "". */
export function resourceAttributes(report: Report): Attributes {
  const { identity, runner, hardware, carbon } = report;
  const attrs: Attributes = {
    [SemConv.ServiceName]: "ml-footprint",
    [SemConv.ServiceVersion]: report.tool.version,
  };
  const put = (key: string, value: AttributeValue | null | undefined) => {
    if (value !== null && value !== undefined && value !== "") attrs[key] = value;
  };
  if (identity.repository) {
    const [owner, ...rest] = identity.repository.split("/");
    put(SemConv.VcsProviderName, "github");
    put(SemConv.VcsOwnerName, rest.length ? owner : undefined);
    put(SemConv.VcsRepositoryName, rest.length ? rest.join("/") : owner);
  }
  put(SemConv.VcsRefHeadRevision, identity.sha);
  put(SemConv.VcsRefHeadName, identity.headRef || stripRef(identity.ref));
  put(SemConv.VcsRefBaseName, identity.baseRef);
  put(SemConv.VcsChangeId, identity.prNumber === null ? null : String(identity.prNumber));
  put(SemConv.CicdPipelineName, identity.workflow);
  put(SemConv.CicdPipelineRunId, identity.runId);
  put(SemConv.CicdPipelineTaskName, identity.job);
  put(SemConv.CicdWorkerName, runner.name);
  put(SemConv.HostArch, runner.arch ? hostArch(runner.arch) : null);
  put(SemConv.OsType, runner.os ? osType(runner.os) : null);
  put(SemConv.HostCpuModelName, hardware.cpu.brand);
  put(OwnAttr.Key, identity.key);
  put(OwnAttr.RunAttempt, identity.runAttempt);
  put(OwnAttr.Matrix, identity.matrix ? JSON.stringify(identity.matrix) : null);
  put(OwnAttr.CpuThreads, hardware.cpu.threads);
  put(OwnAttr.MemorySizeGB, hardware.memoryGB);
  put(OwnAttr.GpuCount, hardware.gpus.length);
  put(OwnAttr.GpuModel, [...new Set(hardware.gpus.map((g) => g.name))].join(", "));
  if (carbon) {
    const id = carbon.region.id;
    const colon = id.indexOf(":");
    const provider = colon > 0 ? id.slice(0, colon).toLowerCase() : "";
    if (provider === "aws" || provider === "azure" || provider === "gcp") {
      put(SemConv.CloudProvider, provider);
      put(SemConv.CloudRegion, id.slice(colon + 1));
    }
    put(OwnAttr.Region, id);
    put(OwnAttr.RegionSource, carbon.region.source);
  }
  return attrs;
}

/** The gauge points of one report: per phase and component energy, per phase ranges, emissions and duration. */
export function metricPoints(report: Report): MetricPoint[] {
  const points: MetricPoint[] = [];
  const phases = report.phases.length
    ? report.phases
    : [
        {
          name: "job",
          durationS: report.durationS,
          energyWh: report.energyWh,
          lowWh: report.lowWh,
          highWh: report.highWh,
          components: [],
        },
      ];
  for (const phase of phases) {
    const phaseAttr = { [OwnAttr.Phase]: phase.name };
    if (phase.components.length === 0)
      points.push({ metric: "energy", value: phase.energyWh, attributes: { ...phaseAttr } });
    for (const c of phase.components) {
      points.push({
        metric: "energy",
        value: c.energyWh,
        attributes: { ...phaseAttr, [SemConv.HwType]: HW_TYPE[c.component], [OwnAttr.Method]: c.method },
      });
    }
    points.push({
      metric: "energyRange",
      value: phase.lowWh,
      attributes: { ...phaseAttr, [OwnAttr.Bound]: "low" },
    });
    points.push({
      metric: "energyRange",
      value: phase.highWh,
      attributes: { ...phaseAttr, [OwnAttr.Bound]: "high" },
    });
    points.push({ metric: "duration", value: phase.durationS, attributes: { ...phaseAttr } });
  }
  const carbon = report.carbon;
  if (carbon) {
    const perPhase = carbon.phaseEmissionsG.length
      ? carbon.phaseEmissionsG
      : [
          {
            name: phases[0]?.name ?? "job",
            totalG: carbon.emissions.totalG,
            lowG: carbon.emissions.lowG,
            highG: carbon.emissions.highG,
          },
        ];
    for (const p of perPhase) {
      const phaseAttr = { [OwnAttr.Phase]: p.name };
      points.push({ metric: "emissions", value: p.totalG, attributes: { ...phaseAttr } });
      points.push({
        metric: "emissionsRange",
        value: p.lowG,
        attributes: { ...phaseAttr, [OwnAttr.Bound]: "low" },
      });
      points.push({
        metric: "emissionsRange",
        value: p.highG,
        attributes: { ...phaseAttr, [OwnAttr.Bound]: "high" },
      });
    }
    points.push({ metric: "intensity", value: carbon.intensity.gPerKWh, attributes: {} });
    points.push({ metric: "pue", value: carbon.pue.value, attributes: {} });
  }
  return points;
}
