// CLI smoke run for every runner kind (.github/workflows/ci.yml): measure a short busy loop with the bundled
// CLI, then check the report: valid JSON of the report schema, samples taken, the CPU figure's attribution named
// and the utilisation source this platform should use (cgroup or /proc/stat on Linux, os.cpus() elsewhere).
// Usage: node scripts/smoke-run.mjs <dist dir> <report path>
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [distDir, out] = process.argv.slice(2);
if (!distDir || !out) {
  console.error("usage: node scripts/smoke-run.mjs <dist dir> <report path>");
  process.exit(2);
}
const run = spawnSync(
  process.execPath,
  [
    join(distDir, "cli.js"),
    "run",
    "--interval",
    "200ms",
    "--carbon-intensity",
    "100",
    "--no-progress",
    "--out",
    out,
    "--",
    process.execPath,
    "-e",
    "const t=Date.now();while(Date.now()-t<1500);",
  ],
  { stdio: ["ignore", "inherit", "inherit"] },
);
const fail = (why) => {
  console.error(`smoke run: ${why}`);
  process.exit(1);
};
if (run.status !== 0) fail(`the CLI exited with ${run.status ?? run.signal}`);
const report = JSON.parse(readFileSync(out, "utf8"));
if (report.schema !== "ml-footprint/report@1") fail(`unexpected schema ${report.schema}`);
if (!(report.samples >= 3)) fail(`only ${report.samples} samples`);
if (!(report.energyWh > 0)) fail(`energy ${report.energyWh} Wh`);
const attribution = report.hardware.attribution;
if (!attribution) fail("the report names no attribution");
const expected = process.platform === "linux" ? ["cgroup-usage", "proc-stat"] : ["os-cpus"];
if (!expected.includes(attribution.cpuSource))
  fail(`utilisation from ${attribution.cpuSource}; expected ${expected.join(" or ")} on ${process.platform}`);
const cpu = report.phases[0].components.find((c) => c.component === "cpu");
if (!cpu) fail("no CPU component");
console.log(
  `smoke run ok on ${process.platform}/${process.arch}: ${report.energyWh.toFixed(4)} Wh, ${report.samples} samples, ` +
    `CPU ${cpu.method} (${attribution.scope}: ${attribution.reason}), utilisation ${report.phases[0].meanCpuUtil}`,
);
