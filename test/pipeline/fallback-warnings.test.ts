// Fallbacks somebody sees (issue 27): a live-intensity fallback and its reason (HTTP 401, no zone, no token)
// is a report warning, printed by the CLI and raised by the action as action.yml promises; a CPU that RAPL
// measured is not warned "not in the CPU power table".
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SamplesFileLine } from "../../src/measure/samples.js";
import { parseReportJson } from "../../src/model/report.js";
import { carbonForMeasurement } from "../../src/pipeline/carbon.js";
import type { Machine } from "../../src/pipeline/machine.js";
import { reportFromSamples } from "../../src/pipeline/report-from-samples.js";
import { localIdentity } from "../../src/report/build.js";
import { closedAfterEach, finishedJob, send, TEST_HARDWARE } from "../carbon/helpers.js";
import { runBundledCli } from "../support/cli.js";
import { measuredJob, startWorld, type World } from "../action/world.js";

const em = closedAfterEach();
const TOKEN = "em-test-token-4f2a9c1";

// A window no other test asks for: live readings are cached per process by provider, zone and window.
const WINDOW_START_MS = Date.parse("2024-02-29T13:37:00Z");
const job = finishedJob(WINDOW_START_MS, WINDOW_START_MS + 60_000, { energyWh: 10, lowWh: 9, highWh: 11 });
const hardware = TEST_HARDWARE;

describe("live-intensity fallbacks are warnings", () => {
  it("HTTP 401, a region without a zone and no token each reach the carbon step's warnings", async () => {
    const s = await em((_req, res) => send(res, 401, "{}"));
    const warned = async (inputs: Parameters<typeof carbonForMeasurement>[0]) => {
      const warnings: string[] = [];
      const carbon = await carbonForMeasurement(inputs, {}, { electricityMaps: s.url })(job, hardware, (w) =>
        warnings.push(w),
      );
      expect(carbon?.intensity.live).toBe(false);
      return warnings;
    };
    expect(await warned({ region: "DE", electricityMapsToken: TOKEN })).toEqual([
      "live intensity unavailable (Electricity Maps: HTTP 401: the token was rejected (check it and its zone access)); using the embedded dataset",
    ]);
    expect(await warned({ region: "FR", liveIntensity: true })).toEqual([
      "live intensity: needs an Electricity Maps token (the public GB grid API covers only GB); using the embedded dataset",
    ]);
    const noZone = await warned({ region: "world", electricityMapsToken: TOKEN });
    expect(noZone.join("\n")).toMatch(/live intensity|no Electricity Maps zone/);
  });

  it(
    "the CLI prints the fallback and the report keeps it in its warnings",
    { timeout: 120_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "mlf-fallback-"));
      const out = join(dir, "r.json");
      const run = await runBundledCli([
        "run",
        "--region",
        "FR",
        "--live-intensity",
        "--no-progress",
        "--out",
        out,
        "--",
        "true",
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/warning — live intensity: needs an Electricity Maps token/);
      const report = parseReportJson(readFileSync(out, "utf8"), out);
      expect(report.warnings).toContain(
        "live intensity: needs an Electricity Maps token (the public GB grid API covers only GB); using the embedded dataset",
      );
    },
  );
});

describe("the action raises the fallback as a warning", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ inProcess: true });
  });
  afterAll(async () => world.stop());

  it("live-intensity: true outside GB without a token: one warning naming why", async () => {
    const { post } = await measuredJob(world.job(), {
      "live-intensity": "true",
      region: "FR",
      comment: "never",
    });
    expect(post.code).toBe(0);
    expect(post.warnings.filter((w) => /live intensity/.test(w))).toEqual([
      "ml-footprint: live intensity: needs an Electricity Maps token (the public GB grid API covers only GB); using the embedded dataset",
    ]);
  });
});

describe("a CPU that RAPL measured", () => {
  const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);
  const machine = (): Machine => ({
    cpu: { brand: "Mystery CPU 9000", threads: 4, cores: 2 },
    memoryGB: 16,
    attribution: {
      scope: "host",
      reason: "no cgroup limit: the runner owns its machine",
      cpuSource: "proc-stat",
      memorySource: "installed",
      hostCpus: 4,
      hostMemoryGB: 16,
      cgroup: null,
    },
    models: {
      cpu: {
        powerW: (u) => ({ w: 10 * u, lowW: 5 * u, highW: 20 * u }),
        detail: "generic",
        provenance: "assumed",
      },
      memory: { w: 2, lowW: 1, highW: 3, detail: "test memory" },
      other: null,
    },
    warnings: [],
    cpuModelWarnings: [
      'CPU "Mystery CPU 9000" is not in the CPU power table; generic per-vCPU watts were assumed (wide range)',
    ],
  });
  const report = async (lines: SamplesFileLine[]) => {
    const dir = mkdtempSync(join(tmpdir(), "mlf-rapl-"));
    const samplesPath = join(dir, "samples.ndjson");
    writeFileSync(samplesPath, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    return reportFromSamples({
      samplesPath,
      defaultPhase: "train",
      machine: machine(),
      metrics: { jobPath: null, phaseFiles: [] },
      carbon: null,
      identity: localIdentity("train"),
      env: {},
      command: null,
      exitCode: null,
      signal: null,
      warnings: [],
      createdAt: new Date(T0 + 2_000),
    });
  };
  const meta: SamplesFileLine = {
    t: "meta",
    v: 1,
    startMs: T0,
    intervalMs: 1_000,
    raplMaxUj: { "package-0": 1e12 },
  };

  it("is not warned 'not in the CPU power table'; a modelled one still is", async () => {
    const measured = await report([
      meta,
      { t: "s", ts: T0, cpu: 0.5, rapl: { "package-0": 1_000_000 } },
      { t: "s", ts: T0 + 1_000, cpu: 0.5, rapl: { "package-0": 21_000_000 } },
    ]);
    expect(measured.phases[0]!.components[0]!.method).toBe("rapl");
    expect(measured.warnings.join("\n")).not.toMatch(/not in the CPU power table/);
    const modelled = await report([meta, { t: "s", ts: T0, cpu: 0.5 }, { t: "s", ts: T0 + 1_000, cpu: 0.5 }]);
    expect(modelled.phases[0]!.components[0]!.method).toBe("cpu-model");
    expect(modelled.warnings.join("\n")).toMatch(/"Mystery CPU 9000" is not in the CPU power table/);
  });
});
