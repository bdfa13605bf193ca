// The pictures `npm run render:comment` makes (scripts/render-comment.mjs): each comment's markdown from the
// current renderer (src/, loaded through tsx), its page as GitHub shows it (comment-html.mjs), and a
// screenshot by headless Chromium. test/scripts/render-comment.test.ts runs it with the fixture reports.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commentPage, commentPageFor, COMMENT_WIDTH_PX, fileUrl } from "./comment-html.mjs";

const { compareReports } = await import("../src/report/compare.ts");
const { evaluateBudgets } = await import("../src/report/budgets.ts");
const { buildCommentModel } = await import("../src/report/render-model.ts");
const { renderComment } = await import("../src/report/render-markdown.ts");
const { commentCarbonExtras } = await import("../src/carbon/advice.ts");

/** The demo's comment, wired as `ml-footprint compare base.json head.json --markdown` wires it. */
export function demoComment(base, head, budgets = []) {
  const comparison = compareReports(head, [base]);
  return renderComment(
    buildCommentModel({
      key: head.identity.key || "local",
      reports: [{ head, comparison, history: [base] }],
      budgets: budgets.length ? evaluateBudgets({ report: head, comparison, budgets: budgets[0] }) : [],
      baseRef: base.identity.headRef || base.identity.ref || "base",
      baseSha: base.identity.sha || null,
      toolVersion: head.tool.version,
      ...commentCarbonExtras([head]),
    }),
  );
}

/** A deterministic stand-in for run-to-run noise (no Math.random: the picture is reproducible). */
const wobble = (i, j) => 1 + 0.025 * Math.sin(i * 2.3 + j * 1.7);

function scaled(report, factor, identity, createdAt) {
  const copy = JSON.parse(JSON.stringify(report));
  const s = (v) => v * factor;
  copy.identity = { ...copy.identity, ...identity };
  copy.createdAt = createdAt;
  for (const k of ["energyWh", "lowWh", "highWh", "durationS"]) copy[k] = s(copy[k]);
  for (const p of copy.phases) {
    for (const k of ["energyWh", "lowWh", "highWh", "durationS"]) p[k] = s(p[k]);
    for (const c of p.components) for (const k of ["energyWh", "lowWh", "highWh"]) c[k] = s(c[k]);
  }
  if (copy.carbon) {
    for (const k of Object.keys(copy.carbon.emissions))
      copy.carbon.emissions[k] = s(copy.carbon.emissions[k]);
    for (const p of copy.carbon.phaseEmissionsG) for (const k of ["totalG", "lowG", "highG"]) p[k] = s(p[k]);
  }
  copy.work = null;
  return copy;
}

/** Three matrix jobs made from the demo's head report: one 30 % heavier in this PR, two within noise. */
export function matrixComment(head) {
  const jobs = [
    { key: "train (py3.11, resnet18)", job: "train", factor: 1.0, change: 1.3 },
    { key: "train (py3.12, resnet18)", job: "train", factor: 1.05, change: 1.01 },
    { key: "eval (py3.12)", job: "eval", factor: 0.25, change: 0.99 },
  ].map((spec, i) => {
    const history = Array.from({ length: 5 }, (_, j) => {
      const sha = ["4f2a9c1", "9be0d37", "1c7e5a2", "e83b6f0", "07d4c9e"][j] + "0".repeat(33);
      const day = new Date(Date.parse("2026-11-27T09:00:00Z") - j * 86_400_000).toISOString();
      return scaled(head, spec.factor * wobble(i, j), { key: spec.key, job: spec.job, sha }, day);
    });
    const pr = scaled(
      head,
      spec.factor * spec.change,
      { key: spec.key, job: spec.job, sha: "5d1f0aa" + "0".repeat(33) },
      "2026-11-28T10:00:00.000Z",
    );
    return { head: pr, history, comparison: compareReports(pr, history) };
  });
  return renderComment(
    buildCommentModel({
      key: "report",
      reports: jobs,
      budgets: [],
      baseRef: "main",
      baseSha: "4f2a9c1" + "0".repeat(33),
      toolVersion: head.tool.version,
      ...commentCarbonExtras(jobs.map((j) => j.head)),
    }),
  );
}

/** The pictures of docs/: the demo's comment, a matrix of three jobs, and the demo over budget. */
export function pictures(base, head) {
  return [
    { name: "comment", markdown: demoComment(base, head) },
    { name: "comment-matrix", markdown: matrixComment(head), open: ["📈 Trend of train (py3.11"] },
    {
      name: "comment-budget",
      markdown: demoComment(base, head, [{ emissionsG: 0.1, maxIncreasePercent: 10 }]),
    },
  ];
}

/** Each picture's page as HTML (`<name>.html` in `outDir`, mermaid loaded from node_modules). */
export function writePages(list, outDir) {
  return list.map((p) => {
    const htmlPath = join(outDir, `${p.name}.html`);
    writeFileSync(htmlPath, commentPageFor(htmlPath, p.markdown, { openDetails: p.open ?? [] }));
    return htmlPath;
  });
}

/** Screenshots (`<name>.png` in `outDir`) by headless Chromium at `chromiumPath`, driven by playwright-core. */
export async function screenshot(list, outDir, chromiumPath) {
  const { chromium } = await import("playwright-core");
  const userDataDir = mkdtempSync(join(tmpdir(), "ml-footprint-chromium-"));
  const pages = mkdtempSync(join(tmpdir(), "ml-footprint-pages-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: COMMENT_WIDTH_PX + 32, height: 900 },
    deviceScaleFactor: 2,
    offline: true,
  });
  try {
    for (const p of list) {
      const htmlPath = join(pages, `${p.name}.html`);
      writeFileSync(htmlPath, commentPage(p.markdown, { openDetails: p.open ?? [] }));
      const page = await context.newPage();
      await page.goto(fileUrl(htmlPath));
      await page.waitForFunction("document.body.dataset.rendered", null, { timeout: 60_000 });
      const state = await page.evaluate("document.body.dataset.rendered");
      if (state !== "true") throw new Error(`${p.name}: the page did not render: ${state}`);
      const out = join(outDir, `${p.name}.png`);
      await page.locator(".frame").screenshot({ path: out });
      console.error(`render:comment: wrote ${out}`);
      await page.close();
    }
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
    rmSync(pages, { recursive: true, force: true });
  }
}
