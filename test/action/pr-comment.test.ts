// The bundled action run the way the runner does, against the GitHub API fake: the sticky PR comment.
import { describe, expect, it } from "vitest";
import { commentMarker } from "../../src/github/comment.js";
import { parseReportJson } from "../../src/model/report.js";
import {
  COMMENTS,
  CREATE,
  KEY,
  OLD,
  PR,
  UPDATE,
  calls,
  expectNoTokenLeak,
  measuredJob,
  readReport,
  worldFor,
  uploadedFiles,
  type World,
} from "./world.js";

const marker = commentMarker(KEY);

/** Two base runs far apart (10 Wh newest, 0.0001 Wh older): the noise band is wider than any decrease. */
function quietBaseline(world: World): void {
  world.addBase({ at: OLD, energyWh: 0.0001 });
  world.addBase({ energyWh: 10 });
}

describe.concurrent("the sticky PR comment", () => {
  it("a first PR run creates the comment; a second run updates it in place, no duplicate", async (context) => {
    const world = await worldFor(context, { inProcess: true });
    world.addBase({ energyWh: 0.000001 }); // far below any real run: an increase
    const first = await measuredJob(world.job(), { "budget-energy": "1 kWh" });
    expect(first.post.code).toBe(0);
    expect(first.post.outputs).toMatchObject({ verdict: "increase", "over-budget": "false" });
    expect(Number(first.post.outputs["delta-energy-percent"])).toBeGreaterThan(100);
    expect(Number(first.post.outputs["energy-wh"])).toBeGreaterThan(0);
    expect(Number(first.post.outputs["emissions-low-g"])).toBeLessThanOrEqual(
      Number(first.post.outputs["emissions-high-g"]),
    );
    expect(world.gh.comments).toHaveLength(1);
    const comment = world.gh.comments[0]!;
    expect(comment.issueNumber).toBe(PR);
    expect(comment.body.startsWith(marker)).toBe(true);
    expect(first.post.outputs["comment-url"]).toContain(`#issuecomment-${comment.id}`);
    expect(first.post.summary).toContain("train");
    expect(first.post.warnings).toEqual([]);

    // The artifact as uploaded: the report at the zip's root, the same file the post step wrote.
    const files = uploadedFiles(world);
    expect(Object.keys(files)).toEqual(["ml-footprint-report.json"]);
    const uploaded = parseReportJson(files["ml-footprint-report.json"]!, "upload");
    expect(uploaded).toEqual(readReport(first.post));
    expect(uploaded.identity).toMatchObject({ key: KEY, prNumber: PR, sha: "3".repeat(40) });

    const firstBody = comment.body;
    // A longer run, so the numbers (and the body) differ.
    const second = await measuredJob(world.job(), {}, "sleep 0.6");
    expect(second.post.code).toBe(0);
    expect(world.gh.comments[0]!.body).not.toBe(firstBody);
    expect(world.gh.comments).toHaveLength(1);
    expect(second.post.outputs["comment-url"]).toBe(first.post.outputs["comment-url"]);
    expect(calls(world, CREATE)).toBe(1);
    expect(calls(world, UPDATE)).toBe(1);
    expectNoTokenLeak(world, [first.main, first.post, second.main, second.post]);
  });

  it("leaves someone else's comment that carries our marker alone and posts its own", async (context) => {
    const world = await worldFor(context, { inProcess: true });
    const theirs = world.gh.addComment(PR, `${marker}\nI pasted your marker`, "mallory");
    const { post } = await measuredJob(world.job());
    expect(post.code).toBe(0);
    expect(world.gh.comments).toHaveLength(2);
    expect(world.gh.comments.find((c) => c.id === theirs.id)!.body).toBe(`${marker}\nI pasted your marker`);
    expect(world.gh.comments.find((c) => c.id !== theirs.id)!.login).toBe("github-actions[bot]");
    expect(calls(world, UPDATE)).toBe(0);
  });

  it("a 403 on the comment is a warning naming the permission and the fork workflow; the job goes on", async (context) => {
    const world = await worldFor(context, { inProcess: true });
    world.gh.fault(CREATE, { status: 403, message: "Resource not accessible by integration" });
    const { post } = await measuredJob(world.job());
    expect(post.code).toBe(0);
    expect(post.errors).toEqual([]);
    const warning = post.warnings.find((w) => w.includes("PR comment could not be written"));
    expect(warning).toContain("403");
    expect(warning).toContain("pull-requests: write");
    expect(warning).toContain("mode: publish");
    expect(post.outputs["comment-url"]).toBeUndefined();
    expect(post.outputs.verdict).toBe("no-baseline"); // everything before the comment still happened
    expect(post.summary).toContain("train");
  });

  it("retries a 500 on the comment and then succeeds, without a warning", async (context) => {
    const world = await worldFor(context, { inProcess: true });
    world.gh.fault(CREATE, 500);
    const { post } = await measuredJob(world.job());
    expect(post.code).toBe(0);
    expect(calls(world, CREATE)).toBe(2);
    expect(world.gh.comments).toHaveLength(1);
    expect(post.warnings).toEqual([]);
    expect(post.outputs["comment-url"]).toContain("#issuecomment-");
  });
});

describe.concurrent("comment modes", () => {
  it("default: a decrease is news too: the first run creates the comment, a second push updates it", async (context) => {
    const world = await worldFor(context, { inProcess: true });
    world.addBase({ energyWh: 10 }); // far above any test run: a decrease
    const first = await measuredJob(world.job());
    expect(first.post.code).toBe(0);
    expect(first.post.outputs.verdict).toBe("decrease");
    expect(world.gh.comments).toHaveLength(1);
    const body = world.gh.comments[0]!.body;
    // drawn as good news, not with the red down-triangle
    expect(body).toContain("🟢 Decrease");
    expect(body).not.toContain("🔻");
    const second = await measuredJob(world.job(), {}, "sleep 0.6");
    expect(second.post.code).toBe(0);
    expect(world.gh.comments).toHaveLength(1);
    expect(world.gh.comments[0]!.body).not.toBe(body);
    expect(second.post.outputs["comment-url"]).toBe(first.post.outputs["comment-url"]);
    expect(calls(world, CREATE)).toBe(1);
    expect(calls(world, UPDATE)).toBe(1);
  });

  it("default and auto (its old name): a change within noise gets a comment too", async (context) => {
    for (const comment of [undefined, "auto"]) {
      const world = await worldFor(context, { inProcess: true });
      quietBaseline(world);
      const { post } = await measuredJob(world.job(), comment ? { comment } : {});
      expect(post.outputs.verdict).toBe("within-noise");
      expect(world.gh.comments).toHaveLength(1);
      expect(post.outputs["comment-url"]).toContain("#issuecomment-");
    }
  });

  it("on-change: a change within noise starts no comment, but keeps an existing one current", async (context) => {
    const world = await worldFor(context, { inProcess: true });
    quietBaseline(world);
    const first = await measuredJob(world.job(), { comment: "on-change" });
    expect(first.post.code).toBe(0);
    expect(first.post.outputs.verdict).toBe("within-noise");
    expect(world.gh.comments).toHaveLength(0);
    expect(calls(world, CREATE)).toBe(0);
    expect(first.post.outputs["comment-url"]).toBeUndefined();
    expect(first.post.stdout).toContain("no PR comment (comment: on-change");

    // An earlier push changed something and got a comment: it must not keep showing old numbers.
    const earlier = world.gh.addComment(PR, `${marker}\nEnergy +50 % (old numbers)`);
    const second = await measuredJob(world.job(), { comment: "on-change" });
    expect(second.post.outputs.verdict).toBe("within-noise");
    expect(world.gh.comments).toHaveLength(1);
    expect(world.gh.comments[0]!.id).toBe(earlier.id);
    expect(world.gh.comments[0]!.body).not.toContain("old numbers");
    expect(second.post.outputs["comment-url"]).toContain(`#issuecomment-${earlier.id}`);
  });

  it("on-change: a decrease and a quiet change with a budget over still start a comment", async (context) => {
    const world = await worldFor(context, { inProcess: true });
    quietBaseline(world);
    const { post } = await measuredJob(world.job(), {
      comment: "on-change",
      "budget-energy": "1 J",
      "fail-on-budget": "false",
    });
    expect(post.outputs).toMatchObject({ verdict: "within-noise", "over-budget": "true" });
    expect(world.gh.comments).toHaveLength(1);
    const down = await worldFor(context, { inProcess: true });
    down.addBase({ energyWh: 10 });
    const decrease = await measuredJob(down.job(), { comment: "on-change" });
    expect(decrease.post.outputs.verdict).toBe("decrease");
    expect(down.gh.comments).toHaveLength(1);
  });

  it("never: job summary only, not one comment API call", async (context) => {
    const world = await worldFor(context, { inProcess: true });
    world.addBase({ energyWh: 0.000001 });
    const { post } = await measuredJob(world.job(), { comment: "never" });
    expect(post.code).toBe(0);
    expect(post.outputs.verdict).toBe("increase");
    expect(calls(world, COMMENTS) + calls(world, CREATE) + calls(world, UPDATE)).toBe(0);
    expect(post.summary).toContain("train");
    expect(post.outputs["comment-url"]).toBeUndefined();
  });
});
