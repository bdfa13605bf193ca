// Measure modes of the bundled action: background measurement with phase-marking steps, `run:` wrap mode
// (exit code propagated, phase in the report), GPUs through a fake nvidia-smi, and bad inputs.
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAST, measuredJob, readReport, startWorld, type World } from "./world.js";
import { RunnerJob } from "../support/runner.js";

let world: World;
beforeAll(async () => {
  world = await startWorld({ inProcess: true });
});
afterAll(async () => world.stop());

const phaseNames = (post: Parameters<typeof readReport>[0]) => readReport(post).phases.map((p) => p.name);

describe.concurrent("measure modes", () => {
  it("background: the first step measures the job, a later step with phase: only marks a boundary", async () => {
    const job = world.job();
    const first = await job.step({ ...FAST, phase: "train" });
    expect(first.code).toBe(0);
    expect(first.state).toMatchObject({ owner: "true" });
    await job.shell("sleep 0.3");
    const second = await job.step({ ...FAST, phase: "eval" });
    expect(second.code).toBe(0);
    expect(second.state).toEqual({}); // not the owner: its post does nothing
    expect(second.stdout).toContain('phase "eval" starts');
    await job.shell("sleep 0.3");
    const posts = await job.finish();
    expect(posts).toHaveLength(2);
    const [laterPost, ownerPost] = posts;
    expect(laterPost?.code).toBe(0);
    expect(laterPost?.outputs).toEqual({});
    expect(ownerPost?.code).toBe(0);
    const report = readReport(RunnerJob.owner(posts));
    expect(report.phases.map((p) => p.name)).toEqual(["train", "eval"]);
    for (const phase of report.phases) expect(phase.durationS).toBeGreaterThan(0.2);
  });

  it("background: work counts a plain run: step writes reach its phase; per-unit figures use only that phase", async () => {
    const job = world.job();
    expect((await job.step({ ...FAST, phase: "train" })).code).toBe(0);
    await job.shell("sleep 0.3");
    expect((await job.step({ ...FAST, phase: "eval" })).code).toBe(0);
    // a plain step, as in `run: python eval.py`: it only sees the exported ML_FOOTPRINT_METRICS
    const wrote = await job.shell(`sleep 0.3; echo '{"samples": 200}' > "$ML_FOOTPRINT_METRICS"`);
    expect(wrote.code).toBe(0);
    const owner = RunnerJob.owner(await job.finish());
    expect(owner.code).toBe(0);
    const report = readReport(owner);
    const train = report.phases.find((p) => p.name === "train")!;
    const evalPhase = report.phases.find((p) => p.name === "eval")!;
    expect(train.work ?? null).toBeNull();
    expect(evalPhase.work?.units).toEqual({ samples: 200 });
    expect(evalPhase.work?.whPer1k.samples).toBeCloseTo((evalPhase.energyWh / 200) * 1_000, 9);
    // the job's figure is the eval phase's, not the whole job's energy over 200 samples
    expect(report.work?.whPer1k.samples).toBeCloseTo((evalPhase.energyWh / 200) * 1_000, 9);
    expect(report.work?.whPer1k.samples).toBeLessThan((report.energyWh / 200) * 1_000);
  });

  it("a run: step's counts belong to its phase; a path the user set stays one file for the whole job", async () => {
    const job = world.job();
    expect((await job.step(FAST)).code).toBe(0);
    const wrapped = await job.step({
      ...FAST,
      phase: "eval",
      run: `sleep 0.3; echo '{"samples": 50}' > "$ML_FOOTPRINT_METRICS"`,
    });
    expect(wrapped.code).toBe(0);
    const report = readReport(RunnerJob.owner(await job.finish()));
    expect(report.phases.find((p) => p.name === "eval")?.work?.units).toEqual({ samples: 50 });
    expect(report.phases.find((p) => p.name === "train")?.work ?? null).toBeNull();

    const path = join(tmpdir(), `mlf-user-metrics-${process.pid}-${Date.now()}.json`);
    const userJob = world.job({ env: { ML_FOOTPRINT_METRICS: path } });
    expect((await userJob.step(FAST)).code).toBe(0);
    await userJob.shell(`sleep 0.2; echo '{"tokens": 1000}' > "$ML_FOOTPRINT_METRICS"`);
    const userReport = readReport(RunnerJob.owner(await userJob.finish()));
    expect(userReport.phases.every((p) => (p.work ?? null) === null)).toBe(true);
    expect(userReport.work?.units).toEqual({ tokens: 1000 });
    expect(userReport.work?.whPer1k.tokens).toBeCloseTo(userReport.energyWh, 9);
  });

  it("run: wraps the command, propagates a non-zero exit as a failed step, and its phase joins the report", async () => {
    const job = world.job({
      inProcess: false, // the bundle: the command's own output must reach the step's log
      env: {
        ML_FOOTPRINT_NVIDIA_SMI: join(process.cwd(), "test", "fixtures", "bin", "nvidia-smi"),
        FAKE_NVIDIA_SMI_FIXTURE: join(process.cwd(), "test", "fixtures", "nvidia-smi", "a100-idle-load.csv"),
      },
    });
    const first = await job.step(FAST);
    expect(first.code).toBe(0);
    await job.shell("sleep 0.2");
    const wrapped = await job.step({ ...FAST, phase: "eval", run: 'sleep 0.3; echo "evaluating"; exit 3' });
    expect(wrapped.code).toBe(1);
    expect(wrapped.stdout).toContain("evaluating"); // the command's own output is passed through
    expect(wrapped.errors).toEqual(["run: the command exited with code 3"]);
    const ok = await job.step({ ...FAST, run: "true" });
    expect(ok.code).toBe(0);
    const owner = RunnerJob.owner(await job.finish());
    expect(owner.code).toBe(0); // the post step still reports after a failed step
    // names stay unique, so phases can be matched with the base branch by name
    expect(phaseNames(owner)).toEqual(["train", "eval", "rest-of-job", "true", "rest-of-job-2"]);
    const report = readReport(owner);
    expect(report.phases.find((p) => p.name === "eval")!.durationS).toBeGreaterThan(0.2);
    expect(report.hardware.gpus.map((g) => g.name)).toContain("NVIDIA A100-SXM4-40GB");
  });

  it("a run: step that starts the job owns the measurement; its budgets apply to its phase", async () => {
    const job = world.job();
    const step = await job.step({ ...FAST, run: "sleep 0.3", "budget-duration": "100ms" });
    expect(step.code).toBe(0);
    expect(step.state).toMatchObject({ owner: "true" });
    const owner = RunnerJob.owner(await job.finish());
    expect(phaseNames(owner)[0]).toBe("sleep");
    expect(owner.code).toBe(1);
    expect(owner.errors).toHaveLength(1);
    expect(owner.errors[0]).toMatch(/^Duration of phase "sleep" \S+ \S+ is over the 100 ms budget/);
  });

  it("budgets on a later run: step apply to its phase, each with its own step's fail-on-budget", async () => {
    const job = world.job();
    expect((await job.step(FAST)).code).toBe(0); // background owner, no budgets of its own
    const evalStep = await job.step({
      ...FAST,
      phase: "eval",
      run: "sleep 0.2",
      "budget-energy": "1 J",
      "fail-on-budget": "false",
    });
    expect(evalStep.code).toBe(0); // budgets are judged at the end of the job, not here
    await job.step({ ...FAST, phase: "score", run: "sleep 0.3", "budget-duration": "100ms" });
    const owner = RunnerJob.owner(await job.finish());
    expect(owner.code).toBe(1);
    expect(owner.outputs["over-budget"]).toBe("true");
    expect(owner.errors).toHaveLength(1); // one annotation for the one failing breach
    expect(owner.errors[0]).toMatch(/^Duration of phase "score" \S+ \S+ is over the 100 ms budget/);
    expect(owner.warnings.filter((w) => w.startsWith('Energy of phase "eval"'))).toHaveLength(1);
  });

  it("a new measurement in a reused state directory starts clean (no old samples, no taken phase names)", async () => {
    const first = world.job();
    await first.step({ ...FAST, phase: "train" });
    await first.finish();
    const second = world.job({ runnerTemp: first.runnerTemp });
    const startedMs = Date.now();
    const { post } = await measuredJob(second, { phase: "train" });
    const report = readReport(post);
    expect(report.phases.map((p) => p.name)).toEqual(["train"]);
    expect(Date.parse(report.startedAt)).toBeGreaterThanOrEqual(startedMs);
  });

  it("a bad input fails main with one line naming the input, the value and the accepted forms", async () => {
    const job = world.job();
    const step = await job.step({ ...FAST, interval: "fast" });
    expect(step.code).toBe(1);
    expect(step.errors).toEqual([
      'ml-footprint: interval: "fast" is not valid; accepted: a number with ms, s, m or h (e.g. 1s, 500ms, 30m), or hours, minutes and seconds together (1h30m)',
    ]);
    expect(step.state).toEqual({}); // nothing started, so no post work
  });

  it("an unusable RUNNER_TEMP is a warning: the wrapped command still runs and the job does not fail", async () => {
    const job = world.job();
    // A file where the state directory should be: mkdir fails (root ignores read-only modes, not this).
    writeFileSync(join(job.runnerTemp, "ml-footprint"), "not a directory");
    const step = await job.step({ ...FAST, run: "echo trained > done.txt" });
    expect(step.code).toBe(0);
    expect(step.warnings.join("\n")).toMatch(
      /measurement could not start in .*ml-footprint .*the job goes on unmeasured/,
    );
    expect(step.state).toEqual({});
  });
});
