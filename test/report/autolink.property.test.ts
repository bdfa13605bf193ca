/**
 * Generated strings against the real renderers: nothing escapeMarkdown, escapeHtmlText or sourceMarkdown
 * (with no trusted address) returns may become a link in cmark-gfm (GitHub's renderer, with its autolink
 * extension: extended www, url and email autolinks after every delimiter GFM allows) or in marked, nor a
 * mention or an issue reference (GitHub links those in the rendered text). cmark-gfm is a system package
 * (`apt-get install cmark-gfm`, done by .ci/run); without it the cmark-gfm half skips and says so.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { marked } from "marked";
import { escapeHtmlText, escapeMarkdown } from "../../src/report/escape.js";
import { sourceMarkdown } from "../../src/report/links.js";

const cmark = spawnSync("cmark-gfm", ["--version"], { encoding: "utf8" });
const hasCmark = cmark.status === 0;
if (!hasCmark)
  console.warn("cmark-gfm is not installed (apt-get install cmark-gfm): the cmark-gfm autolink checks skip");

/** Pieces an attacker combines: link starts, every delimiter GFM allows before one, and filler. */
const PIECES = [
  "www.",
  "WwW.",
  "www.evil.example",
  "evil.example/login",
  "http://",
  "https://",
  "ftp://",
  "HTTPS://",
  "mailto:",
  "xmpp:",
  "@",
  "a@b.co",
  "#",
  "#12",
  "GH-",
  "gh-7",
  "octo/repo",
  "_",
  "*",
  "~",
  "(",
  ")",
  "[",
  "]",
  "<",
  ">",
  "\\",
  "`",
  "!",
  ":",
  "/",
  ".",
  "-",
  "+",
  " ",
  "\n",
  "\t",
  "&",
  "&#64;",
  "&commat;",
  "\u200d",
  "a",
  "Z",
  "1",
  "é",
];
const hostile = fc
  .array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...PIECES) }, fc.string({ maxLength: 3 })), {
    maxLength: 14,
  })
  .map((parts) => parts.join(""));

/** The red team's strings, always checked. */
const KNOWN = [
  "eval_www.evil.example/login",
  "x_https://evil.example",
  "(www.evil.example)",
  "~www.evil.example",
  "*www.evil.example*",
  "a_b@evil.example",
  "mailto:a@evil.example",
  "xmpp:a@evil.example",
  "@octocat please look",
  "see #1 and octo/repo#2 and GH-3",
  "<https://evil.example>",
  "[x](https://evil.example)",
];

const contexts: Array<[string, (s: string) => string]> = [
  ["paragraph", (s) => escapeMarkdown(s, 500)],
  ["table cell", (s) => `| h |\n| - |\n| ${escapeMarkdown(s, 500)} |`],
  ["emphasis", (s) => `**${escapeMarkdown(s, 500)}**`],
  ["summary", (s) => `<details><summary>${escapeHtmlText(s, 500)}</summary>\n\nx\n\n</details>`],
  ["source line", (s) => sourceMarkdown(s, new Set(), 500)],
];

/** The text GitHub would see after rendering: tags removed, entities decoded. */
function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}

/** A mention or an issue reference as GitHub finds them in rendered text. */
const REFERENCE = /(?:^|[^\w`])@[A-Za-z0-9]|#\d|\bgh-\d|[\w.-]+\/[\w.-]+#\d/i;

function cmarkHtml(markdown: string): string {
  const out = spawnSync("cmark-gfm", ["-e", "autolink", "-e", "table", "-e", "strikethrough"], {
    input: markdown,
    encoding: "utf8",
  });
  if (out.status !== 0) throw new Error(`cmark-gfm failed: ${out.stderr}`);
  return out.stdout;
}

function markedHtml(markdown: string): string {
  return marked.parse(markdown, { gfm: true, async: false });
}

/** Code spans of a source line (untrusted addresses) are text, never links: drop them before looking. */
function withoutCode(html: string): string {
  return html.replace(/<code>[\s\S]*?<\/code>/g, "");
}

function check(render: (md: string) => string, input: string): void {
  for (const [name, wrap] of contexts) {
    const html = render(wrap(input));
    const where = `${name} of ${JSON.stringify(input)}: ${html}`;
    expect(html, where).not.toMatch(/<a[\s>]/);
    expect(visibleText(withoutCode(html)), where).not.toMatch(REFERENCE);
  }
}

describe("no generated string becomes a link, mention or reference", () => {
  it.skipIf(!hasCmark)("in cmark-gfm with the autolink extension (GitHub's renderer)", () => {
    for (const s of KNOWN) check(cmarkHtml, s);
    fc.assert(
      fc.property(hostile, (s) => check(cmarkHtml, s)),
      { numRuns: 150 },
    );
  });

  it("in marked (GFM)", () => {
    for (const s of KNOWN) check(markedHtml, s);
    fc.assert(
      fc.property(hostile, (s) => check(markedHtml, s)),
      { numRuns: 1500 },
    );
  });
});
