/**
 * `ml-footprint run -- npx …` on Windows: the command is found with PATHEXT (npx is npx.cmd there) and a batch
 * file runs through the shell. Simulated here with platform "win32" and small scripts named the Windows way.
 */
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCommand } from "../../src/measure/run-command.js";

function tool(dir: string, name: string, exitCode: number): void {
  writeFileSync(join(dir, name), `#!/bin/sh\nexit ${exitCode}\n`);
  chmodSync(join(dir, name), 0o755);
}

describe.skipIf(process.platform === "win32")("runCommand with Windows' command lookup", () => {
  it("finds npx as npx.CMD and python as python.EXE through PATHEXT", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlf-win-"));
    tool(dir, "npx.CMD", 5);
    tool(dir, "python.EXE", 6);
    const env = { ...process.env, PATH: dir, PATHEXT: ".COM;.EXE;.BAT;.CMD" };
    const npx = await runCommand(["npx", "--version"], { env, platform: "win32" });
    expect(npx).toMatchObject({ exitCode: 5, startError: null });
    const python = await runCommand(["python", "train.py"], { env, platform: "win32" });
    expect(python).toMatchObject({ exitCode: 6, startError: null });
  });

  it("a name PATHEXT does not find still fails the usual way (127)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlf-win-"));
    const env = { ...process.env, PATH: dir, PATHEXT: ".EXE" };
    expect((await runCommand(["nope"], { env, platform: "win32" })).exitCode).toBe(127);
  });
});
