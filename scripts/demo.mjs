// The README's first command: measure the example training job twice — the base configuration and a
// heavier "PR" configuration (--hidden 96) — compare them, and write the PR comment ml-footprint would post
// to out/comment.md (and out/comment.html, as GitHub shows it). Prints the training logs, the reports, the comment, then a short
// summary. Offline: the grid intensity comes from the embedded dataset.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join, relative } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist", "cli.js");
const out = join(root, "out");
mkdirSync(out, { recursive: true });
const region = process.env.ML_FOOTPRINT_DEMO_REGION ?? "azure:eastus";
const started = Date.now();

function run(args, label, capture = false) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: root,
    stdio: capture ? ["ignore", "pipe", "inherit"] : "inherit",
    encoding: "utf8",
  });
  if (result.status !== 0) {
    console.error(`demo: ${label} failed with exit code ${result.status}`);
    process.exit(result.status ?? 1);
  }
  return result.stdout ?? "";
}

// Measure the example training job with extra flags, writing out/<name>.json.
function measure(name, trainFlags) {
  console.error(`\n── measuring the ${name} run: examples/tfjs/train.mjs ${trainFlags.join(" ")}`.trimEnd());
  const flags = ["--label", "train", "--region", region, "--no-progress", "--out", join(out, `${name}.json`)];
  run(["run", ...flags, "--", process.execPath, "examples/tfjs/train.mjs", ...trainFlags], `${name} run`);
  return JSON.parse(readFileSync(join(out, `${name}.json`), "utf8"));
}

const base = measure("base", []);
const head = measure("head", ["--hidden", "96"]);
const markdown = run(
  ["compare", join(out, "base.json"), join(out, "head.json"), "--markdown"],
  "compare",
  true,
);
const mdPath = join(out, "comment.md");
writeFileSync(mdPath, markdown);

let htmlLine = "";
try {
  // marked, github-markdown-css and mermaid are devDependencies: present after `npm ci`.
  const { commentPageFor } = await import("./comment-html.mjs");
  const htmlPath = join(out, "comment.html");
  writeFileSync(htmlPath, commentPageFor(htmlPath, markdown, { openDetails: ["📈"] }));
  htmlLine = `\n  ${relative(process.cwd(), htmlPath)}  as GitHub shows it (open it in a browser)`;
} catch (error) {
  htmlLine = `\n  (no HTML: ${error.message.split("\n")[0]}; run npm ci for the devDependencies)`;
}

const fmtEnergy = (wh) => (wh < 1 ? `${(wh * 1000).toPrecision(3)} mWh` : `${wh.toPrecision(3)} Wh`);
const fmtMass = (g) =>
  g === undefined ? "no CO2e" : g < 1 ? `${(g * 1000).toPrecision(3)} mg CO2e` : `${g.toPrecision(3)} g CO2e`;
const line = (name, r, note) =>
  `  ${name}  ${fmtEnergy(r.energyWh)} · ${fmtMass(r.carbon?.emissions.totalG)} · ${r.durationS.toFixed(0)} s  ${note}`;
const headline = (markdown.split("\n").find((l) => l.startsWith("### ")) ?? "")
  .slice(4)
  .replace(/\u00a0/g, " ");
const seconds = Math.round((Date.now() - started) / 1000);
// The comment as it would be posted, printed in full (collapsed sections included) and written to out/.
console.log(
  `\n----- the PR comment ml-footprint would post (markdown) -----\n${markdown.trimEnd()}\n----- end of the PR comment -----`,
);
console.log(`
ml-footprint demo, done in ${seconds} s (region ${region})
${line("base", base, "examples/tfjs/train.mjs")}
${line("head", head, 'the same with --hidden 96 (the "PR")')}
  ${headline}
The PR comment ml-footprint would post:
  ${relative(process.cwd(), mdPath)}    markdown, as posted${htmlLine}`);
