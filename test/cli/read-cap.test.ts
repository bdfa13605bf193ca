import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCompare } from "../../src/cli/compare.js";
import { runHistory } from "../../src/cli/history.js";
import { MAX_REPORT_BYTES, MAX_TOTAL_REPORT_BYTES, ReadBudget } from "../../src/cli/read-report.js";
import { makeReport } from "../report/make-report.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlf-read-cap-"));
  await mkdir(join(dir, "bases"));
  for (let i = 0; i < 5; i++)
    await writeFile(
      join(dir, "bases", `r${i}.json`),
      JSON.stringify(makeReport({ createdAt: `2026-11-0${i + 1}T00:00:00.000Z` })),
    );
  await writeFile(join(dir, "head.json"), JSON.stringify(makeReport()));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("an overall cap on the report bytes one command reads", () => {
  it("compare refuses a set of files over the cap in all, each under the cap per file", async () => {
    const one = JSON.stringify(makeReport()).length;
    const budget = new ReadBudget(Math.floor(one * 3.5));
    await expect(
      runCompare([join(dir, "bases"), join(dir, "head.json")], {}, undefined, budget),
    ).rejects.toThrow(/at most \d+ bytes are read in all/);
    // within the cap, the same call works
    await expect(runCompare([join(dir, "bases"), join(dir, "head.json")], {})).resolves.toContain("");
  });

  it("history is capped the same way", async () => {
    const one = JSON.stringify(makeReport()).length;
    await expect(
      runHistory(join(dir, "bases"), {}, undefined, new ReadBudget(Math.floor(one * 2.5))),
    ).rejects.toThrow(/at most \d+ bytes are read in all/);
  });

  it("the default cap is a few per-file caps, not unbounded", () => {
    expect(MAX_TOTAL_REPORT_BYTES).toBeLessThanOrEqual(8 * MAX_REPORT_BYTES);
  });
});
