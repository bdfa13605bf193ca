// The bundled action against the GitHub API fake: which base-branch reports it compares with, and what
// happens when there are none, when they are not ours, not valid, or the API is down.
import { createServer } from "node:net";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OLD, ROUTES, expectNoTokenLeak, measuredJob, readReport, worldFor, type World } from "./world.js";
import { reportZip } from "../support/report-fixture.js";

/** Requests that downloaded this artifact (the REST zip redirect). */
const downloads = (world: World, id: number) =>
  world.gh.requests.filter((r) => r.path.includes(`/actions/artifacts/${id}/zip`));

/** A loopback port with nothing listening: connections are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.concurrent("base-branch reports", () => {
  it("no base run: verdict no-baseline, an empty delta, and still a comment and a summary", async (context) => {
    const world = await worldFor(context, { inProcess: true });
    const { post } = await measuredJob(world.job(), { "max-increase": "5%" });
    expect(post.code).toBe(0);
    expect(post.outputs).toMatchObject({
      verdict: "no-baseline",
      "delta-energy-percent": "",
      "over-budget": "false",
    });
    expect(world.gh.comments).toHaveLength(1);
    expect(post.summary).toMatch(/no base run/i);
  });

  it("ignores fork runs in the artifact list and compares with our own base run", async (context) => {
    const world = await worldFor(context, { inProcess: true });
    // A fork's run at the very merge-base SHA: it would be chosen first if forks were not skipped.
    const fork = world.addBase({ energyWh: 1000, headRepositoryId: 999_999 });
    const ours = world.addBase({ at: OLD, energyWh: 0.000001 });
    const { post } = await measuredJob(world.job());
    expect(post.code).toBe(0);
    expect(post.outputs.verdict).toBe("increase"); // vs 1000 Wh it would have been a decrease
    expect(downloads(world, fork.artifact.id)).toHaveLength(0);
    expect(downloads(world, ours.artifact.id)).toHaveLength(1);
  });

  it("different hardware: verdict different-hardware, and max-increase is not applied", async (context) => {
    const world = await worldFor(context, { inProcess: true });
    world.addBase({ energyWh: 0.000001, cpuBrand: "Imaginary CPU 9000" });
    const { post } = await measuredJob(world.job(), { "max-increase": "1%" });
    expect(post.code).toBe(0);
    expect(post.outputs).toMatchObject({ verdict: "different-hardware", "over-budget": "false" });
    expect(post.summary).toContain("Imaginary CPU 9000");
    expect(world.gh.comments[0]!.body).toContain("Imaginary CPU 9000");
  });

  it("an invalid base artifact is skipped with a warning naming it; no baseline", async (context) => {
    const world = await worldFor(context, { inProcess: true });
    const bad = world.addBase({ zip: reportZip({ schema: "not-a-report" }, "ml-footprint-report.json") });
    const { post } = await measuredJob(world.job());
    expect(post.code).toBe(0);
    expect(post.outputs.verdict).toBe("no-baseline");
    const warning = post.warnings.find((w) => w.includes(`id ${bad.artifact.id}`));
    expect(warning).toMatch(/^ml-footprint: Skipped artifact ml-footprint-train-train/);
    expect(warning).not.toContain("\n");
    // the baseline that lacks a run says so in the outputs and the comment (issue 23)
    expect(post.outputs["missing-base-reports"]).toBe("1");
    expect(world.gh.comments[0]?.body ?? "").toContain("1 base-branch report(s) could not be read");
  });
});

describe.concurrent("when the network fails", () => {
  it("the API down (all 500s): the report file and the job summary exist, budgets still apply", async (context) => {
    const world = await worldFor(context, { inProcess: true });
    for (const route of ROUTES) world.gh.fault(route, ...Array<number>(20).fill(500));
    const job = world.job({ resultsUrl: `http://127.0.0.1:${await closedPort()}/` });
    const { main, post } = await measuredJob(job, { "budget-energy": "1 J" });
    expect(post.code).toBe(1); // the budget, not the network
    expect(existsSync(post.outputs["report-path"]!)).toBe(true);
    expect(readReport(post).energyWh).toBeGreaterThan(0);
    expect(post.summary).toContain("train");
    expect(post.outputs["over-budget"]).toBe("true");
    expect(post.errors.some((e) => e.startsWith("Energy "))).toBe(true);
    expect(post.warnings.some((w) => w.includes("Could not upload the report artifact"))).toBe(true);
    expect(post.warnings.join("\n")).toMatch(
      /PR comment could not be written \(GitHub API error \(500.*a GitHub outage/,
    );
    expect(world.gh.comments).toHaveLength(0);
    expectNoTokenLeak(world, [main, post]);
  });
});
