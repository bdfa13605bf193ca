/**
 * Source texts with web addresses, as markdown a reader can click or copy. Text around an address is escaped
 * like any other report string; the address itself is never escaped, clipped or cut with "…":
 * - an address the caller vouches for (our own dataset's sources, `trusted`) becomes a link, whole;
 * - any other address (a report may come from a fork's artifact) becomes inline code: copyable, not
 *   clickable, no autolink, no invisible character inside it.
 * Pure.
 */
import { escapeMarkdown } from "./escape.js";

/**
 * An address we render as it is: https only, none of the characters that could end a code span, a link
 * target or a table cell (backtick, pipe, angle brackets, quotes, spaces), no `@` (mentions).
 */
const URL_PATTERN = /https:\/\/[A-Za-z0-9.-]+(?:\/[A-Za-z0-9._~!$&'()*+,;=:%/?#-]*)?/g;
/** Longer addresses are not shown (a report's strings are capped; ours are ~200 characters). */
export const MAX_URL_CHARS = 300;

/** Punctuation that ends a sentence stays outside the address; a `)` that closes one inside stays in. */
function trimTrailing(url: string): string {
  let out = url;
  for (;;) {
    const last = out.at(-1) ?? "";
    if (".,;:!?".includes(last)) out = out.slice(0, -1);
    else if (last === ")" && (out.match(/\(/g) ?? []).length < (out.match(/\)/g) ?? []).length)
      out = out.slice(0, -1);
    else return out;
  }
}

type Part = { url: false; text: string } | { url: true; text: string };

function parts(text: string): Part[] {
  const out: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_PATTERN)) {
    const url = trimTrailing(m[0]);
    if (m.index > last) out.push({ url: false, text: text.slice(last, m.index) });
    out.push({ url: true, text: url });
    last = m.index + url.length;
  }
  if (last < text.length) out.push({ url: false, text: text.slice(last) });
  return out;
}

/** escapeMarkdown that keeps the spaces at either end (it trims). */
function escapeKeepingEdges(text: string, max: number): string {
  const lead = /^\s*/.exec(text)?.[0] ? " " : "";
  const trail = /\s$/.test(text) ? " " : "";
  const inner = text.trim();
  return inner ? `${lead}${escapeMarkdown(inner, max)}${trail}` : lead || trail;
}

/** One address as markdown: a whole link when trusted, inline code otherwise. */
export function urlMarkdown(url: string, trusted: ReadonlySet<string>): string {
  if (url.length > MAX_URL_CHARS) return "(address too long to show)";
  return trusted.has(url) ? `<${url}>` : `\`${url}\``;
}

/**
 * `text` as one line of markdown with its addresses whole. Our dataset's source lines read
 * "title — https://… (licence)" (or "title — detail — https://…"): a trusted address there becomes
 * "[title](https://…) (licence)" (or "[title](https://…) — detail (licence)").
 * `max` bounds each text part (clipped with "…"), never an address.
 */
export function sourceMarkdown(text: string, trusted: ReadonlySet<string>, max = 200): string {
  const flat = String(text)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ")
    .trim();
  const list = parts(flat);
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const part = list[i] as Part;
    const next = list[i + 1];
    if (
      !part.url &&
      next?.url &&
      trusted.has(next.text) &&
      next.text.length <= MAX_URL_CHARS &&
      / — $/.test(part.text)
    ) {
      // "title — detail — url" → "[title](url) — detail": the link's text is the title, whole
      const [title = "", ...detail] = part.text.replace(/ — $/, "").split(" — ");
      const lead = /^\s/.test(title) ? " " : "";
      const rest = detail.length ? ` — ${escapeMarkdown(detail.join(" — "), max)}` : "";
      out.push(`${lead}[${escapeMarkdown(title.trim(), max)}](${next.text})${rest}`);
      i += 1;
    } else if (part.url) out.push(urlMarkdown(part.text, trusted));
    else out.push(escapeKeepingEdges(part.text, max));
  }
  return out.join("").trim();
}

/** Every https address in `text`, whole (for collecting the trusted set from our own data). */
export function urlsIn(text: string): string[] {
  return parts(text)
    .filter((p) => p.url)
    .map((p) => p.text);
}
