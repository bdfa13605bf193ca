/**
 * Outside Actions the state directory was a fixed /tmp/ml-footprint whose symlinks were followed: another
 * local user could make us write where they chose. Now: one directory per user, created 0700 or verified
 * (a real directory, ours, no symlink followed); anything else is refused, and the main step goes on
 * unmeasured with a warning. Real directories; the bundled action for the end-to-end case.
 */
import { chownSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensurePrivateDir, stateDirFor } from "../../src/action/state.js";
import { FAST, worldFor } from "../action/world.js";
import { tmp } from "../reliability/helpers.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const scratch = (): string => {
  const d = tmp("mlf-state-");
  dirs.push(d);
  return d;
};

describe.skipIf(process.platform === "win32")("private state directory outside Actions", () => {
  it("is per user under TMPDIR, not a fixed /tmp/ml-footprint; RUNNER_TEMP wins inside Actions", () => {
    expect(stateDirFor({ TMPDIR: "/t" }, "1001")).toBe("/t/ml-footprint-1001");
    expect(stateDirFor({ RUNNER_TEMP: "/r", TMPDIR: "/t" }, "1001")).toBe("/r/ml-footprint");
    expect(stateDirFor({ TMPDIR: "/t" })).not.toBe("/t/ml-footprint");
  });

  it("is created 0700, and an existing one of ours with wider permissions is tightened", () => {
    const base = scratch();
    const dir = join(base, "fresh");
    ensurePrivateDir(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const wide = join(base, "wide");
    mkdirSync(wide, { mode: 0o777 });
    ensurePrivateDir(wide);
    expect(statSync(wide).mode & 0o777).toBe(0o700);
  });

  it("a symbolic link planted at its path is refused, never followed", () => {
    const base = scratch();
    const victim = join(base, "victim");
    mkdirSync(victim);
    symlinkSync(victim, join(base, "planted"));
    expect(() => ensurePrivateDir(join(base, "planted"))).toThrow(/is a symbolic link; refusing/);
  });

  it.skipIf(process.getuid?.() !== 0)("a directory owned by another user is refused", () => {
    const base = scratch();
    const theirs = join(base, "theirs");
    mkdirSync(theirs, { mode: 0o777 });
    chownSync(theirs, 65534, 65534);
    expect(() => ensurePrivateDir(theirs)).toThrow(/belongs to another user \(uid 65534\)/);
  });

  it("the bundled main step with a planted symlink: a warning, nothing written through it, the job goes on", async (ctx) => {
    const world = await worldFor(ctx);
    const tmpBase = scratch();
    const victim = join(tmpBase, "victim");
    mkdirSync(victim);
    const uid = String(process.getuid?.());
    symlinkSync(victim, join(tmpBase, `ml-footprint-${uid}`));
    symlinkSync(victim, join(tmpBase, "ml-footprint")); // the old fixed name, too
    const job = world.job({ env: { RUNNER_TEMP: "", TMPDIR: tmpBase } });
    const main = await job.step({ ...FAST, run: "echo wrapped-ran" });
    expect(main.code).toBe(0);
    expect(main.stdout).toContain("wrapped-ran");
    expect(main.warnings.join("\n")).toMatch(/measurement could not start .* is a symbolic link; refusing/);
    expect(readdirSync(victim)).toEqual([]);
    expect(existsSync(join(victim, "samples.ndjson"))).toBe(false);
  }, 120_000);
});
