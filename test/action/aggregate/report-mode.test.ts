import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import type { FakeGitHub } from "../../support/fake-github.js";
import { RunnerJob } from "../../support/runner.js";
import { inspectMarkdown } from "../../report/render-check.js";
import { parseReportJson } from "../../../src/model/report.js";
import { COMMENT_MAX_CHARS } from "../../../src/report/render-markdown.js";
import { BASE, HEAD, fakeGitHubPerTest, jobReport, pullRequestEvent, runPost, upload } from "./harness.js";

let fake: FakeGitHub;
const PR = 42;

fakeGitHubPerTest((f) => (fake = f));

/** A base-branch run at the merge-base holding a report for each job, and the PR's run. */
function setUp(base: Record<string, number>, head: Record<string, number>) {
  const baseRun = fake.addRun({ headSha: BASE, headBranch: "main" });
  for (const [key, wh] of Object.entries(base))
    upload(
      fake,
      baseRun.id,
      key,
      jobReport(key, { train: wh * 0.8, eval: wh * 0.2 }, { createdAt: "2026-11-01T00:00:00.000Z" }),
    );
  const run = fake.addRun({ headSha: HEAD, headBranch: "feature", event: "pull_request" });
  for (const [key, wh] of Object.entries(head))
    upload(fake, run.id, key, jobReport(key, { train: wh * 0.8, eval: wh * 0.2 }));
  return run;
}

describe("mode: report — one comment for a matrix", () => {
  it("comments like measure mode: on every PR by default, with on-change only on a change", async () => {
    const quiet = setUp({ a: 10, b: 10 }, { a: 10.1, b: 9.9 });
    const run = (inputs: Record<string, string>) =>
      runPost(fake, {
        inputs: { mode: "report", ...inputs },
        event: pullRequestEvent(PR),
        eventName: "pull_request",
        runId: quiet.id,
      });
    const onChange = await run({ comment: "on-change" });
    expect(onChange.core.outputs.verdict).toBe("within-noise");
    expect(fake.comments.filter((c) => c.issueNumber === PR)).toHaveLength(0);
    expect(onChange.core.infos.join("\n")).toContain("no PR comment (comment: on-change");
    await run({});
    expect(fake.comments.filter((c) => c.issueNumber === PR)).toHaveLength(1);
  });

  it("aggregates 3 jobs, compares each with its base, and fails on the total over budget", async () => {
    const run = setUp({ a: 10, b: 10, c: 10 }, { a: 10, b: 10.2, c: 20 });
    const { core, summary } = await runPost(fake, {
      inputs: { mode: "report", "max-increase": "10%", "budget-energy": "35 Wh" },
      event: pullRequestEvent(PR),
      eventName: "pull_request",
      runId: run.id,
    });

    const comments = fake.comments.filter((c) => c.issueNumber === PR);
    expect(comments).toHaveLength(1);
    const body = comments[0]!.body.replace(/\u00a0/g, " ");
    expect(body.startsWith("<!-- ml-footprint:report -->")).toBe(true);
    // headline: the total of 3 jobs, its change once (from the one total comparison), over budget
    expect(body).toMatch(
      /### 🔺 Increase: 40\.2 Wh · \S+ g CO2e in 3 jobs — \+34 % energy vs main \(noise ±\S+ % from the prior, 1 base run\) — ❌ 2 budgets over/,
    );
    // one table: a row per job, then the total
    const table = inspectMarkdown(body).tables[0]!;
    expect(table.rows.map((r) => r[0]!.text)).toEqual(["a", "b", "c", "**total**"]);
    expect(table.rows.map((r) => r[3]!.text)).toEqual(["✅ ±0 %", "✅ +2.0 %", "🔺 +100 %", "🔺 +34 %"]);
    expect(body).toContain("❌ Energy 40.2 Wh is over the 35.0 Wh budget");
    expect(body).toContain("❌ Energy \\+34 % vs base is over the 10 % max-increase budget");
    expect(summary).toContain("| **total** |");
    expect(summary).not.toContain("<!-- ml-footprint");

    // budgets on the totals fail the step, one annotation per reason
    expect(core.failed).toHaveLength(2);
    expect(core.failed[0]).toContain("over the 35.0 Wh budget");
    expect(core.failed[1]).toContain("over the 10 % max-increase budget");
    expect(core.outputs["over-budget"]).toBe("true");
    expect(Number(core.outputs["energy-wh"])).toBeCloseTo(40.2, 3);
    expect(core.outputs.verdict).toBe("increase");
    expect(Number(core.outputs["delta-energy-percent"])).toBeCloseTo(34, 0);
    expect(core.outputs["comment-url"]).toContain(`/pull/${PR}#issuecomment-`);
    const total = parseReportJson(readFileSync(core.outputs["report-path"]!, "utf8"));
    expect(total.energyWh).toBeCloseTo(40.2, 6);
    expect(total.phases.map((p) => p.name)).toEqual(["train", "eval"]);
  });

  it("updates the same sticky comment on the next run and passes within budget", async () => {
    const first = setUp({ a: 10, b: 10 }, { a: 10, b: 10 });
    await runPost(fake, {
      inputs: { mode: "report" },
      event: pullRequestEvent(PR),
      eventName: "pull_request",
      runId: first.id,
    });
    const second = fake.addRun({ headSha: HEAD, headBranch: "feature", event: "pull_request" });
    upload(fake, second.id, "a", jobReport("a", { train: 9 }));
    const { core } = await runPost(fake, {
      inputs: { mode: "report", "max-increase": "10%" },
      event: pullRequestEvent(PR),
      eventName: "pull_request",
      runId: second.id,
    });
    const comments = fake.comments.filter((c) => c.issueNumber === PR);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body.replace(/\u00a0/g, " ")).toContain("−10 % energy vs main");
    expect(core.failed).toEqual([]);
    expect(core.outputs["over-budget"]).toBe("false");
  });

  it("with no report artifacts in the run, warns what to fix and does not fail", async () => {
    const run = fake.addRun({ headSha: HEAD, headBranch: "feature", event: "pull_request" });
    const { core } = await runPost(fake, {
      inputs: { mode: "report" },
      event: pullRequestEvent(PR),
      eventName: "pull_request",
      runId: run.id,
    });
    expect(core.warnings.join("\n")).toMatch(/no valid ml-footprint-\* report artifacts in run \d+.*needs:/);
    expect(core.failed).toEqual([]);
    expect(fake.comments).toEqual([]);
  });

  it("200 matrix jobs: one comment under the cap, totals and headline kept, API calls bounded", async () => {
    const n = 200;
    const keys = Array.from({ length: n }, (_, i) => `model-${String(i).padStart(3, "0")}-seed-${i % 7}`);
    const run = setUp(
      Object.fromEntries(keys.map((k) => [k, 10])),
      Object.fromEntries(keys.map((k, i) => [k, i % 10 === 0 ? 13 : 10])),
    );
    const started = performance.now();
    const { core, summary } = await runPost(fake, {
      inputs: { mode: "report", "max-increase": "10%" },
      event: pullRequestEvent(PR),
      eventName: "pull_request",
      runId: run.id,
    });
    const elapsedMs = performance.now() - started;
    const body = fake.comments[0]!.body;
    const apiCalls = fake.apiCalls().length;
    console.log(
      `200-job aggregation: ${elapsedMs.toFixed(0)} ms, comment ${body.length} chars, summary ${summary.length} chars, ${apiCalls} API calls`,
    );

    expect(fake.comments).toHaveLength(1);
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(body.replace(/\u00a0/g, " ")).toMatch(
      /^<!-- ml-footprint:report -->\n### ✅ Within noise: .* in 200 jobs — \+3\.0 % energy vs main/,
    );
    expect(body).toContain("| **total** |");
    expect(inspectMarkdown(body).brokenRows).toEqual([]);
    expect(core.outputs.verdict).toBe("within-noise");
    expect(core.failed).toEqual([]);
    // 2 list pages + 200 downloads + per job (compare, list by name, history downloads) — far below 1,000/h
    expect(apiCalls).toBeLessThan(1_000);
    expect(core.warnings).toEqual([]);
    // ~5 s on a quiet machine, 25–35 s measured while other test runs loaded both cores
  }, 120_000);

  it("runs from the bundle like the runner does (main does nothing, post aggregates)", async () => {
    const run = setUp({ a: 10 }, { a: 10, b: 4 });
    const job = new RunnerJob({
      apiUrl: fake.url,
      token: "ghs_bundleTestToken",
      runId: run.id,
      pullRequest: { number: PR, headSha: HEAD, headRef: "feature", baseSha: BASE, baseRef: "main" },
      job: "footprint",
    });
    try {
      const main = await job.step({ mode: "report", "budget-energy": "10 Wh" });
      expect(main.code).toBe(0);
      expect(main.state).toEqual({});
      const post = RunnerJob.owner(await job.finish());
      expect(post.code, `${post.stdout}\n${post.stderr}`).toBe(1);
      expect(post.errors.join("\n")).toContain("Energy 14.0 Wh is over the 10.0 Wh budget");
      expect(post.outputs["over-budget"]).toBe("true");
      expect(post.summary).toContain("| **total** |");
      expect(fake.comments).toHaveLength(1);
      expect(fake.comments[0]!.body).toContain("in 2 jobs");
    } finally {
      job.cleanup();
    }
  });
});
