#!/usr/bin/env node
// npm run validate:real — measure the real example training jobs (TensorFlow.js always, PyTorch when
// /usr/bin/python3 can import torch) with a bundle built from the current source, in wrap mode
// (`ml-footprint run`) and in the action's background mode (dist/main.js + dist/post.js driven with a
// runner-style environment), and check the reports against the processes' own timing and work counts.
// Prints a table; exits 1 when a check fails. Flags: --skip-torch, --keep (keep the temp dir).
// Internal: `validate-real.mjs --timed FILE -- cmd...` runs cmd and writes its wall time to FILE.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);

/** Run cmd, write {startMs,endMs,wallS}; start is this wrapper's own process start (performance.timeOrigin). */
async function timed(file, cmd) {
  const child = spawn(cmd[0], cmd.slice(1), { stdio: "inherit" });
  const code = await new Promise((done) => child.on("close", (c, signal) => done(c ?? (signal ? 128 : 1))));
  const startMs = performance.timeOrigin;
  const endMs = Date.now();
  writeFileSync(file, JSON.stringify({ startMs, endMs, wallS: (endMs - startMs) / 1_000 }));
  process.exitCode = code;
}

/** Child process with captured output, a bounded wait, and an optional per-line hook on stdout. */
function run(cmd, { env = {}, timeoutMs = 300_000, onLine } = {}) {
  return new Promise((done) => {
    const startMs = Date.now();
    const child = spawn(cmd[0], cmd.slice(1), { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    let pending = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (d) => {
      stdout += d;
      pending += d;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) onLine?.(line);
    });
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, wallS: (Date.now() - startMs) / 1_000 });
    });
  });
}

const results = [];
function check(name, figure, expected, ok) {
  results.push({ name, figure, expected, ok });
}
const cpus = availableParallelism();
const pct = (x) => `${(x * 100).toFixed(1)} %`;
const trainTime = (out) => Number(/training time=([\d.]+)s/.exec(out)?.[1] ?? NaN);

function componentsOf(report) {
  const byName = new Map();
  for (const phase of report.phases)
    for (const c of phase.components) byName.set(c.component, (byName.get(c.component) ?? 0) + c.energyWh);
  return byName;
}

function checkComponents(label, report) {
  const comps = componentsOf(report);
  const text = [...comps].map(([k, v]) => `${k} ${(v * 1_000).toFixed(2)} mWh`).join(", ");
  check(
    `${label}: energy > 0 per component`,
    text || "none",
    "each > 0",
    comps.size > 0 && [...comps.values()].every((v) => v > 0),
  );
}

async function wrap(tmp, cli, fw, epochs, extra = []) {
  const tag = `${fw.name}-e${epochs}${extra.length ? "-bad" : ""}`;
  const out = join(tmp, `${tag}.json`);
  const timing = join(tmp, `${tag}.timing.json`);
  const job = [...fw.command, "--epochs", String(epochs), ...extra];
  const res = await run([
    process.execPath,
    cli,
    "run",
    "--region",
    "azure:eastus",
    "--no-progress",
    "--out",
    out,
    "--",
    process.execPath,
    join(ROOT, "scripts/validate-real.mjs"),
    "--timed",
    timing,
    "--",
    ...job,
  ]);
  const report = existsSync(out) ? JSON.parse(readFileSync(out, "utf8")) : null;
  const wall = existsSync(timing) ? JSON.parse(readFileSync(timing, "utf8")) : null;
  return { res, report, wall, trainS: trainTime(res.stdout) };
}

async function wrapChecks(tmp, cli, fw) {
  const base = await wrap(tmp, cli, fw, fw.epochs);
  const double = await wrap(tmp, cli, fw, fw.epochs * 2);
  for (const [runName, r] of [
    [`e${fw.epochs}`, base],
    [`e${fw.epochs * 2}`, double],
  ]) {
    const label = `${fw.name} wrap ${runName}`;
    if (!r.report || !r.wall) {
      check(`${label}: report written`, `exit ${r.res.code}`, "report + timing", false);
      process.stderr.write(r.res.stderr.slice(-2_000));
      continue;
    }
    const err = (r.report.durationS - r.wall.wallS) / r.wall.wallS;
    check(
      `${label}: duration vs child wall time`,
      `${r.report.durationS.toFixed(3)} s vs ${r.wall.wallS.toFixed(3)} s (${pct(err)}; training loop ${r.trainS.toFixed(2)} s)`,
      "within 1 %",
      Math.abs(err) <= 0.01,
    );
    check(
      `${label}: exit code passes through`,
      `cli ${r.res.code}, report ${r.report.exitCode}`,
      "0 and 0",
      r.res.code === 0 && r.report.exitCode === 0,
    );
    checkComponents(label, r.report);
  }
  if (base.report && double.report) {
    const ratio = double.report.energyWh / base.report.energyWh;
    check(
      `${fw.name} wrap: energy ×2 epochs`,
      `${(base.report.energyWh * 1_000).toFixed(2)} → ${(double.report.energyWh * 1_000).toFixed(2)} mWh, ratio ${ratio.toFixed(3)}`,
      "2 ± 10 %",
      Math.abs(ratio / 2 - 1) <= 0.1,
    );
    const a = base.report.work?.whPer1k?.samples;
    const b = double.report.work?.whPer1k?.samples;
    const steady = a && b ? b / a : NaN;
    check(
      `${fw.name} wrap: Wh per 1k samples`,
      `${(a * 1_000).toFixed(4)} → ${(b * 1_000).toFixed(4)} mWh/1k, ratio ${steady.toFixed(3)}`,
      "1 ± 10 %",
      Math.abs(steady - 1) <= 0.1,
    );
  }
  const bad = await wrap(tmp, cli, fw, fw.epochs, ["--no-such-flag"]);
  check(
    `${fw.name} wrap: failing run`,
    `cli exit ${bad.res.code}, report exitCode ${bad.report?.exitCode}`,
    "2 and 2",
    bad.res.code === 2 && bad.report?.exitCode === 2,
  );
}

/** GITHUB_STATE / GITHUB_OUTPUT file commands: `name<<DELIM` … `DELIM` blocks. */
function parseFileCommands(text) {
  const out = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (!m) continue;
    const value = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]);
    out[m[1]] = value.join("\n");
  }
  return out;
}

async function background(tmp, distDir, fw) {
  const runnerTemp = join(tmp, `${fw.name}-runner`);
  mkdirSync(runnerTemp, { recursive: true });
  const metrics = join(runnerTemp, "metrics.json");
  const common = {
    RUNNER_TEMP: runnerTemp,
    INPUT_REGION: "azure:eastus",
    ML_FOOTPRINT_METRICS: metrics,
    GITHUB_ACTIONS: "true",
  };
  const step = async (entry, stepEnv) => {
    const files = {
      GITHUB_STATE: join(runnerTemp, `state-${Math.random()}`),
      GITHUB_OUTPUT: join(runnerTemp, `out-${Math.random()}`),
    };
    for (const f of Object.values(files)) writeFileSync(f, "");
    const r = await run([process.execPath, join(distDir, entry)], {
      env: { ...common, ...files, ...stepEnv },
      timeoutMs: 60_000,
    });
    return { ...r, state: parseFileCommands(readFileSync(files.GITHUB_STATE, "utf8")) };
  };
  const t0 = Date.now();
  const first = await step("main.js", { INPUT_PHASE: "setup" });
  const marks = [];
  // Later footprint steps mark the phases, as `uses: …@v1 with: { phase: … }` steps do on a runner.
  const job = await run([...fw.command, "--epochs", String(fw.epochs), "--idle-seconds", "5"], {
    env: { ML_FOOTPRINT_METRICS: metrics },
    onLine: (line) => {
      if (/^idle [\d.]+ s before training/.test(line)) marks.push(step("main.js", { INPUT_PHASE: "idle" }));
      else if (/^(tfjs|torch) .*epochs=/.test(line)) marks.push(step("main.js", { INPUT_PHASE: "train" }));
    },
  });
  await Promise.all(marks);
  const stateEnv = Object.fromEntries(Object.entries(first.state).map(([k, v]) => [`STATE_${k}`, v]));
  const post = await step("post.js", stateEnv);
  const t1 = Date.now();
  const label = `${fw.name} background`;
  const reportPath = join(runnerTemp, "ml-footprint", "report", "ml-footprint-report.json");
  if (!existsSync(reportPath)) {
    check(`${label}: report written`, `main ${first.code}, post ${post.code}`, "report", false);
    process.stderr.write(first.stdout + first.stderr + post.stdout + post.stderr);
    return;
  }
  const report = JSON.parse(readFileSync(reportPath, "utf8"));
  const phase = (name) => report.phases.find((p) => p.name === name);
  const idle = phase("idle");
  const train = phase("train");
  const iu = idle?.meanCpuUtil ?? NaN;
  const tu = train?.meanCpuUtil ?? NaN;
  // /proc/stat utilization is machine-wide: other processes fill an "idle" phase on a busy machine.
  const busy = loadavg()[0] >= cpus;
  const utilText = `${pct(iu)} (${idle?.durationS.toFixed(1)} s) vs ${pct(tu)} (${train?.durationS.toFixed(1)} s)`;
  check(
    `${label}: idle vs train meanCpuUtil`,
    `${utilText}${busy ? `; load ${loadavg()[0].toFixed(1)} ≥ ${cpus} vCPUs` : ""}`,
    "train ≥ idle + 10 points",
    tu - iu >= 0.1 ? true : busy ? "skip" : false,
  );
  const phaseSum = report.phases.reduce((s, p) => s + p.durationS, 0);
  check(
    `${label}: phases add up to the duration`,
    `${phaseSum.toFixed(3)} s vs ${report.durationS.toFixed(3)} s`,
    "within 1 %",
    Math.abs(phaseSum / report.durationS - 1) <= 0.01,
  );
  const outer = (t1 - t0) / 1_000;
  check(
    `${label}: duration covers the job`,
    `job ${job.wallS.toFixed(2)} s ≤ report ${report.durationS.toFixed(2)} s ≤ steps ${outer.toFixed(2)} s`,
    "contained",
    job.wallS <= report.durationS && report.durationS <= outer,
  );
  check(
    `${label}: job and steps succeed`,
    `job ${job.code}, main ${first.code}, post ${post.code}`,
    "0, 0, 0",
    job.code === 0 && first.code === 0 && post.code === 0,
  );
  checkComponents(label, report);
  check(
    `${label}: work counted`,
    `${report.work?.units?.samples ?? "none"} samples`,
    "present",
    (report.work?.units?.samples ?? 0) > 0,
  );
}

async function main() {
  const skipTorch = args.includes("--skip-torch");
  const tmp = mkdtempSync(join(tmpdir(), "ml-footprint-validate-"));
  const distDir = join(tmp, "dist");
  const build = spawnSync(process.execPath, [join(ROOT, "scripts/build.mjs"), "--outdir", distDir], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (build.status !== 0) return 1;
  const cli = join(distDir, "cli.js");
  const frameworks = [
    { name: "tfjs", command: [process.execPath, join(ROOT, "examples/tfjs/train.mjs")], epochs: 30 },
  ];
  const torch = spawnSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" });
  if (!skipTorch && torch.status === 0)
    frameworks.push({
      name: "pytorch",
      command: ["/usr/bin/python3", join(ROOT, "examples/pytorch/train.py")],
      epochs: 8,
    });
  const loadBefore = loadavg()[0];
  const powercap = existsSync("/sys/class/powercap") ? "present" : "absent (CPU is modelled)";
  for (const fw of frameworks) {
    await wrapChecks(tmp, cli, fw);
    await background(tmp, distDir, fw);
  }
  const width = Math.max(...results.map((r) => r.name.length));
  const status = (r) => (r.ok === "skip" ? "SKIP" : r.ok ? "ok  " : "FAIL");
  const lines = results.map((r) => `${status(r)}  ${r.name.padEnd(width)}  ${r.figure}  [${r.expected}]`);
  process.stdout.write(
    `\nml-footprint validate:real — ${frameworks.map((f) => f.name).join(", ")}${torch.status === 0 ? "" : " (PyTorch not importable by /usr/bin/python3: skipped)"}\n` +
      `load average ${loadBefore.toFixed(2)} → ${loadavg()[0].toFixed(2)} on ${cpus}` +
      ` vCPUs; /sys/class/powercap ${powercap}\n\n${lines.join("\n")}\n`,
  );
  if (args.includes("--keep")) process.stdout.write(`\nreports kept in ${tmp}\n`);
  else rmSync(tmp, { recursive: true, force: true });
  const failed = results.filter((r) => r.ok === false).length;
  const skipped = results.filter((r) => r.ok === "skip").length;
  process.stdout.write(
    `\n${results.length - failed - skipped}/${results.length} checks passed` +
      `${skipped ? `, ${skipped} skipped because the machine was busy (run again when the load is below ${cpus})` : ""}\n`,
  );
  return failed === 0 ? 0 : 1;
}

// Last, so that every const above is initialised before the top-level await runs.
if (args[0] === "--timed") await timed(args[1], args.slice(3));
else process.exitCode = await main();
