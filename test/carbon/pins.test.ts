/** Vendored sources stay what they were pinned as (data/sources/pins.json), and the code cites them faithfully. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MICROARCHITECTURES } from "../../src/measure/cpu-power.js";
// @ts-expect-error plain ESM script without types
import { checkPins } from "../../data/pins.mjs";

const SOURCES = join(process.cwd(), "data", "sources");

describe("vendored source pins", () => {
  it("every file under data/sources matches its sha256 pin", () => {
    expect(checkPins()).toEqual([]);
  });

  it("fails on a drifted, an unpinned and a missing file", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlf-pins-"));
    try {
      cpSync(SOURCES, dir, { recursive: true });
      writeFileSync(join(dir, "iso3166-alpha3-alpha2.csv"), "changed\n");
      writeFileSync(join(dir, "new.csv"), "x\n");
      rmSync(join(dir, "gcp-region-carbon-info-2025.csv"));
      const problems = (checkPins(dir) as string[]).join("\n");
      expect(problems).toMatch(/iso3166-alpha3-alpha2\.csv: sha256 \w+ differs from its pin/);
      expect(problems).toMatch(/new\.csv: not pinned/);
      expect(problems).toMatch(/gcp-region-carbon-info-2025\.csv: pinned but missing/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the CPU generations citing ccf-coefficients@b0032d9 carry that file's figures (3 decimals)", () => {
    const csv = readFileSync(
      join(SOURCES, "ccf-coefficients@b0032d9", "output", "coefficients-aws-use.csv"),
      "utf8",
    );
    const rows = new Map(
      csv
        .trim()
        .split("\n")
        .slice(1)
        .map((line) => line.split(","))
        .map(([, arch, min, max, gb]) => [arch!, { min: Number(min), max: Number(max), gb: Number(gb) }]),
    );
    const cited = MICROARCHITECTURES.filter((m) => m.ccf?.source.includes("ccf-coefficients@b0032d9"));
    expect(cited.length).toBeGreaterThanOrEqual(6);
    for (const arch of cited) {
      const name = /coefficients-aws-use\.csv, ([^(]+?)(?: \(|$)/.exec(arch.ccf!.source)?.[1];
      const row = rows.get(name ?? "");
      expect(row, `${arch.name}: row ${name}`).toBeDefined();
      expect(arch.ccf!.minWattsPerVcpu).toBeCloseTo(row!.min, 3);
      expect(arch.ccf!.maxWattsPerVcpu).toBeCloseTo(row!.max, 3);
      expect(arch.ccf!.memoryGBPerChip).toBeCloseTo(row!.gb, 1);
    }
  });
});
