/**
 * A full disk at the end of the job, and `run --out <an existing directory>`: only budgets fail a job. The
 * report file is made unwritable the way a full disk does it: a symbolic link to /dev/full, where every
 * write fails with ENOSPC. The bundled CLI and the bundled action under the runner emulator.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBundledCli } from "../support/cli.js";
import { RunnerJob } from "../support/runner.js";

import { FAST, worldFor } from "../action/world.js";

const DEV_FULL = "/dev/full";

describe.skipIf(!existsSync(DEV_FULL))("ENOSPC when the report is written", () => {
  it("CLI run: the command's exit code stands, a warning names ENOSPC, the summary still prints", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlf-enospc-"));
    try {
      const out = join(dir, "r.json");
      symlinkSync(DEV_FULL, out);
      const run = await runBundledCli([
        "run",
        "--interval",
        "100ms",
        "--carbon-intensity",
        "100",
        "--out",
        out,
        "--",
        "sleep",
        "0.2",
      ]);
      expect(run.code).toBe(0);
      expect(run.stderr).toContain(`the report could not be written to ${out} (ENOSPC)`);
      expect(run.stderr).toMatch(/Wh/);
      expect(run.stderr).not.toContain("report written to");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it("the reporting step: a warning, the outputs and the PR comment still come, exit 0", async (ctx) => {
    const world = await worldFor(ctx);
    const job = world.job();
    expect((await job.step({ ...FAST, comment: "always" })).code).toBe(0);
    const reports = join(job.runnerTemp, "ml-footprint", "report");
    mkdirSync(reports, { recursive: true });
    symlinkSync(DEV_FULL, join(reports, "ml-footprint-report.json"));
    await job.shell("sleep 0.2");
    const post = RunnerJob.owner(await job.finish());
    expect(post.code).toBe(0);
    expect(post.warnings.join("\n")).toMatch(/the report could not be written to \S+ \(ENOSPC\)/);
    expect(Number(post.outputs["energy-wh"])).toBeGreaterThan(0);
    expect(post.outputs.verdict).toBe("no-baseline");
    expect(post.outputs["over-budget"]).toBe("false");
    expect(post.outputs["report-path"]).toBe("");
    expect(world.gh.comments).toHaveLength(1);
    expect(post.summary).toContain("ml-footprint");
  }, 180_000);
});

describe("run --out <an existing directory>", () => {
  it("is refused before the command runs (it used to run, then lose the report with EISDIR)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlf-outdir-"));
    try {
      const marker = join(dir, "ran");
      const run = await runBundledCli(["run", "--out", dir, "--", "touch", marker]);
      expect(run.code).toBe(2);
      expect(run.stderr.split("\n")[0]).toBe(
        `ml-footprint: --out: "${dir}" is a directory; give a file path, e.g. ${join(dir, "ml-footprint-report.json")}`,
      );
      expect(existsSync(marker)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
