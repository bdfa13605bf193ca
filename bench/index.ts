/**
 * `npm run bench`: every figure of issue 8, measured side by side in one run and printed as tables with
 * the goal and whether it was met. Flags: see USAGE (`npm run bench -- --help`).
 * No timed assertions anywhere: the figures are for reading and for BENCHMARKS.md.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchAccuracy } from "./accuracy.js";
import { benchActionTime } from "./action-time.js";
import { benchLongJobs } from "./long-jobs.js";
import { benchWide } from "./wide.js";
import { benchSamplerOverhead, overheadTable } from "./sampler-overhead.js";
import { benchVerdict } from "./verdict.js";
import { bundleChildren, printTable, type Figure } from "./util.js";

const USAGE = `usage: npm run bench -- [--duration S] [--warmup S] [--quick] [--only 1,2,…] [--json FILE]

  --duration S   steady-state window of section 1 (sampler overhead), seconds (default 30; --quick 10)
  --warmup S     start-up part of section 1: CPU in the first S seconds after spawn (default 30; --quick 15)
  --baseline-dist DIR  section 1 also runs DIR/cli.js (an older build's dist/) side by side, as a regression check
  --quick        10 s window and smaller traces: a CI-sized run
  --only LIST    sections to run (default all): 1 sampler overhead, 2 action time and bundle, 3 long jobs,
                 4 wide workflows, 5 API economy (with 2), 6 accuracy, 7 verdict statistics
  --json FILE    also write every figure as JSON
  -h, --help     this text
`;
const { values } = parseArgs({
  options: {
    duration: { type: "string" },
    warmup: { type: "string" },
    "baseline-dist": { type: "string" },
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    json: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const quick = values.quick;
const durationS = Number(values.duration ?? (quick ? 10 : 30));
if (!Number.isFinite(durationS) || durationS < 2) {
  throw new Error(`--duration: "${values.duration}" is not valid; accepted: a number of seconds ≥ 2`);
}
const warmupS = Number(values.warmup ?? (quick ? 15 : 30));
if (!Number.isFinite(warmupS) || warmupS < 1) {
  throw new Error(`--warmup: "${values.warmup}" is not valid; accepted: a number of seconds ≥ 1`);
}
const only = new Set((values.only ?? "1,2,3,4,5,6,7").split(",").map((s) => s.trim()));

const tmp = mkdtempSync(join(tmpdir(), "ml-footprint-bench-"));
const distDir = join(tmp, "dist");
const childDir = join(tmp, "children");
const figures: Figure[] = [];
const started = performance.now();
try {
  process.stdout.write(
    `ml-footprint bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, ` +
      `${quick ? "quick" : "full"} run, sampler window ${durationS} s, load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(" ")}\n`,
  );
  execFileSync(process.execPath, ["scripts/build.mjs", "--outdir", distDir], { stdio: "inherit" });
  await bundleChildren(childDir, {
    "long-job": "bench/children/long-job.ts",
    wide: "bench/children/wide.ts",
  });

  if (only.has("1")) {
    const { rows, figures: f } = await benchSamplerOverhead({
      tmp,
      distDir,
      durationS,
      warmupS,
      ...(values["baseline-dist"] ? { baselineDist: values["baseline-dist"] } : {}),
    });
    printTable(
      `1. Sampler overhead: start-up (first ${warmupS} s) and steady state (${durationS} s window), all side by side (* not the tool's own)`,
      overheadTable(rows, warmupS),
    );
    figures.push(...f);
  }

  if (only.has("2") || only.has("5")) {
    const r = await benchActionTime({ tmp, distDir, reps: quick ? 3 : 5 });
    printTable("2. Time the action adds to a job (bundled main.js + post.js, loopback API fakes)", r.timing);
    printTable("2. Bundle size", r.bundle);
    printTable("5. API economy (requests counted by the fake GitHub API)", r.api);
    figures.push(...r.figures);
  }

  if (only.has("3")) {
    const r = await benchLongJobs({ tmp, childDir, hours: quick ? [1, 6] : [1, 24] });
    printTable("3. Long jobs (one child process per trace)", r.rows);
    figures.push(...r.figures);
  }

  if (only.has("4")) {
    const r = await benchWide({ childDir, sizes: [10, 100, 1_000] });
    printTable("4. Wide workflows: N job reports → one comment (one child process per N)", r.rows);
    figures.push(...r.figures);
  }

  if (only.has("6")) {
    const r = benchAccuracy();
    printTable("6. Accuracy: sampled power (trapezoid) vs exact energy, 20 phase offsets each", r.rows);
    figures.push(...r.figures);
  }

  if (only.has("7")) {
    const trials = quick ? 300 : 2_000;
    const r = benchVerdict({ trials });
    printTable(
      `7. Verdict statistics: simulated comments, ${trials} seeded trials per cell (false alarms of the whole comment and of the total at no change; how often the total is called an increase)`,
      r.rows,
    );
    figures.push(...r.figures);
  }

  printTable("Goals", [
    ["§", "figure", "value", "goal", "met"],
    ...figures.map((f) => [
      f.section,
      f.name,
      f.value,
      f.goal ?? "",
      f.met == null ? "—" : f.met ? "yes" : "NO",
    ]),
  ]);
  process.stdout.write(
    `\nload average at the end ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}\n`,
  );
  process.stdout.write(`\nbench took ${((performance.now() - started) / 1_000).toFixed(1)} s\n`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
