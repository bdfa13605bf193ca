// Budgets enforced by the bundled post step: each breach alone fails the step with one line naming the
// budget and by how much; `fail-on-budget: false` turns the failure into a warning.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, sep } from "node:path";
import { PID_FILE, SAMPLES_FILE } from "../../src/measure/background.js";
import { RunnerJob } from "../support/runner.js";
import { alive, waitFor } from "../reliability/helpers.js";
import { FAST, measuredJob, readReport, startWorld, type World } from "./world.js";

let world: World;
beforeAll(async () => {
  world = await startWorld({ inProcess: true });
  // Far below any real run, so max-increase has a real (outside-noise) increase to judge.
  world.addBase({ energyWh: 0.000001 });
});
afterAll(async () => world.stop());

describe.concurrent("budgets", () => {
  it.each([
    ["energy", { "budget-energy": "1 J" }, /^Energy \S+ \S+ is over the 0.278 mWh budget \(\+\S+ %\)$/],
    [
      "emissions",
      { "budget-emissions": "0.001 mg" },
      /^Emissions .+ CO2e is over the .+ CO2e budget \(\+\S+ %\)$/,
    ],
    ["duration", { "budget-duration": "100ms" }, /^Duration .+ is over the 100 ms budget \(\+\S+ %\)$/],
    [
      "max-increase",
      { "max-increase": "1%" },
      /^Energy \+\S+ % vs base is over the 1\.0 % max-increase budget$/,
    ],
  ])("a %s breach fails the step with one line and an annotation", async (_kind, inputs, message) => {
    const { post } = await measuredJob(world.job(), { ...inputs, comment: "never" });
    expect(post.code).toBe(1);
    expect(post.outputs["over-budget"]).toBe("true");
    // one annotation: the step's failure message, a single line (not an error annotation and then the same
    // text again as the failure)
    expect(post.errors).toHaveLength(1);
    expect(post.errors[0]).toMatch(message);
    // the report still exists for a failed budget
    expect(post.outputs["report-path"]).toBeTruthy();
  });

  it("two breaches: two annotations, one each, and the step fails", async () => {
    const { post } = await measuredJob(world.job(), {
      "budget-energy": "1 J",
      "budget-duration": "100ms",
      comment: "never",
    });
    expect(post.code).toBe(1);
    expect(post.errors).toHaveLength(2);
    expect(post.errors[0]).toMatch(/^Energy .+ is over the 0.278 mWh budget/);
    expect(post.errors[1]).toMatch(/^Duration .+ is over the 100 ms budget/);
  });

  it("fail-on-budget: false only warns, with the same line, and the step passes", async () => {
    const { post } = await measuredJob(world.job(), {
      "budget-energy": "1 J",
      "fail-on-budget": "false",
      comment: "never",
    });
    expect(post.code).toBe(0);
    expect(post.errors).toEqual([]);
    expect(post.outputs["over-budget"]).toBe("true");
    expect(post.warnings.filter((w) => /^Energy .+ is over the 0.278 mWh budget/.test(w))).toHaveLength(1);
  });
});

/** Every file named `name` below `dir`. */
function findFiles(dir: string, name: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.split(sep).at(-1) === name)
    .map((f) => join(dir, f));
}

describe("samples that end before the job did (a sampler that crashed, was killed or hung)", () => {
  it("fail every budget closed, draw no verdict, and say how much of the job the report covers", async () => {
    const job = world.job();
    const main = await job.step({ ...FAST, "budget-energy": "1000 kWh", comment: "never" });
    expect(main.code).toBe(0);
    const [samples] = findFiles(job.runnerTemp, SAMPLES_FILE);
    await waitFor("3 samples", () => readFileSync(samples!, "utf8").split('"t":"s"').length > 3);
    // The sampler dies (an OOM kill, a crash in a driver library) ...
    const pid = Number(readFileSync(join(samples!, "..", PID_FILE), "utf8"));
    process.kill(pid, "SIGKILL");
    await waitFor("the sampler to die", () => !alive(pid));
    // ... a minute before the job ends: its samples, moved back by 60 s, are what a minute of silence leaves.
    const shifted = readFileSync(samples!, "utf8")
      .split("\n")
      .filter(Boolean)
      .flatMap((text) => {
        let line: { ts?: number; startMs?: number };
        try {
          line = JSON.parse(text) as typeof line;
        } catch {
          return []; // a line the kill cut short (the integration skips it too)
        }
        if (line.ts !== undefined) line.ts -= 60_000;
        if (line.startMs !== undefined) line.startMs -= 60_000;
        return [JSON.stringify(line)];
      });
    writeFileSync(samples!, `${shifted.join("\n")}\n`);
    const post = RunnerJob.owner(await job.finish());
    expect(post.code).toBe(1);
    expect(post.outputs["over-budget"]).toBe("true");
    expect(post.outputs.verdict).toBe("not-comparable");
    expect(post.errors).toHaveLength(1);
    expect(post.errors[0]).toMatch(
      /^Energy budget cannot be judged: the samples end 6\d\.\d s before the job did and cover \S+ s of its 6\d\.\d s \(the sampler was no longer running: it crashed or was killed\), so it would be judged on a smaller total; failing closed \(Energy .+ is within the 1\.00 MWh budget/,
    );
    const report = readReport(post);
    expect(report.coverage?.jobS).toBeGreaterThan(60);
    expect(report.coverage?.recordedS).toBeLessThan(report.coverage!.jobS - 59);
    expect(report.warnings.join("\n")).toMatch(
      /the samples end 6\d\.\d s before .+: the totals are too small, budgets fail closed and no verdict is drawn/,
    );
  });
});
