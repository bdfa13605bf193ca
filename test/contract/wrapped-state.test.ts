/**
 * The wrapped `run:` command cannot switch the report off: it no longer gets our step's GITHUB_STATE, and a
 * saved state directory that is not the job's is ignored with a warning (the bundled action, as the runner
 * runs it).
 */
import { describe, expect, it } from "vitest";
import { savedStateDir } from "../../src/action/state.js";
import { commandEnv } from "../../src/action/child-env.js";
import { FAST, readReport, worldFor } from "../action/world.js";
import { RunnerJob } from "../support/runner.js";

describe("a wrapped command and our step's state", () => {
  it("the command does not get GITHUB_STATE; the post step still reports", async (ctx) => {
    const world = await worldFor(ctx);
    const job = world.job();
    const main = await job.step({
      ...FAST,
      run: 'echo "state-file=${GITHUB_STATE:-none}"; if [ -n "${GITHUB_STATE:-}" ]; then printf "state-dir=/tmp/mlf-nowhere\\nowner=false\\n" >> "$GITHUB_STATE"; fi',
    });
    expect(main.code).toBe(0);
    expect(main.stdout).toContain("state-file=none");
    const owner = RunnerJob.owner(await job.finish());
    expect(owner.code).toBe(0);
    expect(readReport(owner).phases.length).toBeGreaterThan(0);
  }, 120_000);

  it("commandEnv leaves GITHUB_STATE out and GITHUB_OUTPUT in", () => {
    const env = commandEnv({ GITHUB_STATE: "/s", GITHUB_OUTPUT: "/o", PATH: "/bin" });
    expect(env).toEqual({ GITHUB_OUTPUT: "/o", PATH: "/bin" });
  });

  it("a saved state directory that is not the job's is ignored with a warning inside Actions", () => {
    const warnings: string[] = [];
    const core = { getState: (name: string) => (name === "state-dir" ? "/tmp/mlf-nowhere" : "") };
    const dir = savedStateDir(core, { RUNNER_TEMP: "/runner/temp" }, (m) => warnings.push(m));
    expect(dir).toBe("/runner/temp/ml-footprint");
    expect(warnings.join("\n")).toMatch(/"\/tmp\/mlf-nowhere" is not this job's .*GITHUB_STATE/);
    // the job's own, or nothing saved: no warning
    expect(
      savedStateDir({ getState: () => "/runner/temp/ml-footprint" }, { RUNNER_TEMP: "/runner/temp" }),
    ).toBe("/runner/temp/ml-footprint");
    // outside Actions, a directory that is not ours (no measurement id) is not trusted either
    expect(savedStateDir(core, { TMPDIR: "/t" }, (m) => warnings.push(m))).toMatch(/^\/t\/ml-footprint-/);
  });
});
