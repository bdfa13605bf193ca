// The CLI's rough edges (issue 27): an interval without its unit, an empty label, compare across keys and
// regions, history beside other JSON files, compound durations, and the options the CLI shares with the action
// (one table: src/action/shared-options.ts), --key and --cpu-watts-per-vcpu among them.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { getActionConfig, type ActionConfig } from "../../src/action/inputs.js";
import { SHARED_OPTIONS } from "../../src/action/shared-options.js";
import { runCompare } from "../../src/cli/compare.js";
import { runHistory } from "../../src/cli/history.js";
import { parseReportJson, serializeReport } from "../../src/model/report.js";
import { parseDurationS, parseIntervalMs } from "../../src/model/units.js";
import { runBundledCli } from "../support/cli.js";

const FIXTURES = join(import.meta.dirname, "../fixtures/reports");
const fx = (name: string) => join(FIXTURES, name);
const fixture = (name: string) => parseReportJson(readFileSync(fx(name), "utf8"), name);

describe("durations and intervals", () => {
  it("reads compound durations (budget-duration: 1h30m) in the action and the CLI alike", () => {
    expect(parseDurationS("1h30m", "budget-duration")).toBe(5_400);
    expect(parseDurationS("2m30s", "x")).toBe(150);
    expect(parseDurationS("1h 5m 10s", "x")).toBe(3_910);
    expect(parseDurationS("1h30min", "x")).toBe(5_400);
    expect(parseDurationS("90m", "x")).toBe(5_400);
    expect(getActionConfig((n) => (n === "budget-duration" ? "1h30m" : "")).budgets.durationS).toBe(5_400);
    for (const bad of ["1h30", "30m1h", "1h1h", "h", "1 h 30"])
      expect(() => parseDurationS(bad, "budget-duration"), bad).toThrow(/is not valid/);
  });

  it("an interval that is a bare number out of range says the unit is missing", () => {
    expect(() => parseIntervalMs("100", "--interval")).toThrow(
      '--interval: "100" has no unit (a plain number is seconds, and 100 s is out of range); use 100ms or 1s',
    );
    expect(parseIntervalMs("2", "--interval")).toBe(2_000); // a plain number in range is seconds, as before
    expect(() => parseIntervalMs("100s", "--interval")).toThrow(
      '"100s" is out of range; accepted: 100ms to 60s',
    );
  });
});

describe("compare: like with like", () => {
  it("refuses base reports of another key, unless --any-key (then it warns)", async () => {
    const warnings: string[] = [];
    await expect(
      runCompare([fx("other-key.json"), fx("head.json")], {}, (l) => warnings.push(l)),
    ).rejects.toThrow(
      'compare: the head\'s key is "train-mnist" but the base key is "eval-only": they measured different jobs; compare reports of one key (ml-footprint run --key NAME sets it), or pass --any-key to compare anyway',
    );
    const out = await runCompare([fx("other-key.json"), fx("head.json")], { anyKey: true }, (l) =>
      warnings.push(l),
    );
    expect(out).toMatch(/verdict:/);
    expect(warnings).toEqual([
      'warning: the head\'s key is "train-mnist" but the base key is "eval-only": they measured different jobs (--any-key)',
    ]);
    // a directory with both keys keeps the head's key: nothing refused, nothing to warn
    warnings.length = 0;
    await runCompare([FIXTURES, fx("head.json")], {}, (l) => warnings.push(l));
    expect(warnings.filter((w) => /key/.test(w))).toEqual([]);
  });

  it("warns when the base ran in another region: the emissions delta then reflects the grid", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlf-regions-"));
    const base = fixture("base.json");
    base.carbon!.region = { ...base.carbon!.region, id: "FR", name: "France" };
    writeFileSync(join(dir, "base.json"), serializeReport(base));
    const warnings: string[] = [];
    await runCompare([join(dir, "base.json"), fx("head.json")], {}, (l) => warnings.push(l));
    expect(warnings).toEqual([
      "warning: the head ran in region azure:eastus but base runs in FR: the emissions delta reflects the grid as well as the code; compare energy",
    ]);
  });
});

describe("history beside other JSON files", () => {
  it("skips JSON files that are not reports, with a note, instead of stopping", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlf-history-"));
    writeFileSync(join(dir, "a.json"), readFileSync(fx("base.json")));
    writeFileSync(join(dir, "b.json"), readFileSync(fx("head.json")));
    writeFileSync(join(dir, "package-lock.json"), JSON.stringify({ name: "x", lockfileVersion: 3 }));
    writeFileSync(join(dir, "broken.json"), "{");
    const notes: string[] = [];
    const out = await runHistory(dir, {}, (l) => notes.push(l));
    expect(out.trimEnd().split("\n")).toHaveLength(3);
    expect(notes).toEqual([
      "history: skipped 2 JSON files that are not an ml-footprint report: broken.json, package-lock.json",
    ]);
    const empty = mkdtempSync(join(tmpdir(), "mlf-history-"));
    writeFileSync(join(empty, "package.json"), "{}");
    await expect(runHistory(empty, {}, () => {})).rejects.toThrow(
      `history: "${empty}" has no ml-footprint report among its 1 *.json files`,
    );
  });
});

describe("one table of options for the action's inputs and the CLI's flags", () => {
  // a value each option accepts, and one it refuses
  const cases: Record<keyof typeof SHARED_OPTIONS, [string, string, (c: ActionConfig) => unknown]> = {
    key: ["train-gpu", "a b", (c) => c.key],
    region: ["FR", "mars", (c) => c.region],
    carbonIntensity: ["120", "120g", (c) => c.carbonIntensityGPerKWh],
    pue: ["1.2", "0.5", (c) => c.pue],
    cpuTdp: ["280", "280W", (c) => c.cpu.tdpW],
    cpuThreadsPerPackage: ["128", "0", (c) => c.cpu.threadsPerPackage],
    cpuWattsPerVcpu: ["0.45-2.02", "3-1", (c) => c.cpu.wattsPerVcpu],
    interval: ["500ms", "100", (c) => c.intervalMs],
    gpus: ["0,1", "0,,1", (c) => c.gpus],
  };

  it("each option reads the same value and refuses the same text, naming the input or the flag", () => {
    for (const [name, option] of Object.entries(SHARED_OPTIONS)) {
      const [good, bad, pick] = cases[name as keyof typeof SHARED_OPTIONS];
      const action = (v: string) => getActionConfig((n) => (n === option.input ? v : ""));
      expect(option.parse(good, option.flag), name).toEqual(pick(action(good)));
      let actionMessage = "";
      try {
        action(bad);
      } catch (error) {
        actionMessage = (error as Error).message;
      }
      expect(actionMessage, name).toMatch(new RegExp(`^${option.input}: `));
      expect(() => option.parse(bad, option.flag), name).toThrow(
        `${option.flag}: ${actionMessage.slice(option.input.length + 2)}`,
      );
    }
  });

  it(
    "ml-footprint run takes --key and --cpu-watts-per-vcpu, and refuses --label ''",
    { timeout: 120_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "mlf-run-flags-"));
      const out = join(dir, "r.json");
      const run = await runBundledCli([
        "run",
        "--key",
        "my-job",
        "--cpu-watts-per-vcpu",
        "1-3",
        "--no-progress",
        "--out",
        out,
        "--",
        "true",
      ]);
      expect(run.code, run.stderr).toBe(0);
      const report = parseReportJson(readFileSync(out, "utf8"), out);
      expect(report.identity.key).toBe("my-job");
      expect(report.phases[0]!.name).toBe("run");
      const cpu = report.phases[0]!.components.find((c) => c.component === "cpu")!;
      expect(cpu.detail).toMatch(/1–3 W per vCPU \(user override\)/);
      const help = await runBundledCli(["run", "--help"]);
      for (const option of Object.values(SHARED_OPTIONS))
        expect(help.stdout.replace(/\s+/g, " ")).toContain(`(action input: ${option.input})`);
      const empty = await runBundledCli(["run", "--label", "", "--", "true"]);
      expect(empty.code).toBe(2);
      expect(empty.stderr).toMatch(/^ml-footprint: --label: "" is not valid/);
    },
  );
});
