/** Run the bundled CLI as a real child process, the way users and the runner do. */
import { spawn } from "node:child_process";
import { distEntry } from "./dist.js";

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout text, first 1 MiB (a flood test counts bytes instead) */
  stdout: string;
  stdoutBytes: number;
  stderr: string;
}

const STDOUT_KEEP_BYTES = 1024 * 1024;

/** GPU measurement is off unless the test points ML_FOOTPRINT_NVIDIA_SMI at the fake. */
export function runBundledCli(
  args: string[],
  env: Record<string, string> = {},
  onSpawn?: (pid: number) => void,
): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [distEntry("cli.js"), ...args], {
      env: {
        ...process.env,
        ML_FOOTPRINT_NVIDIA_SMI: "/nonexistent/nvidia-smi",
        // The fake nvidia-smi is a node process: on a loaded CI machine its first block can take seconds.
        ML_FOOTPRINT_GPU_START_WAIT_MS: "60000",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stdoutBytes = 0;
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      if (stdoutBytes < STDOUT_KEEP_BYTES) stdout += d.toString();
      stdoutBytes += d.length;
    });
    child.stderr.on("data", (d) => (stderr += d));
    if (child.pid && onSpawn) onSpawn(child.pid);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stdoutBytes, stderr }));
  });
}

/** `run` with a fast interval and a fixed intensity (no region lookup), writing the report to `out`. */
export function fastRunArgs(out: string, command: string[]): string[] {
  return [
    "run",
    "--interval",
    "100ms",
    "--carbon-intensity",
    "100",
    "--no-progress",
    "--out",
    out,
    "--",
    ...command,
  ];
}
