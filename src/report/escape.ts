/**
 * Escaping for everything user-controlled that reaches markdown: phase names, keys, branch names, commands,
 * matrix values, warnings, CPU/GPU names from (possibly fork-made) artifacts. The output of `escapeMarkdown`
 * is inert text in GFM: no HTML, no links, no emphasis, no table-cell breaks, no mentions, and it can never
 * contain `<!--` or `-->`, so it cannot open or close our hidden marker.
 */

/** Characters with markdown meaning that a backslash neutralises (GFM: any ASCII punctuation may be escaped). */
const BACKSLASH = /[\\`*_[\]{}()#+!|~$]/g;
const ZWJ = "\u200D";

/** Longest label kept in a cell; longer ones end with "…" (the full text stays in the report artifact). */
export const MAX_LABEL_CHARS = 80;

/** Cut to `max` characters (by code point, so no surrogate half is left) with an ellipsis. */
export function clip(text: string, max = MAX_LABEL_CHARS): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : text;
}

/**
 * Inert markdown text for a table cell or a line. Newlines and control characters → space; `& < >` → HTML
 * entities (so no tag, comment or autolink `<http://…>` can start); markdown punctuation → backslash escapes
 * (`\|` keeps table columns intact); `@name` → `@\u200Dname` (no mention ping); leading `-`/`=`/digits+`.` cannot
 * start a list or heading inside a cell since cells are inline. Clips to `max` characters first.
 */
export function escapeMarkdown(text: string, max = MAX_LABEL_CHARS): string {
  return neutraliseLinks(entities(flatClip(text, max)).replace(BACKSLASH, (c) => `\\${c}`));
}

/** One line, control characters → space, trimmed, clipped to `max` characters. */
function flatClip(text: string, max: number): string {
  return clip(
    String(text)
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ")
      .trim(),
    max,
  );
}

function entities(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** No mention, autolink or reference can start in `text` (GitHub links them in text nodes, HTML or not). */
function neutraliseLinks(text: string): string {
  return (
    text
      .replace(/@/g, `@${ZWJ}`) // mentions, and every email autolink (bare, mailto:, xmpp:) needs an @
      .replace(/:\/\//g, `:${ZWJ}//`) // http://, https://, ftp:// and any scheme://
      // GFM's extended www. autolink (www.evil.example/login): cmark-gfm starts one after a space, the line's
      // start or any of `*`, `_`, `~`, `(`, and marked after any character, so every `www.` is broken, not
      // only one at a word boundary (`\b` misses `eval_www.`)
      .replace(/(www)\./gi, `$1${ZWJ}.`)
      .replace(/#/g, `#${ZWJ}`) // #123 and owner/repo#123 references (they back-link from the target)
      .replace(/(gh)-(?=[0-9])/gi, `$1${ZWJ}-`)
  ); // GH-123 references
}

/**
 * Text for a terminal: every ANSI/VT control sequence (CSI such as colours and cursor moves, OSC 8 hidden
 * links, OSC 52 clipboard writes, DCS/APC/PM/SOS strings) and every other C0/C1 control character is
 * removed; tab and newline stay. Used on everything `compare` and `history` print, which comes from report
 * files that may have been made by anyone.
 */
export function stripTerminalControls(text: string): string {
  return (
    String(text)
      // OSC, DCS, SOS, PM, APC strings: ESC ] / P / X / ^ / _ (or their C1 forms) up to BEL, ST or the end
      // eslint-disable-next-line no-control-regex
      .replace(/(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[\s\S]*?(?:\u0007|\u001b\\|\u009c|$)/g, "")
      // CSI: ESC [ or C1 0x9b, parameters, intermediates, one final byte
      // eslint-disable-next-line no-control-regex
      .replace(/(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?/g, "")
      // other two-byte escapes (ESC c reset, ESC 7/8, charset selection ESC ( B, …)
      // eslint-disable-next-line no-control-regex
      .replace(/\u001b[\u0020-\u002f]*[\u0030-\u007e]?/g, "")
      // remaining C0 (but tab and newline), DEL, C1, and bidi overrides that reorder what is shown
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, "")
  );
}

/**
 * A key safe inside `<!-- ml-footprint:<key> -->`: letters, digits, `.`, `_`, `/`, `-` only, no `--` run
 * (which could end the comment), at most 100 characters; "default" when nothing is left.
 */
export function sanitizeMarkerKey(key: string): string {
  const cleaned = key
    .replace(/[^A-Za-z0-9._/-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 100)
    .replace(/-+$/g, "");
  return cleaned === "" ? "default" : cleaned;
}

/** The hidden marker line that identifies our sticky comment for `key`. */
export function commentMarker(key: string): string {
  return `<!-- ml-footprint:${sanitizeMarkerKey(key)} -->`;
}

/** A label for inside a Mermaid code block: no quotes, backticks, brackets or newlines can survive. */
export function mermaidLabel(text: string, max = 24): string {
  const cleaned = text
    .replace(/[^A-Za-z0-9 ._/+:-]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return clip(cleaned, max) || "?";
}

/**
 * Inert text for inside our raw HTML (a `<summary>` line, where markdown is not processed, so backslash
 * escapes would show): control characters → space, `& < >` → entities, no mention, autolink or reference.
 */
export function escapeHtmlText(text: string, max = MAX_LABEL_CHARS): string {
  return neutraliseLinks(entities(flatClip(text, max)));
}
