/** Builds valid `ml-footprint/report@1` reports for tests: realistic defaults, scaled by total energy. */
import { parseReport, REPORT_SCHEMA_ID, type Report } from "../../src/model/report.js";

export interface MakeReportOptions {
  key?: string;
  sha?: string;
  createdAt?: string;
  /** phase name → energy Wh (durations scale with energy at ~40 W) */
  phases?: Record<string, number>;
  cpu?: string;
  threads?: number;
  gpus?: string[];
  /** g CO2e per kWh; null → no carbon accounting */
  intensity?: number | null;
  work?: Record<string, number> | null;
  warnings?: string[];
  command?: string | null;
  job?: string;
  matrix?: Record<string, string> | null;
}

const MEAN_POWER_W = 40;

export function makeReport(opts: MakeReportOptions = {}): Report {
  const phases = opts.phases ?? { train: 10, eval: 2 };
  const createdAt = opts.createdAt ?? "2026-11-20T10:00:00.000Z";
  const start = Date.parse(createdAt) - 3_600_000;
  let offsetS = 0;
  const phaseList = Object.entries(phases).map(([name, energyWh]) => {
    const durationS = (energyWh / MEAN_POWER_W) * 3_600;
    const startedAt = new Date(start + offsetS * 1_000).toISOString();
    offsetS += durationS;
    return {
      name,
      startedAt,
      durationS,
      energyWh,
      lowWh: energyWh * 0.8,
      highWh: energyWh * 1.25,
      components: [
        {
          component: "cpu" as const,
          method: "cpu-model" as const,
          provenance: "modelled" as const,
          energyWh: energyWh * 0.9,
          lowWh: energyWh * 0.9 * 0.8,
          highWh: energyWh * 0.9 * 1.25,
          meanPowerW: MEAN_POWER_W * 0.9,
          peakPowerW: MEAN_POWER_W,
          detail: "AMD EPYC 7763: TDP 280 W x 4/128 threads, Teads curve",
        },
        {
          component: "memory" as const,
          method: "memory-model" as const,
          provenance: "modelled" as const,
          energyWh: energyWh * 0.1,
          lowWh: energyWh * 0.1 * 0.5,
          highWh: energyWh * 0.1 * 1.5,
          meanPowerW: MEAN_POWER_W * 0.1,
          peakPowerW: MEAN_POWER_W * 0.1,
        },
      ],
      samples: Math.max(1, Math.round(durationS)),
      meanCpuUtil: 0.8,
      meanGpuUtil: null,
      gaps: [],
    };
  });
  const energyWh = phaseList.reduce((a, p) => a + p.energyWh, 0);
  const durationS = phaseList.reduce((a, p) => a + p.durationS, 0);
  const intensity = opts.intensity === undefined ? 380 : opts.intensity;
  const pue = 1.18;
  const g = (wh: number) => (wh / 1_000) * (intensity ?? 0) * pue;
  const carbon =
    intensity === null
      ? null
      : {
          region: {
            id: "azure:eastus",
            name: "Azure East US (Virginia, US)",
            source: "imds-azure" as const,
            provenance: "measured" as const,
          },
          intensity: {
            gPerKWh: intensity,
            lowGPerKWh: intensity * 0.85,
            highGPerKWh: intensity * 1.15,
            source: "Ember yearly electricity data via @tgwf/co2",
            year: 2021, // azure:eastus: CCF NERC factor (direct combustion), as the dataset has it
            basis: "direct-combustion" as const,
            provenance: "assumed" as const,
            live: false,
          },
          pue: { value: pue, low: 1.1, high: 1.25, source: "Microsoft Azure datacenter PUE, 2024" },
          emissions: {
            operationalG: g(energyWh),
            operationalLowG: g(energyWh) * 0.7,
            operationalHighG: g(energyWh) * 1.4,
            embodiedG: 0,
            embodiedLowG: 0,
            embodiedHighG: 0,
            totalG: g(energyWh),
            lowG: g(energyWh) * 0.7,
            highG: g(energyWh) * 1.4,
          },
          phaseEmissionsG: phaseList.map((p) => ({
            name: p.name,
            totalG: g(p.energyWh),
            lowG: g(p.energyWh) * 0.7,
            highG: g(p.energyWh) * 1.4,
          })),
          notes: ["Region from Azure instance metadata"],
        };
  const work = opts.work ?? null;
  const report = {
    schema: REPORT_SCHEMA_ID,
    tool: { name: "ml-footprint", version: "0.1.0" },
    createdAt,
    identity: {
      repository: "acme/models",
      sha: opts.sha ?? "0123456789abcdef0123456789abcdef01234567",
      ref: "refs/pull/7/merge",
      baseRef: "main",
      headRef: "feature",
      eventName: "pull_request",
      workflow: "train",
      job: opts.job ?? "train",
      matrix: opts.matrix ?? null,
      runId: "1001",
      runAttempt: "1",
      prNumber: 7,
      key: opts.key ?? "train",
    },
    runner: { os: "Linux", arch: "X64", githubHosted: true, name: "GitHub Actions 2" },
    hardware: {
      cpu: { brand: opts.cpu ?? "AMD EPYC 7763 64-Core Processor", threads: opts.threads ?? 4, cores: 2 },
      memoryGB: 16,
      gpus: (opts.gpus ?? []).map((name, index) => ({
        index,
        name,
        uuid: null,
        powerLimitW: 300,
        memoryTotalMiB: 81_559,
      })),
    },
    command: opts.command === undefined ? "python train.py --epochs 1" : opts.command,
    exitCode: 0,
    signal: null,
    intervalMs: 1_000,
    startedAt: new Date(start).toISOString(),
    durationS,
    energyWh,
    lowWh: energyWh * 0.8,
    highWh: energyWh * 1.25,
    samples: phaseList.reduce((a, p) => a + p.samples, 0),
    phases: phaseList,
    carbon,
    work: work
      ? {
          units: work,
          whPer1k: Object.fromEntries(
            Object.entries(work).map(([u, n]) => [u, n > 0 ? (energyWh / n) * 1_000 : 0]),
          ),
        }
      : null,
    warnings: opts.warnings ?? [],
  };
  return parseReport(report, "makeReport");
}

/** `n` base runs, newest first, whose train energies are `energies` (newest first). */
export function baseHistory(energies: number[], opts: MakeReportOptions = {}): Report[] {
  return energies.map((e, i) =>
    makeReport({
      ...opts,
      phases: { train: e, eval: 2 },
      sha: `${(0xabc1234 - i).toString(16)}${"0".repeat(33)}`,
      createdAt: new Date(Date.parse("2026-11-20T10:00:00.000Z") - i * 86_400_000).toISOString(),
    }),
  );
}
