/**
 * Without /proc (macOS, Windows) a pid file's process used to be trusted on liveness alone: a bystander got
 * SIGTERM. Now the sampler carries a token on its command line, and the pid is trusted only when that
 * command line (ps, or CIM on Windows) holds it. /proc's absence is injected (a root that does not exist);
 * the command line is read with this machine's real ps, or injected.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  commandLineWithoutProc,
  PID_FILE,
  samplerProcess,
  stopBackgroundSampler,
  TOKEN_FILE,
} from "../../src/measure/background.js";
import { runBundledCli } from "../support/cli.js";
import { alive, tmp } from "../reliability/helpers.js";

const NO_PROC = "/nonexistent-proc-root";
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.pid && alive(c.pid)) c.kill("SIGKILL");
  for (const d of dirs.splice(0)) {
    // A sampler this file started and an assertion left running: stopped here, never left behind.
    const pid = Number(readPidFile(d));
    if (pid > 0 && alive(pid)) process.kill(pid, "SIGKILL");
    rmSync(d, { recursive: true, force: true });
  }
});

function readPidFile(dir: string): string {
  try {
    return readFileSync(join(dir, PID_FILE), "utf8").trim();
  } catch {
    return "";
  }
}

function scratch(): string {
  const dir = tmp("mlf-noproc-");
  dirs.push(dir);
  return dir;
}

describe.skipIf(process.platform === "win32")("pid files without /proc", () => {
  it("a live bystander named by a pid file is not signalled", async () => {
    const other = spawn("sleep", ["60"], { stdio: "ignore" });
    children.push(other);
    const dir = scratch();
    writeFileSync(join(dir, PID_FILE), `${other.pid}\n`);
    writeFileSync(join(dir, TOKEN_FILE), "5b1f0d9e-token\n");
    expect(samplerProcess(dir, { procRoot: NO_PROC })).toBeNull();
    expect(await stopBackgroundSampler(dir, 5_000, { procRoot: NO_PROC })).toBe("not-running");
    expect(alive(other.pid!)).toBe(true);
  });

  it("our sampler is recognised by the token on its command line (real ps) and stopped", async () => {
    const dir = scratch();
    expect((await runBundledCli(["sampler", "start", "--dir", dir, "--interval", "100ms"])).code).toBe(0);
    const token = readFileSync(join(dir, TOKEN_FILE), "utf8").trim();
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    // a command line that cannot be read, or lacks the token: not trusted
    expect(samplerProcess(dir, { procRoot: NO_PROC, commandLine: () => null })).toBeNull();
    expect(
      samplerProcess(dir, { procRoot: NO_PROC, commandLine: () => "node cli.js sampler run" }),
    ).toBeNull();
    const pid = samplerProcess(dir, { procRoot: NO_PROC });
    expect(pid).not.toBeNull();
    // "stopped": it exited on SIGTERM within the bound (a zombie until its new parent reaps it)
    expect(await stopBackgroundSampler(dir, 10_000, { procRoot: NO_PROC })).toBe("stopped");
  });
});

describe("the command-line reader per platform", () => {
  it("Windows reads CIM through PowerShell; where that cannot run, nothing is trusted", () => {
    // On this Linux machine powershell.exe is absent: the win32 branch answers null, never a guess
    if (process.platform !== "win32") expect(commandLineWithoutProc(process.pid, "win32")).toBeNull();
    // POSIX ps shows our own command line whole
    if (process.platform !== "win32")
      expect(commandLineWithoutProc(process.pid, "linux")).toContain(process.argv0.split("/").pop());
  });
});
