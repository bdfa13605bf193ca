import { PRIOR } from "../../src/report/noise.js";
import { studentTQuantile } from "../../src/report/stats.js";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/model/units.js";
import { registerCompareCommand, runCompare } from "../../src/cli/compare.js";
import { registerHistoryCommand, runHistory } from "../../src/cli/history.js";
import { parseReport } from "../../src/model/report.js";
import { inspectMarkdown } from "../report/render-check.js";

const FIXTURES = join(import.meta.dirname, "../fixtures/reports");
const fx = (name: string) => join(FIXTURES, name);

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "mlf-report-cmd-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("fixtures", () => {
  it.each(["base.json", "head.json", "head-gpu.json", "no-carbon.json", "other-key.json"])(
    "%s is a valid report",
    async (name) => {
      const report = parseReport(JSON.parse(await readFile(fx(name), "utf8")), name);
      expect(report.schema).toBe("ml-footprint/report@1");
    },
  );
});

describe("compare", () => {
  it("prints a readable text table by default", async () => {
    const out = await runCompare([fx("base.json"), fx("head.json")], {});
    const lines = out.split("\n");
    expect(lines[0]).toMatch(
      /^phase\s+base\s+head\s+Δ energy\s+Δ range\s+Δ emissions\s+Δ duration\s+verdict$/,
    );
    expect(out).toMatch(/train\s+41\.2 Wh\s+50\.3 Wh\s+\+9\.10 Wh \(\+22 %\)/);
    expect(out).toMatch(/total .* increase \(band ±19\.8 %\)/);
    expect(out).toContain("per 1k samples: 752 mWh → 905 mWh (+20 %)");
    expect(out).toContain("noise rule: Only base runs on the same hardware");
  });

  it("prints the PR comment with --markdown", async () => {
    const out = await runCompare([fx("base.json"), fx("head.json")], { markdown: true });
    expect(out.split("\n")[0]).toBe("<!-- ml-footprint:train-mnist -->");
    expect(out.split("\n")[1]?.replace(/\u00a0/g, " ")).toBe(
      "### 🔺 Increase: 54.3 Wh · 24.3 g CO2e — +20 % energy per 1k samples vs feature (noise ±20 % from the prior, 1 base run)",
    );
    expect(out).toContain("base: 1 run of feature at `abc1234`");
    const check = inspectMarkdown(out);
    expect(check.foreignHtml).toEqual([]);
    expect(check.markers).toBe(1);
  });

  it("prints JSON with --json and honours --tolerance (the prior's run-to-run spread)", async () => {
    const out = JSON.parse(
      await runCompare([fx("base.json"), fx("head.json")], { json: true, tolerance: "25%" }),
    );
    expect(out.verdict).toBe("within-noise");
    expect(out.total.band.noise.priorPercent).toBe(25);
    // one base run: t(ν₀) at the total's 97.5 % × 25 % × √2
    expect(out.total.bandPercent).toBeCloseTo(studentTQuantile(0.9875, PRIOR.df) * 25 * Math.SQRT2, 9);
  });

  it("reports different hardware", async () => {
    const out = await runCompare([fx("base.json"), fx("head-gpu.json")], {});
    expect(out).toContain("different-hardware");
    expect(out).toContain("different hardware: vCPUs: 4 → 16");
    expect(out).toContain("different hardware: GPU count: 0 → 1");
  });

  it("rejects bad input with one clear InputError line", async () => {
    const bad = join(tmp, "bad.json");
    await writeFile(bad, "{not json");
    const wrong = join(tmp, "wrong.json");
    await writeFile(wrong, JSON.stringify({ schema: "ml-footprint/report@1" }));
    const err = await runCompare([bad, fx("head.json")], {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/^base ".*bad\.json" is not valid JSON: /);
    await expect(runCompare([fx("base.json"), wrong], {})).rejects.toThrow(
      /^head ".*wrong\.json" is not a valid ml-footprint\/report@1 report: tool: /,
    );
    await expect(runCompare([join(tmp, "missing.json"), fx("head.json")], {})).rejects.toThrow(
      /^base: cannot read ".*missing\.json" \(ENOENT\); give a report JSON written by ml-footprint$/,
    );
    // a directory stands for its reports: here an invalid one
    await expect(runCompare([tmp, fx("head.json")], {})).rejects.toThrow(/bad\.json" is not valid JSON/);
    await expect(runCompare([fx("base.json"), tmp], {})).rejects.toThrow(/^head: ".*" is not a file/);
    await expect(runCompare([fx("base.json"), fx("head.json")], { tolerance: "ten" })).rejects.toThrow(
      '--tolerance: "ten" is not valid; accepted: a percentage such as 10% or 2.5%',
    );
    await expect(
      runCompare([fx("base.json"), fx("head.json")], { json: true, markdown: true }),
    ).rejects.toBeInstanceOf(InputError);
  });
});

describe("history", () => {
  it("prints the trend of one key, oldest first", async () => {
    const out = await runHistory(FIXTURES, { key: "train-mnist" });
    const lines = out.trimEnd().split("\n");
    expect(lines[0]).toMatch(
      /^date \(UTC\)\s+commit\s+energy\s+emissions\s+duration\s+Δ energy vs previous$/,
    );
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[1])).toEqual([
      "1111111",
      "abc1234",
      "fed9876",
      "0a0b0c0",
    ]);
    expect(lines[1]).toMatch(/44\.0 Wh\s+—/);
    expect(lines[2]).toContain("+1.10 Wh (+2.5 %)");
  });

  it("prints Mermaid and a table with --markdown", async () => {
    const out = await runHistory(FIXTURES, { key: "eval-only", markdown: true });
    expect(out).toContain("xychart-beta");
    expect(out).toContain("| Run | Energy | Emissions |");
    expect(out).not.toContain("unknown");
  });

  it("asks for --key when the directory mixes keys, and rejects an unknown key or empty directory", async () => {
    await expect(runHistory(FIXTURES, {})).rejects.toThrow(
      `history: "${FIXTURES}" holds reports for several keys (eval-only, train-mnist); choose one with --key`,
    );
    await expect(runHistory(FIXTURES, { key: "nope" })).rejects.toThrow(/^--key: "nope" matches no report/);
    await expect(runHistory(tmp, {})).rejects.toBeInstanceOf(InputError);
    await expect(runHistory(join(tmp, "missing"), {})).rejects.toThrow(/cannot read directory/);
  });
});

describe("compare and history commands", () => {
  it("wires compare and history into a commander program", async () => {
    const printed: string[] = [];
    const program = new Command("ml-footprint").exitOverride();
    registerCompareCommand(program, (text) => printed.push(text));
    registerHistoryCommand(program, (text) => printed.push(text));
    await program.parseAsync(["compare", fx("base.json"), fx("head.json"), "--tolerance", "30%"], {
      from: "user",
    });
    expect(printed[0]).toMatch(/total .* within-noise \(band ±148\.3 %\)/);
    await program.parseAsync(["history", FIXTURES, "--key", "eval-only"], { from: "user" });
    expect(printed[1]).toContain("4.00 Wh");
  });
});
