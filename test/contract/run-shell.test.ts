/** The run input honours the shell input, as a run: step does. The bundled action under the runner emulator. */
import { describe, expect, it } from "vitest";
import { FAST, worldFor } from "../action/world.js";

describe.concurrent("run: with a shell input", () => {
  it("shell: sh runs the script with sh, not bash", async (ctx) => {
    const world = await worldFor(ctx, { inProcess: true });
    const job = world.job();
    const step = await job.step({ ...FAST, shell: "sh", run: '[ -z "$BASH_VERSION" ] || exit 7' });
    expect(step.code).toBe(0);
    await job.finish();
  }, 150_000);

  it("the default is bash with -eo pipefail: a failing command inside a pipe fails the step", async (ctx) => {
    const world = await worldFor(ctx, { inProcess: true });
    const job = world.job();
    const step = await job.step({ ...FAST, run: '[ -n "$BASH_VERSION" ] || exit 7\nfalse | true' });
    expect(step.code).not.toBe(0);
    expect(step.stdout + step.stderr).toMatch(/run: the command exited with code 1/);
    await job.finish();
  }, 150_000);
});
