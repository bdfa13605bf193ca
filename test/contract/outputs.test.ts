/**
 * Outputs that reach the workflow, and budgets that are never ignored. Post-step outputs never reach later
 * steps or job outputs, so a `run:` step sets its own (energy, emissions and range, duration) in its main
 * step; budgets on a later phase-marking step (no `run:`) apply to the phase it starts. The bundled action
 * under the runner emulator.
 */
import { describe, expect, it } from "vitest";
import { RunnerJob } from "../support/runner.js";
import { FAST, readReport, worldFor } from "../action/world.js";

describe.concurrent("a run: step's outputs are set in its own main step", () => {
  it("a later run: step: energy, emissions with range and duration of its command", async (ctx) => {
    const world = await worldFor(ctx);
    const job = world.job();
    expect((await job.step(FAST)).code).toBe(0);
    const step = await job.step({ ...FAST, phase: "eval", run: "sleep 0.5" });
    expect(step.code).toBe(0);
    const energy = Number(step.outputs["energy-wh"]);
    const [g, low, high] = ["emissions-g", "emissions-low-g", "emissions-high-g"].map((k) =>
      Number(step.outputs[k]),
    );
    expect(energy).toBeGreaterThan(0);
    expect(g).toBeGreaterThan(0);
    expect(low).toBeLessThanOrEqual(g!);
    expect(high).toBeGreaterThanOrEqual(g!);
    expect(Number(step.outputs["duration-s"])).toBeGreaterThanOrEqual(0.45);
    const posts = await job.finish();
    expect(RunnerJob.owner(posts).code).toBe(0);
  }, 150_000);

  it("a run: step that starts the measurement sets them too", async (ctx) => {
    const world = await worldFor(ctx, { inProcess: true });
    const job = world.job();
    const step = await job.step({ ...FAST, run: "sleep 0.3" });
    expect(step.code).toBe(0);
    expect(Number(step.outputs["energy-wh"])).toBeGreaterThan(0);
    expect(Number(step.outputs["duration-s"])).toBeGreaterThanOrEqual(0.25);
    await job.finish();
  }, 150_000);

  it("use the step's CPU power inputs, as the job's report does (cpu-watts-per-vcpu)", async (ctx) => {
    const world = await worldFor(ctx, { inProcess: true });
    const job = world.job();
    // 100 W per vCPU, idle or busy: the CPU part alone is at least 100 W × the job's vCPUs.
    const step = await job.step({ ...FAST, run: "sleep 0.5", "cpu-watts-per-vcpu": "100" });
    expect(step.code).toBe(0);
    const report = readReport(RunnerJob.owner(await job.finish()));
    const cpuW = 100 * report.hardware.cpu.threads;
    // The step's figure covers its phase, from the sampler's start to one sample past the command: at least
    // the command's duration, so its energy over that duration is at least the modelled power.
    const meanW = (Number(step.outputs["energy-wh"]) * 3_600) / Number(step.outputs["duration-s"]);
    expect(meanW).toBeGreaterThan(0.8 * cpuW);
    const reportCpu = report.phases[0]!.components.find((c) => c.component === "cpu")!;
    expect(reportCpu.meanPowerW).toBeCloseTo(cpuW, 6);
  }, 150_000);
});

describe.concurrent("budgets on a later footprint step without run:", () => {
  it("apply to the phase that step starts: the job fails on them at the end", async (ctx) => {
    const world = await worldFor(ctx, { inProcess: true });
    const job = world.job();
    expect((await job.step(FAST)).code).toBe(0);
    const evalStep = await job.step({ ...FAST, phase: "eval", "budget-duration": "100ms" });
    expect(evalStep.code).toBe(0);
    await job.shell("sleep 0.4");
    const owner = RunnerJob.owner(await job.finish());
    expect(owner.code).toBe(1);
    expect(owner.outputs["over-budget"]).toBe("true");
    expect(owner.errors.join("\n")).toMatch(/Duration of phase "eval" \S+ \S+ is over the 100 ms budget/);
  }, 150_000);
});
