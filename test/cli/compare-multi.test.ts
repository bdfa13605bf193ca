// `compare BASE... HEAD`: several base reports, a directory of them, --history, and --json's top-level verdict.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCompare } from "../../src/cli/compare.js";
import { InputError } from "../../src/model/units.js";
import { serializeReport } from "../../src/model/report.js";
import { baseHistory, makeReport } from "../report/make-report.js";

let tmp: string;
const history = baseHistory([100, 101, 99, 100.5, 99.5]);
const head = makeReport({ phases: { train: 110, eval: 2 }, createdAt: "2026-11-21T10:00:00.000Z" });
const other = makeReport({
  phases: { train: 300, eval: 2 },
  cpu: "Intel Xeon Platinum 8370C CPU @ 2.80GHz",
  createdAt: "2026-11-20T12:00:00.000Z",
});
const file = (name: string) => join(tmp, name);

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "mlf-compare-multi-"));
  await mkdir(file("bases"));
  for (const [i, r] of history.entries()) await writeFile(file(`bases/base-${i}.json`), serializeReport(r));
  await writeFile(file("bases/other-hw.json"), serializeReport(other));
  await writeFile(file("head.json"), serializeReport(head));
  await mkdir(file("empty"));
});
afterAll(async () => rm(tmp, { recursive: true, force: true }));

describe("compare BASE... HEAD", () => {
  it("judges the head against every base report given, matching hardware per run", async () => {
    const out = JSON.parse(
      await runCompare(
        [
          file("bases/base-0.json"),
          file("bases/base-1.json"),
          file("bases/base-2.json"),
          file("bases/other-hw.json"),
          file("head.json"),
        ],
        {
          json: true,
        },
      ),
    );
    // +9.8 % against three base runs 1 % apart: inside the 97.5 % interval (the total's half of α), with
    // the noise still mostly the prior's; five base runs (below) narrow it enough to call it
    expect(out.verdict).toBe("within-noise");
    expect(out.baseRuns).toBe(3);
    expect(out.baseRunsSkipped).toHaveLength(1);
    expect(out.total.band.method).toBe("predictive");
  });

  it("a directory stands for its reports; newest first; --history caps the runs used", async () => {
    const all = JSON.parse(await runCompare([file("bases"), file("head.json")], { json: true }));
    expect(all.baseRuns).toBe(5);
    expect(all.baseRunsUsed[0].sha).toBe(history[0]!.identity.sha);
    expect(
      all.baseRunsSkipped.map((r: { hardwareDifferences: string[] }) => r.hardwareDifferences[0]),
    ).toEqual(["CPU: Intel Xeon Platinum 8370C CPU @ 2.80GHz → AMD EPYC 7763 64-Core Processor"]);
    const capped = JSON.parse(
      await runCompare([file("bases"), file("head.json")], { json: true, history: "3" }),
    );
    expect(capped.baseRuns).toBe(3);
    expect(capped.total.band.n).toBe(3);
  });

  it("a report compared with itself: delta 0, range ≈ 0, within noise", async () => {
    const out = JSON.parse(await runCompare([file("head.json"), file("head.json")], { json: true }));
    expect(out.verdict).toBe("within-noise");
    expect(out.total.deltaEnergyWh).toBe(0);
    expect(Math.abs(out.total.deltaEnergyLowWh)).toBeLessThan(0.001 * head.energyWh);
    expect(Math.abs(out.total.deltaEnergyHighWh)).toBeLessThan(0.001 * head.energyWh);
    expect(out.total.verdictWords).toMatch(/the 4\.0 % prior \(our assumption\)/);
  });

  it("the text output names the verdict's words and the base runs used and skipped", async () => {
    const out = await runCompare([file("bases"), file("head.json")], {});
    expect(out).toMatch(
      /verdict: increase: energy \+\S+ % is outside the 97\.5 % prediction interval \(±\S+ %\); noise \S+ % from 5 base runs/,
    );
    expect(out).toContain("base runs used: 5; skipped on other hardware: 1 (CPU: Intel Xeon Platinum 8370C");
  });

  it("rejects a missing head, an empty directory and a bad --history with clear messages", async () => {
    await expect(runCompare([file("head.json")], {})).rejects.toThrow(
      /at least one base report and the head report/,
    );
    await expect(runCompare([file("empty"), file("head.json")], {})).rejects.toThrow(InputError);
    await expect(runCompare([file("empty"), file("head.json")], {})).rejects.toThrow(
      /has no \*\.json report files/,
    );
    await expect(runCompare([file("bases"), file("head.json")], { history: "0" })).rejects.toThrow(
      /--history: "0" is not valid; accepted: a whole number of base runs from 1 to 1000/,
    );
  });
});
