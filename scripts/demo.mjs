// The README's first command: measure the example training job twice — the base configuration and a
// heavier "PR" configuration — then print the report and the PR comment ml-footprint would post.
// Offline: the grid intensity comes from the embedded dataset.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist", "cli.js");
const out = join(root, "out");
mkdirSync(out, { recursive: true });
const region = process.env.ML_FOOTPRINT_DEMO_REGION ?? "azure:eastus";

function run(args, label) {
  console.error(`\n$ ml-footprint ${args.join(" ")}`);
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`demo: ${label} failed with exit code ${result.status}`);
    process.exit(result.status ?? 1);
  }
}

// Measure the example training job with extra flags, writing out/<name>.json.
function measure(name, trainFlags) {
  const flags = ["--label", "train", "--region", region, "--no-progress", "--out", join(out, `${name}.json`)];
  run(["run", ...flags, "--", process.execPath, "examples/tfjs/train.mjs", ...trainFlags], `${name} run`);
}

measure("base", []);
measure("head", ["--hidden", "96"]);
console.error("\n== The PR comment ml-footprint would post (base: default example, head: --hidden 96):\n");
run(["compare", join(out, "base.json"), join(out, "head.json"), "--markdown"], "compare");
