// "How this was measured" reads plainly: short, whole clauses (never cut mid-sentence), no jargon or formula,
// work units in words (issue 27).
import { describe, expect, it } from "vitest";
import { compareReports } from "../../src/report/compare.js";
import { renderComment } from "../../src/report/render-markdown.js";
import { buildCommentModel } from "../../src/report/render-model.js";
import { unitWords, wholeClauses } from "../../src/report/render-details.js";
import { makeReport } from "./make-report.js";

/** A report like the demo's: a long memory detail, the carbon notes a real run writes, planned epochs. */
function demoLike() {
  const report = makeReport({ work: { samples: 120_000, steps: 1_890, epochs: 30, epochs_total: 30 } });
  const memory = report.phases[0]!.components.find((c) => c.component === "memory")!;
  memory.detail =
    "23.5 GB x 0.392 W/GB (Cloud Carbon Footprint; range 0.186–0.588 W/GB); 3.4 GB already in the CPU figure (CCF per-vCPU watts include memory up to the SPECpower average per chip), 20.2 GB added";
  report.carbon!.notes.push(
    "operational = energy × PUE 1.185 (Microsoft datacenter figures) × 379.1 g/kWh",
    "embodied (SCI-style): 2/96 host threads of a server (Cloud Carbon Footprint server model (ccfcoef 2022: 1,000 kg base + 100 kg/extra CPU + 1.39 kg/GB above 16 GB): 2 sockets, 256 GB = 1,433 kg (range 1,000–1,789 kg); 6-year life (Microsoft 2022; range 4–6 years))",
  );
  report.carbon!.emissions.embodiedG = 0.01;
  return report;
}

function details(): string[] {
  const head = demoLike();
  const base = makeReport({
    phases: { train: 8, eval: 2 },
    work: { samples: 120_000, epochs: 30, epochs_total: 30 },
  });
  const md = renderComment(
    buildCommentModel({
      key: "train",
      reports: [{ head, history: [base], comparison: compareReports(head, [base]) }],
      budgets: [],
      baseRef: "main",
      baseSha: "abc1234ffff",
      toolVersion: "1.0.0",
    }),
  );
  const body = md.slice(
    md.indexOf("How this was measured"),
    md.indexOf("</details>", md.indexOf("How this was measured")),
  );
  return body
    .replace(/\u00a0/g, " ")
    .split("\n")
    .filter((l) => l.startsWith("- ") || l.startsWith("**Noise"));
}

describe("How this was measured", () => {
  it("is concise: at most 20 lines for one job, none cut mid-sentence", () => {
    const lines = details();
    expect(lines.length, lines.join("\n")).toBeLessThanOrEqual(20);
    for (const line of lines) expect(line, line).not.toMatch(/…$|… *$/);
    const memory = lines.find((l) => l.startsWith("- Memory:"))!;
    expect(memory).toMatch(/up to the SPECpower average per chip\\\), 20\.2 GB added$/);
  });

  it("has no jargon, formula or raw keys", () => {
    const text = details().join("\n");
    for (const jargon of [
      /SCI-style/,
      /ccfcoef/,
      /operational =/,
      /t\\?\(n−1\\?\)/,
      /√/,
      /epochs_total/,
      /epochs\\_total/,
      /cpu-model/,
    ])
      expect(text).not.toMatch(jargon);
    expect(text).toMatch(/- Work done: 120,000 samples, 1,890 steps, 30 epochs$/m);
    expect(text).toMatch(
      /- Manufacturing share: .+, this job's part of its hardware's manufacturing emissions/,
    );
    expect(text).toMatch(/- Energy per 1,000 samples: /);
    expect(text).toMatch(/- CPU: .+, modelled: AMD EPYC 7763/);
  });

  it("wholeClauses cuts at a clause boundary outside brackets, or drops a clause it cannot fit", () => {
    expect(wholeClauses("short", 10)).toBe("short");
    expect(wholeClauses("one (a, b); two, three", 16)).toBe("one (a, b); two");
    expect(wholeClauses("one (a, b); two, three", 14)).toBe("one (a, b)");
    expect(wholeClauses("a very long single clause without breaks", 10)).toBeNull();
    expect(unitWords("epochs_total")).toBe("epochs total");
  });
});
