/** Shared helpers for the benchmarks: process CPU time, child runs, bundling, formatting. */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat (proc(5); 100 on every mainstream Linux build). */
const CLOCK_TICKS_PER_S = 100;

/**
 * On-CPU time of a live process in seconds. Sums /proc/<pid>/task/<tid>/schedstat (nanoseconds, all
 * threads: node's GC and libuv threads count); falls back to utime+stime in clock ticks (10 ms resolution).
 * With `children`, also adds cutime+cstime: CPU of children it has waited for (the shell loop's cat/awk).
 */
export function processCpuS(pid: number, opts: { children?: boolean } = {}): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the ")" that closes comm: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = (i: number) => Number(fields[i - 3] ?? 0);
    let seconds = (ticks(14) + ticks(15)) / CLOCK_TICKS_PER_S;
    if (!opts.children) {
      try {
        let ns = 0;
        for (const tid of readdirSync(`/proc/${pid}/task`)) {
          ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
        }
        if (ns > 0) seconds = ns / 1e9;
      } catch {
        // schedstat needs CONFIG_SCHEDSTATS; tick counts remain
      }
    } else {
      seconds += (ticks(16) + ticks(17)) / CLOCK_TICKS_PER_S;
    }
    return seconds;
  } catch {
    return null;
  }
}

/** Live children of `pid` (proc(5) stat field 4, ppid) with their command names. */
export function childrenOf(pid: number): { pid: number; comm: string }[] {
  const out: { pid: number; comm: string }[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^[0-9]+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid)
        out.push({ pid: Number(name), comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The argv of a detached sampler as the action spawns it (startBackgroundSampler): node options, entry, flags. */
export function detachedSamplerArgs(
  entry: string,
  dir: string,
  phase: string,
  nodeFlags: string[],
): string[] {
  return [...nodeFlags, entry, "sampler", "run", "--dir", dir, "--interval", "1s", "--phase", phase];
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

/** Run a process to completion (bounded), capturing output and wall time. */
export function runChild(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 120_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, wallMs: performance.now() - started });
    });
  });
}

/** Run a bundled bench child that prints one JSON line on stdout; returns the parsed value. */
export async function runJsonChild<T>(script: string, args: string[], env?: NodeJS.ProcessEnv): Promise<T> {
  const result = await runChild(process.execPath, [script, ...args], { env, timeoutMs: 300_000 });
  if (result.code !== 0)
    throw new Error(`${script} ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  const last = result.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(last) as T;
}

/** Bundle the bench children the way dist/ is bundled, so they run production code without a TS loader. */
export async function bundleChildren(outdir: string, entries: Record<string, string>): Promise<void> {
  await build({
    entryPoints: entries,
    outdir,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    define: { __ML_FOOTPRINT_VERSION__: JSON.stringify("0.0.0-bench") },
    banner: {
      js: "import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);",
    },
    logLevel: "warning",
  });
}

export function fileSize(path: string): number {
  try {
    return readFileSync(path).byteLength;
  } catch {
    return 0;
  }
}

export function dirFiles(dir: string): { path: string; bytes: number }[] {
  const out: { path: string; bytes: number }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...dirFiles(path));
    else out.push({ path, bytes: fileSize(path) });
  }
  return out;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

export const pct = (x: number, digits = 3) => `${(x * 100).toFixed(digits)} %`;
export const ms = (x: number) => `${x.toFixed(0)} ms`;
export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
export const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** A result row: what was measured, its value, the goal and whether it was met (null: no goal). */
export interface Figure {
  section: string;
  name: string;
  value: string;
  goal?: string;
  met?: boolean | null;
}

export function printTable(title: string, rows: string[][]): void {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  process.stdout.write(`\n## ${title}\n`);
  for (const [n, row] of rows.entries()) {
    process.stdout.write(`| ${row.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |\n`);
    if (n === 0) process.stdout.write(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|\n`);
  }
}
