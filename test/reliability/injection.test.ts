/**
 * Markdown/HTML injection through every user- or artifact-controlled string, checked on the HTML a GFM
 * renderer (marked) makes of the comment and of the job summary — what a browser would get. Complements
 * test/report/render.test.ts ("hostile labels", which checks marked's tokens): here matrix values, branch
 * names and whole base reports that arrived in an untrusted artifact zip, and the final HTML.
 * Also the untrusted-zip caps that test/github/baseline.test.ts does not cover.
 */
import { strToU8, zipSync } from "fflate";
import { marked } from "marked";
import { describe, expect, it } from "vitest";
import { reportFromZip } from "../../src/github/report-zip.js";
import { unzipUntrusted, UnsafeArchiveError } from "../../src/github/unzip.js";
import { compareReports } from "../../src/report/compare.js";
import { renderComment, renderSummary } from "../../src/report/render-markdown.js";
import { buildCommentModel } from "../../src/report/render-model.js";
import type { Report } from "../../src/model/report.js";
import { makeReport } from "../report/make-report.js";

const HOSTILE = [
  "<img src=x onerror=alert(1)>",
  "<script>alert(document.cookie)</script>",
  "</details><details open><summary>pwned</summary>",
  "| a | b | c |",
  "<!-- ml-footprint:other -->",
  "--> <!--",
  "[click](javascript:alert(1))",
  "![x](https://evil.example/x.png)",
  "<a href=//evil.example>x</a>",
  "<svg/onload=alert(1)>",
  "@everyone @octo/team",
  "line\nbreak | x\n\n# heading",
  "```\ncode fence",
  "&lt;script&gt;alert(1)&lt;/script&gt;",
  "https://evil.example/auto",
  "<sub>fake</sub><br><b>bold</b>",
  "\u202Eexe.gnp",
  "${{ secrets.GITHUB_TOKEN }}",
];

/** Tags our renderers and GFM produce for plain content; anything else came from an input. */
const ALLOWED_TAGS = new Set(
  "p h1 h2 h3 h4 h5 h6 table thead tbody tr th td details summary br sub sup b strong em code pre ul ol li hr blockquote del".split(
    " ",
  ),
);
/** Attributes marked emits itself (alignment of table cells, the language of a code fence). */
const ALLOWED_ATTRIBUTES = /^(align="(left|right|center)"|class="language-[a-z]+")$/;

function inspectHtml(html: string) {
  const html0 = html.replace(/<pre><code[^>]*>[\s\S]*?<\/code><\/pre>/g, "<pre><code></code></pre>");
  const tags = [...html0.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)];
  const foreignTags = tags.filter((m) => !ALLOWED_TAGS.has(m[1]!.toLowerCase())).map((m) => m[0]);
  const foreignAttributes = tags
    .map((m) => m[2]!.trim())
    .filter((attrs) => attrs !== "" && !ALLOWED_ATTRIBUTES.test(attrs));
  const tables = [...html0.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((t) =>
    [...t[1]!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => (r[1]!.match(/<t[hd][ >]/g) ?? []).length),
  );
  return {
    foreignTags,
    foreignAttributes,
    tables,
    comments: (html0.match(/<!--/g) ?? []).length,
    detailsBalance: (html0.match(/<details>/g) ?? []).length - (html0.match(/<\/details>/g) ?? []).length,
  };
}

function hostileReport(i: number, createdAt: string): Report {
  const label = HOSTILE[i % HOSTILE.length]!;
  return makeReport({
    key: `job-${i}`,
    job: label,
    matrix: { python: label, "os<b>": `${label} ${i}` },
    phases: { [label]: 10 + i, [`eval ${label}`]: 2 },
    gpus: [label],
    command: `python train.py --name '${label}'`,
    warnings: [label],
    createdAt,
  });
}

/** A base report as it arrives from another run's artifact: a zip, unzipped under the caps, zod-validated. */
function viaArtifact(report: Report): Report {
  const zip = zipSync({ "ml-footprint-report.json": strToU8(JSON.stringify(report)) });
  return reportFromZip(zip, "artifact ml-footprint-x");
}

function render(): string[] {
  const jobs = HOSTILE.map((_, i) => {
    const head = hostileReport(i, "2026-11-25T10:00:00.000Z");
    const history = [viaArtifact(hostileReport(i + 1, "2026-11-24T10:00:00.000Z"))];
    return { head, history, comparison: compareReports(head, history) };
  });
  const outputs: string[] = [];
  for (const baseRef of HOSTILE) {
    const model = buildCommentModel({
      key: "train",
      reports: jobs.slice(0, 6),
      budgets: [],
      baseRef,
      baseSha: "abc1234ffff",
      toolVersion: "0.1.0",
    });
    outputs.push(renderComment(model), renderSummary(model));
  }
  const all = buildCommentModel({
    key: "train",
    reports: jobs,
    budgets: [],
    baseRef: "feature/<img src=x onerror=alert(1)>",
    baseSha: "abc1234ffff",
    toolVersion: "0.1.0",
  });
  outputs.push(renderComment(all), renderSummary(all));
  return outputs;
}

describe("injection through labels, commands, branch names, matrix values and artifact contents", () => {
  const outputs = render();

  it("the GFM HTML has no active HTML: only the allowed tags, no foreign attributes", () => {
    for (const md of outputs) {
      const check = inspectHtml(marked.parse(md, { gfm: true, async: false }));
      expect(check.foreignTags).toEqual([]);
      expect(check.foreignAttributes).toEqual([]);
      expect(check.detailsBalance).toBe(0);
    }
  });

  it("no broken table: every row has the header's number of cells", () => {
    for (const md of outputs) {
      const check = inspectHtml(marked.parse(md, { gfm: true, async: false }));
      expect(check.tables.length).toBeGreaterThan(0);
      for (const rows of check.tables) for (const cells of rows) expect(cells).toBe(rows[0]);
    }
  });

  it("exactly one marker in the comment (none in the summary), and it is ours", () => {
    const comments = outputs.filter((_, i) => i % 2 === 0);
    for (const md of comments) {
      expect(md.split("<!--").length - 1).toBe(1);
      expect(md.split("\n")[0]).toBe("<!-- ml-footprint:train -->");
      expect(inspectHtml(marked.parse(md, { gfm: true, async: false })).comments).toBe(1);
    }
    for (const md of outputs.filter((_, i) => i % 2 === 1)) expect(md).not.toContain("<!--");
  });

  it("no links or images from inputs reach the HTML (link text stays inert text)", () => {
    for (const md of outputs) {
      const html = marked.parse(md, { gfm: true, async: false });
      expect(html).not.toMatch(/<a[\s>]|<img[\s>]/i); // tags only: escaped "&lt;img src=" is text
    }
    const htmls = outputs.map((md) => marked.parse(md, { gfm: true, async: false }));
    expect(htmls.some((html) => html.includes("javascript:alert(1)"))).toBe(true); // there, as text
  });
});

describe("untrusted artifact zips (caps not covered in test/github/baseline.test.ts)", () => {
  const json = strToU8('{"a":1}');

  it("rejects more entries than the cap before inflating any", () => {
    const entries = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`r${i}.json`, json]));
    expect(() => unzipUntrusted(zipSync(entries), "artifact", () => true)).toThrow(
      new UnsafeArchiveError("artifact: more than 100 zip entries"),
    );
    expect(unzipUntrusted(zipSync(entries), "artifact", () => true, { maxEntries: 101 }).size).toBe(101);
  });

  it.each([
    "/etc/passwd",
    "\\windows\\system32\\x.json",
    "C:report.json",
    "a/../../x.json",
    "a\\..\\x.json",
    "x\0.json",
  ])("rejects the unsafe entry name %j", (name) => {
    expect(() => unzipUntrusted(zipSync({ [name]: json }), "artifact", () => true)).toThrow(
      /artifact: unsafe zip entry name/,
    );
  });

  it("rejects a corrupt or non-zip download as unsafe, not with a crash", () => {
    for (const bytes of [
      strToU8("<html>502 Bad Gateway</html>"),
      new Uint8Array(0),
      zipSync({ "r.json": json }).slice(0, 30),
    ]) {
      expect(() => unzipUntrusted(bytes, "artifact", () => true)).toThrow(UnsafeArchiveError);
    }
  });

  it("a header that lies about the uncompressed size cannot smuggle more bytes than the cap", () => {
    const big = new Uint8Array(2 * 1024 * 1024).fill(65); // compresses to a few KiB
    const zip = zipSync({ "r.json": big }, { level: 9 });
    // Patch the central directory's uncompressed size (offset 24 of the entry) to claim 10 bytes.
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    for (let at = 0; at < zip.length - 4; at++) {
      if (view.getUint32(at, true) === 0x02014b50) view.setUint32(at + 24, 10, true);
      if (view.getUint32(at, true) === 0x04034b50) view.setUint32(at + 22, 10, true);
    }
    let total = 0;
    try {
      for (const data of unzipUntrusted(zip, "artifact", () => true, { maxTotalBytes: 1024 }).values())
        total += data.byteLength;
    } catch (error) {
      expect(error).toBeInstanceOf(UnsafeArchiveError);
    }
    expect(total).toBeLessThanOrEqual(1024);
  });

  it("a report artifact with a valid zip but hostile JSON is rejected by the schema, naming the artifact", () => {
    const zip = zipSync({
      "ml-footprint-report.json": strToU8('{"schema":"ml-footprint/report@1","energyWh":-1}'),
    });
    expect(() => reportFromZip(zip, "artifact ml-footprint-x")).toThrow(/artifact ml-footprint-x/);
  });
});
