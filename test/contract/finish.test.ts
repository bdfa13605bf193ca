/**
 * The finish step (`finish: true`): the job's background measurement ends in a MAIN step, so every output
 * (job energy, emissions and range, duration, verdict, delta, over-budget, report path, comment URL) reaches
 * later steps and job outputs, and budgets fail that step; the starting step's post step then only cleans
 * up. Plus the network bound (`network-timeout`) against an API that never answers, in the finish step and
 * in the post step. The bundled action under the runner emulator for the cases where the process is the
 * contract (outputs through GITHUB_OUTPUT from a main step, the process ending after abandoned network work);
 * the same steps in-process for the rest.
 */
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, type TestContext } from "vitest";
import { RunnerJob } from "../support/runner.js";
import { calls, FAST, readReport, worldFor } from "../action/world.js";

const FINISH = { ...FAST, finish: "true" } as const;

/** A loopback server that accepts connections and never answers; closed when the test ends. */
async function silentServer(ctx: TestContext): Promise<string> {
  const server: Server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  ctx.onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe.concurrent("a finish step ends the measurement in its main step", () => {
  it("sets every output there, comments once; the starting step's post step only cleans up", async (ctx) => {
    const world = await worldFor(ctx);
    world.addBase({ energyWh: 1 });
    const job = world.job();
    expect((await job.step(FAST)).code).toBe(0);
    await job.shell("sleep 0.3");
    const finish = await job.step({ ...FINISH, comment: "always" });
    expect(finish.code).toBe(0);
    const out = finish.outputs;
    expect(Number(out["energy-wh"])).toBeGreaterThan(0);
    expect(Number(out["emissions-low-g"])).toBeLessThanOrEqual(Number(out["emissions-g"]));
    expect(Number(out["emissions-high-g"])).toBeGreaterThanOrEqual(Number(out["emissions-g"]));
    expect(Number(out["duration-s"])).toBeGreaterThan(0.25);
    // compared with the base run (1 Wh): a real verdict and delta, readable by a later deploy step
    expect(["increase", "decrease", "within-noise"]).toContain(out.verdict);
    expect(out["delta-energy-percent"]).toMatch(/^-?\d+\.\d\d$/);
    expect(out["over-budget"]).toBe("false");
    expect(out["comment-url"]).toMatch(/^https?:\/\//);
    expect(existsSync(out["report-path"]!)).toBe(true);
    expect(finish.summary).toContain("ml-footprint");
    expect(world.gh.comments).toHaveLength(1);

    const apiCallsAtFinish = world.gh.requests.length;
    const uploadsAtFinish = world.results.created.length;
    // a second finish step has nothing left to finish
    const again = await job.step(FINISH);
    expect(again.code).toBe(0);
    expect(again.warnings.join("\n")).toContain(
      "an earlier finish step already ended this job's measurement",
    );
    expect(again.outputs).toEqual({});
    const posts = await job.finish();
    expect(posts).toHaveLength(3);
    for (const post of posts) {
      expect(post.code).toBe(0);
      expect(post.outputs).toEqual({});
      expect(post.warnings).toEqual([]);
    }
    expect(RunnerJob.owner(posts).stdout).toContain("the finish step reported this job");
    // nothing reported twice: no API call, no second artifact, one comment
    expect(world.gh.requests.length).toBe(apiCallsAtFinish);
    expect(world.results.created.length).toBe(uploadsAtFinish);
    expect(world.gh.comments).toHaveLength(1);
  }, 180_000);

  it("a footprint step after the finish step measures anew; only its own post step reports that", async (ctx) => {
    const world = await worldFor(ctx, { inProcess: true });
    const job = world.job();
    expect((await job.step(FAST)).code).toBe(0);
    await job.shell("sleep 0.2");
    expect((await job.step(FINISH)).code).toBe(0);
    const late = await job.step({ ...FAST, phase: "late" });
    expect(late.code).toBe(0);
    await job.shell("sleep 0.2");
    const posts = await job.finish(); // run order: the late step's post, the finish step's, the first step's
    expect(posts).toHaveLength(3);
    const [latePost, finishPost, firstPost] = posts;
    expect(latePost!.code).toBe(0);
    expect(Number(latePost!.outputs["energy-wh"])).toBeGreaterThan(0);
    expect(readReport(latePost!).phases.map((p) => p.name)).toEqual(["late"]);
    // the first owner's post step neither reports the new measurement again nor stops anything
    for (const post of [finishPost!, firstPost!]) {
      expect(post.code).toBe(0);
      expect(post.outputs).toEqual({});
      expect(post.warnings).toEqual([]);
    }
  }, 180_000);

  it("budgets and inputs of the starting step apply in the finish step, which fails once; the post steps pass", async (ctx) => {
    const world = await worldFor(ctx, { inProcess: true });
    const job = world.job();
    const start = { interval: "100ms", "budget-duration": "100ms", key: "nightly-gpu", region: "FR" };
    expect((await job.step(start)).code).toBe(0);
    await job.shell("sleep 0.4");
    const finish = await job.step({ interval: "100ms", finish: "true" });
    expect(finish.code).toBe(1);
    // what the finish step leaves empty comes from the starting step: the key (artifact name) and region
    const report = readReport(finish);
    expect(report.identity.key).toBe("nightly-gpu");
    expect(report.carbon?.region.id).toBe("FR");
    expect(finish.outputs["over-budget"]).toBe("true");
    expect(finish.errors.join("\n")).toMatch(/Duration \S+ \S+ is over the 100 ms budget/);
    const posts = await job.finish();
    for (const post of posts) {
      expect(post.code).toBe(0);
      expect(post.errors).toEqual([]);
    }
  }, 180_000);

  it("with no measurement running: a clear warning, exit 0, no outputs", async (ctx) => {
    const world = await worldFor(ctx, { inProcess: true });
    const job = world.job();
    const finish = await job.step(FINISH);
    expect(finish.code).toBe(0);
    expect(finish.warnings.join("\n")).toContain("no measurement is running in this job");
    expect(finish.outputs).toEqual({});
    const posts = await job.finish();
    expect(posts.every((p) => p.code === 0)).toBe(true);
  }, 180_000);
});

describe.concurrent("network-timeout: an API and a results service that never answer", () => {
  it("the finish step finishes and warns with what it skipped; the outputs known are set", async (ctx) => {
    const world = await worldFor(ctx);
    const silent = await silentServer(ctx);
    const job = world.job({ apiUrl: silent, resultsUrl: `${silent}/` });
    expect((await job.step(FAST)).code).toBe(0);
    await job.shell("sleep 0.2");
    const finish = await job.step({ ...FINISH, "network-timeout": "2", comment: "always" });
    expect(finish.code).toBe(0);
    expect(finish.warnings.join("\n")).toContain(
      "did not finish within network-timeout (2 s); skipped: report artifact upload, base-branch comparison, PR comment",
    );
    expect(Number(finish.outputs["energy-wh"])).toBeGreaterThan(0);
    expect(finish.outputs.verdict).toBe("no-baseline");
    expect(finish.outputs["over-budget"]).toBe("false");
    expect(readReport(finish).energyWh).toBeGreaterThan(0);
    expect(finish.summary).toContain("ml-footprint");
    const posts = await job.finish();
    expect(posts.every((p) => p.code === 0)).toBe(true);
  }, 180_000);

  it("without a finish step, the post step is bounded the same way", async (ctx) => {
    const world = await worldFor(ctx);
    const silent = await silentServer(ctx);
    const job = world.job({ apiUrl: silent, resultsUrl: `${silent}/` });
    expect((await job.step({ ...FAST, "network-timeout": "2" })).code).toBe(0);
    await job.shell("sleep 0.2");
    const owner = RunnerJob.owner(await job.finish());
    expect(owner.code).toBe(0);
    expect(owner.warnings.join("\n")).toContain("within network-timeout (2 s); skipped:");
    expect(readReport(owner).energyWh).toBeGreaterThan(0);
    expect(calls(world, "GET /user")).toBe(0); // the fake GitHub was never asked: the silent one was
  }, 180_000);
});
