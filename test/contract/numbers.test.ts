/**
 * Numbers that used to fail a job instead of being refused at input or kept finite: SI prefixes read in the
 * wrong case, a 400-digit carbon intensity, a work count of 1e-320, artifacts whose energies sum past
 * Number.MAX_VALUE, and more than 1,000 phase boundaries.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strToU8, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getActionConfig } from "../../src/action/inputs.js";
import { InputError, parseDurationS, parseEnergyWh, parseMassG } from "../../src/model/units.js";
import { reportFromZip } from "../../src/github/report-zip.js";
import { integrateEnergy, MAX_PHASES } from "../../src/measure/integrate.js";
import type { PowerModels } from "../../src/measure/power-model.js";
import type { SamplesFileLine } from "../../src/measure/samples.js";
import { sumReports } from "../../src/report/aggregate.js";
import { buildReport, localIdentity } from "../../src/report/build.js";
import { MAX_FIGURE } from "../../src/model/report.js";
import { readWorkMetrics, workEfficiency } from "../../src/report/work.js";
import { makeReport } from "../report/make-report.js";

describe("SI prefixes are case-sensitive", () => {
  it("2 Mg is a tonne, 2 mg two milligrams, 2 t a tonne", () => {
    expect(parseMassG("2 Mg", "budget-emissions")).toBe(2_000_000);
    expect(parseMassG("2 mg", "budget-emissions")).toBe(0.002);
    expect(parseMassG("2 t", "budget-emissions")).toBe(2_000_000);
    expect(parseEnergyWh("5 MWh", "budget-energy")).toBe(5_000_000);
    expect(parseEnergyWh("5 mWh", "budget-energy")).toBe(0.005);
    expect(parseEnergyWh("2 MJ", "budget-energy")).toBeCloseTo(555.56, 2);
  });
  it("unambiguous case variants are still read (KWH, KG, WH)", () => {
    expect(parseEnergyWh("5 KWH", "budget-energy")).toBe(5_000);
    expect(parseMassG("3 KG", "budget-emissions")).toBe(3_000);
    expect(parseDurationS("2 H", "budget-duration")).toBe(7_200);
  });
  it.each([
    ["2 MG", "mass", "mg or Mg"],
    ["2 mG", "mass", "mg or Mg"],
    ["5 mwh", "energy", "mWh or MWh"],
    ["5 MWH", "energy", "mWh or MWh"],
    ["5 mj", "energy", "MJ"],
    ["5 MS", "duration", "ms"],
  ])("%j is refused as ambiguous, naming the forms it could mean", (text, kind, means) => {
    const parse = { mass: parseMassG, energy: parseEnergyWh, duration: parseDurationS }[kind]!;
    expect(() => parse(text, "x")).toThrow(InputError);
    expect(() => parse(text, "x")).toThrow(`SI prefixes are case-sensitive`);
    expect(() => parse(text, "x")).toThrow(`did you mean ${means}?`);
  });
  it("budget-emissions: 2 Mg is a 2-tonne budget in the action config", () => {
    const config = getActionConfig((n) => (n === "budget-emissions" ? "2 Mg" : ""));
    expect(config.budgets.emissionsG).toBe(2_000_000);
  });
});

describe("numbers that became Infinity downstream", () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), "mlf-numbers-"));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it("a 400-digit carbon-intensity is refused at input, not at report time", () => {
    const digits = "9".repeat(400);
    expect(() => getActionConfig((n) => (n === "carbon-intensity" ? digits : ""))).toThrow(
      /carbon-intensity: .* is out of range; accepted: a positive number of gCO2e\/kWh, e.g. 120, at most 10000/,
    );
  });

  it("a work count of 1e-320 is ignored with a warning; Wh per 1k units stays finite", async () => {
    const path = join(tmp, "metrics.json");
    await writeFile(path, '{"steps": 1e-320, "samples": 60000}');
    const work = await readWorkMetrics(path);
    expect(work.units).toBeNull();
    expect(work.warning).toMatch(/steps: a count must be 0 or from 0.001 to 1000000000000000/);
    const eff = workEfficiency({ steps: 5e-324, samples: 1 }, 1e6);
    expect(Object.values(eff!.whPer1k).every(Number.isFinite)).toBe(true);
    expect(eff!.whPer1k.steps).toBeUndefined();
  });

  it("an artifact with a figure past 1e15 is rejected at read, so sums of artifacts stay finite", () => {
    const huge = makeReport();
    huge.energyWh = Number.MAX_VALUE / 1.5;
    const zip = zipSync({ "ml-footprint-report.json": strToU8(JSON.stringify(huge)) });
    expect(() => reportFromZip(zip, "artifact ml-footprint-fork")).toThrow(
      /artifact ml-footprint-fork.*energyWh/,
    );

    const biggest = makeReport({ phases: { train: MAX_FIGURE / 100 } });
    const total = sumReports(
      Array.from({ length: 1_000 }, () => biggest),
      biggest,
    );
    expect(Number.isFinite(total.energyWh)).toBe(true);
    expect(Number.isFinite(total.carbon!.emissions.totalG)).toBe(true);
  });
});

describe("more than 1,000 phase boundaries", () => {
  const models: PowerModels = {
    cpu: {
      powerW: (u) => ({ w: 100 * u, lowW: 90 * u, highW: 110 * u }),
      detail: "t",
      provenance: "modelled",
    },
    memory: { w: 2, lowW: 1, highW: 3, detail: "m" },
    other: null,
  };
  const T0 = Date.UTC(2026, 10, 25, 9);
  function trace(boundaries: number): SamplesFileLine[] {
    const lines: SamplesFileLine[] = [{ t: "meta", v: 1, startMs: T0, intervalMs: 1_000 }];
    for (let i = 0; i <= 3_000; i++) {
      if (i > 0 && i <= boundaries) lines.push({ t: "phase", ts: T0 + i * 1_000 - 500, name: `p${i}` });
      lines.push({ t: "s", ts: T0 + i * 1_000, cpu: i === 0 ? null : 0.5 });
    }
    return lines;
  }

  it("2,500 boundaries: 1,000 phases, the last merging the rest, the whole energy kept, a valid report", () => {
    const plain = integrateEnergy(trace(0), { models, defaultPhase: "run" });
    const many = integrateEnergy(trace(2_500), { models, defaultPhase: "run" });
    expect(many.phases).toHaveLength(MAX_PHASES);
    expect(many.energyWh).toBeCloseTo(plain.energyWh, 6);
    expect(many.phases.at(-1)!.name).toBe('later phases (from "p999", 1502 merged)');
    expect(many.warnings.join("\n")).toContain("more than 1000 phases");
    const report = buildReport({
      toolVersion: "0.0.0",
      createdAt: new Date(T0),
      identity: localIdentity("x"),
      runner: { os: "Linux", arch: "X64", githubHosted: null, name: "" },
      cpu: { brand: "test", threads: 2, cores: 1 },
      memoryGB: 4,
      integration: many,
      command: null,
      exitCode: 0,
      signal: null,
      carbon: null,
      work: { byPhase: new Map(), job: null },
      warnings: [],
    });
    expect(report.phases).toHaveLength(MAX_PHASES);
    expect(report.durationS).toBe(3_000);
  });
});
