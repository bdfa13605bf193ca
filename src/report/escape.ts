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
  const flat = clip(
    String(text)
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ")
      .trim(),
    max,
  );
  return flat
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(BACKSLASH, (c) => `\\${c}`)
    .replace(/@/g, `@${ZWJ}`)
    .replace(/:\/\//g, `:${ZWJ}//`); // no bare-URL autolinks to attacker-chosen hosts
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
