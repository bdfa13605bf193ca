/**
 * A pid file that names someone else's process must never get that process signalled: it is checked
 * against the sampler's recorded start time and command line (/proc/<pid>/stat, cmdline) first, and a
 * process we may not signal (EPERM) is not ours. Real processes, the bundled CLI.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PID_FILE, START_FILE } from "../../src/measure/background.js";
import { runBundledCli } from "../support/cli.js";
import { distEntry } from "../support/dist.js";
import { alive, tmp, waitFor } from "../reliability/helpers.js";

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.pid && alive(c.pid)) c.kill("SIGKILL");
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function bystander(args: string[] = ["60"], file = "sleep", uid?: number): ChildProcess {
  const child = spawn(file, args, { stdio: "ignore", ...(uid === undefined ? {} : { uid }) });
  children.push(child);
  return child;
}

function stateDir(pid: number, start?: string): string {
  const dir = tmp("mlf-pid-");
  dirs.push(dir);
  writeFileSync(join(dir, PID_FILE), `${pid}\n`);
  if (start !== undefined) writeFileSync(join(dir, START_FILE), `${start}\n`);
  return dir;
}

describe("a pid file pointing at a live process that is not our sampler", () => {
  it("an unrelated process (a stale pid file, pid reused): not signalled, stop says not-running", async () => {
    const other = bystander();
    const dir = stateDir(other.pid!);
    const stopped = await runBundledCli(["sampler", "stop", "--dir", dir]);
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain("ml-footprint: sampler not-running");
    expect(alive(other.pid!)).toBe(true);
  });

  it("a process with our command line but another start time (pid reused by a later sampler): not signalled", async () => {
    const dir = tmp("mlf-pid-");
    dirs.push(dir);
    const lookalike = bystander(
      ["-e", "setInterval(() => {}, 1000)", "sampler", "run", "--dir", dir],
      process.execPath,
    );
    await waitFor("the look-alike to start", () => alive(lookalike.pid!), 10_000);
    writeFileSync(join(dir, PID_FILE), `${lookalike.pid}\n`);
    writeFileSync(join(dir, START_FILE), "1\n");
    const stopped = await runBundledCli(["sampler", "stop", "--dir", dir]);
    expect(stopped.stderr).toContain("ml-footprint: sampler not-running");
    expect(alive(lookalike.pid!)).toBe(true);
  });

  it("another user's process (EPERM): no crash, not-running", async () => {
    const asRoot = process.getuid?.() === 0;
    // As root, the check runs as "nobody" against a root-owned process; otherwise against pid 1 (root's).
    const target = asRoot ? bystander().pid! : 1;
    const dir = stateDir(target);
    let cliPath = distEntry("cli.js");
    if (asRoot) {
      const copy = mkdtempSync(join(tmpdir(), "mlf-dist-"));
      dirs.push(copy);
      cpSync(dirname(cliPath), copy, { recursive: true });
      for (const d of [copy, dir]) chmodSync(d, 0o755);
      cliPath = join(copy, "cli.js");
    }
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cliPath, "sampler", "stop", "--dir", dir], {
        stdio: ["ignore", "ignore", "pipe"],
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      });
      let stderr = "";
      child.stderr!.on("data", (d) => (stderr += d));
      // A node binary "nobody" cannot execute (under a 0700 directory) fails here at once, not by a timeout.
      child.on("error", (err) => resolve({ code: null, stderr: String(err) }));
      child.on("close", (code) => resolve({ code, stderr }));
    });
    expect(run.stderr).toContain("ml-footprint: sampler not-running");
    expect(run.code).toBe(0);
    expect(alive(target)).toBe(true);
  });

  it("our own sampler is still recognised and stopped", async () => {
    const dir = tmp("mlf-pid-");
    dirs.push(dir);
    expect((await runBundledCli(["sampler", "start", "--dir", dir, "--interval", "100ms"])).code).toBe(0);
    // The detached process is the slim entry (dist/sampler.js: no commander, report or GitHub code).
    const pid = readFileSync(join(dir, PID_FILE), "utf8").trim();
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    expect(argv).toContain(join(dirname(distEntry("cli.js")), "sampler.js"));
    const stopped = await runBundledCli(["sampler", "stop", "--dir", dir]);
    expect(stopped.stderr).toContain("ml-footprint: sampler stopped");
  });
});
