// One rule text: the comment's "Noise rule" line, `compare`'s "noise rule:" line and README's "How a change is
// judged" section come from noiseRuleText(); this keeps README's copy equal to the code's.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareReports, noiseRuleText } from "../../src/report/compare.js";
import { makeReport } from "./make-report.js";

const README = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");

describe("the noise rule", () => {
  it("README's rule text is the code's, word for word", () => {
    const section = README.slice(README.indexOf("## How a change is judged"));
    const quoted = /\n> (.+)\n/.exec(section)?.[1];
    expect(quoted).toBe(noiseRuleText());
  });

  it("is what every comparison carries, and no other rule is described in README", () => {
    expect(compareReports(makeReport(), [makeReport()]).noiseRule).toBe(noiseRuleText());
    expect(README).not.toMatch(/2σ|2 × their standard deviation|±10 % with a single base/);
  });
});
