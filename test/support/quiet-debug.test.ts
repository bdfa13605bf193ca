// A passing test run prints no ::debug:: lines; a failing test prints its own (test/support/quiet-debug.ts).
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

function run(fail: boolean) {
  return spawnSync(
    process.execPath,
    ["node_modules/vitest/vitest.mjs", "run", "--config", "test/fixtures/quiet-debug/vitest.config.ts"],
    {
      encoding: "utf8",
      env: { ...process.env, QUIET_DEBUG_FAIL: fail ? "1" : "0", CI: "true" },
      timeout: 120_000,
    },
  );
}

describe("debug lines", { timeout: 180_000 }, () => {
  it("are held back in a passing run and shown for a failing test", () => {
    const passed = run(false);
    expect(passed.status, passed.stdout + passed.stderr).toBe(0);
    expect(passed.stdout + passed.stderr).not.toContain("::debug::");
    expect(passed.stdout).toContain("an ordinary line");
    const failed = run(true);
    expect(failed.status).toBe(1);
    expect(failed.stdout + failed.stderr).toMatch(
      /1 debug line\(s\) of the failed test ---\n::debug::held back unless this test fails/,
    );
  });
});
