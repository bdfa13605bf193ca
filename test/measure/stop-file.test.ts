/**
 * Stopping the background sampler without POSIX signals (Windows): a stop file the sampler looks for on its tick.
 * Real processes, the bundled CLI.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  isAlive,
  PID_FILE,
  SAMPLES_FILE,
  samplerProcess,
  STOP_FILE,
  stopBackgroundSampler,
} from "../../src/measure/background.js";
import { runBundledCli } from "../support/cli.js";
import { alive, lineCount, tmp, waitFor } from "../reliability/helpers.js";

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) if (alive(pid)) process.kill(pid, "SIGKILL");
});

async function startSampler(dir: string): Promise<number> {
  const result = await runBundledCli(["sampler", "start", "--dir", dir, "--interval", "100ms"]);
  expect(result.code, result.stderr).toBe(0);
  const pid = Number(readFileSync(join(dir, PID_FILE), "utf8").trim());
  started.push(pid);
  return pid;
}

describe("the stop file", () => {
  it("stops the sampler at its next tick, which writes its last sample and the end line (no signal sent)", async () => {
    const dir = tmp("mlf-stop-");
    const pid = await startSampler(dir);
    await waitFor("a meta line and 3 samples", () => lineCount(join(dir, SAMPLES_FILE)) >= 4);
    writeFileSync(join(dir, STOP_FILE), "");
    await waitFor("the sampler to exit on its own", () => !alive(pid), 30_000);
    const lines = readFileSync(join(dir, SAMPLES_FILE), "utf8").trim().split("\n");
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ t: "end" });
    expect(JSON.parse(lines.at(-2)!)).toMatchObject({ t: "s" });
  });

  it("stopBackgroundSampler on Windows asks through the file only, and waits for the sampler to finish", async () => {
    const dir = tmp("mlf-stop-");
    const pid = await startSampler(dir);
    await waitFor("a meta line and 2 samples", () => lineCount(join(dir, SAMPLES_FILE)) >= 3);
    expect(await stopBackgroundSampler(dir, 30_000, {}, "win32")).toBe("stopped");
    expect(isAlive(pid)).toBe(false); // exited (a zombie until its new parent reaps it counts as exited)
    expect(readFileSync(join(dir, SAMPLES_FILE), "utf8")).toContain('"t":"end"');
  });

  it("a stop file left in a reused state directory does not stop the next sampler", async () => {
    const dir = tmp("mlf-stop-");
    writeFileSync(join(dir, STOP_FILE), "left over");
    const pid = await startSampler(dir);
    await waitFor("a meta line and 4 samples", () => lineCount(join(dir, SAMPLES_FILE)) >= 5);
    expect(alive(pid)).toBe(true);
    expect(readFileSync(join(dir, SAMPLES_FILE), "utf8")).not.toContain('"t":"end"');
  });
});

describe("liveness without /proc (macOS, Windows)", () => {
  it("a live pid whose samples keep being written is not trusted without the token on its command line", async () => {
    const dir = tmp("mlf-stop-");
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
    started.push(other.pid!);
    writeFileSync(join(dir, PID_FILE), `${other.pid}\n`);
    writeFileSync(join(dir, SAMPLES_FILE), '{"t":"meta","v":1,"startMs":0,"intervalMs":1000}\n');
    const noProc = join(dir, "no-proc");
    // fresh samples are no proof (the heartbeat rule this replaced trusted them): the token decides
    expect(samplerProcess(dir, { procRoot: noProc })).toBeNull();
    expect(await stopBackgroundSampler(dir, 1_000, { procRoot: noProc })).toBe("not-running");
    expect(alive(other.pid!)).toBe(true);
  });
});
