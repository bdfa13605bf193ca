/** Messages that name what to fix: a missing working-directory is named, not "bash: ENOENT". */
import { describe, expect, it } from "vitest";
import { DEFAULT_AGGREGATE_KEY } from "../../src/action/aggregate.js";
import { FAST, worldFor } from "../action/world.js";

describe("messages", () => {
  it("a working-directory that does not exist is named in the failure", async (ctx) => {
    const world = await worldFor(ctx);
    const job = world.job();
    const main = await job.step({ ...FAST, run: "true", "working-directory": "no-such-dir-7f3" });
    expect(main.code).not.toBe(0);
    const text = main.stdout + main.stderr;
    expect(text).toMatch(/working-directory: "no-such-dir-7f3" \(.*no-such-dir-7f3\) does not exist/);
    expect(text).not.toContain("could not start bash: ENOENT");
    await job.finish();
  }, 120_000);

  it("mode: report and mode: publish have distinct default keys (one comment each)", () => {
    expect(DEFAULT_AGGREGATE_KEY.report).not.toBe(DEFAULT_AGGREGATE_KEY.publish);
  });
});
