// `npm run render:comment`: the pictures of the PR comment in docs/ (README shows them), made from the
// current renderer (src/, loaded through tsx) and rendered the way GitHub shows a comment: marked (GFM) +
// github-markdown-css, Mermaid drawn in the page, screenshot by headless Debian Chromium (playwright-core
// drives it; no browser download). Installs `chromium` and `fonts-noto-color-emoji` with apt-get when missing.
//
//   docs/comment.png         the demo's comment (out/base.json vs out/head.json; runs `npm run demo` first
//                            when they are missing)
//   docs/comment-matrix.png  a matrix of three jobs with five base runs each, the trend opened
//   docs/comment-budget.png  the demo's comparison with budgets that fail
//
// Options (test/scripts/render-comment.test.ts uses them): `--reports BASE HEAD` instead of the demo's,
// `--out DIR` instead of docs/, `--html` to also write each page as DIR/<name>.html, `--no-install` to never
// run apt-get: without Chromium it then writes the HTML only and says so (exit 0).
// Look at the pictures before committing them.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { pictures, screenshot, writePages } from "./comment-pictures.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const { parseReportJson } = await import("../src/model/report.ts");

const args = process.argv.slice(2);
const option = (name, count = 1) => {
  const at = args.indexOf(name);
  return at < 0 ? null : args.slice(at + 1, at + 1 + count);
};
const noInstall = args.includes("--no-install");
const outDir = resolve(option("--out")?.[0] ?? join(root, "docs"));

function installed(pkg) {
  return spawnSync("dpkg-query", ["-W", "-f=${Status}", pkg], { encoding: "utf8" }).stdout?.includes(
    "ok installed",
  );
}

/** Whether Chromium is there to take screenshots, installing it (and the emoji font) unless --no-install. */
function ensureBrowser() {
  if (noInstall) return existsSync(CHROMIUM);
  const missing = ["chromium", "fonts-noto-color-emoji"].filter((p) => !installed(p));
  if (missing.length === 0 && existsSync(CHROMIUM)) return true;
  console.error(`render:comment: installing ${missing.join(" ")} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "--no-install-recommends", ...missing], {
    stdio: "inherit",
    env,
  });
  return true;
}

function reports() {
  const given = option("--reports", 2);
  const [base, head] = given ?? [join(root, "out", "base.json"), join(root, "out", "head.json")];
  if (!given && (!existsSync(base) || !existsSync(head))) {
    console.error("render:comment: no demo reports in out/; running npm run demo first");
    execFileSync(process.execPath, [join(root, "scripts", "demo.mjs")], { stdio: "inherit", cwd: root });
  }
  return {
    base: parseReportJson(readFileSync(base, "utf8"), base),
    head: parseReportJson(readFileSync(head, "utf8"), head),
  };
}

const browser = ensureBrowser();
const { base, head } = reports();
const list = pictures(base, head);
mkdirSync(outDir, { recursive: true });
if (args.includes("--html") || !browser)
  for (const page of writePages(list, outDir)) console.error(`render:comment: wrote ${page}`);
if (browser) await screenshot(list, outDir, CHROMIUM);
else console.error(`render:comment: no Chromium at ${CHROMIUM} (--no-install): wrote the HTML pages only`);
