/** Parses rendered markdown with marked (GFM) and reports what a hostile input could have smuggled in. */
import { marked, type Token, type Tokens } from "marked";

/** Raw HTML we emit ourselves; anything else in the output came from an input. */
const OWN_HTML =
  /^(<!-- ml-footprint:[A-Za-z0-9._/-]+ -->|<details><summary>[^<>]*<\/summary>|<\/details>|<sub>|<\/sub>|<br>)$/;

export interface Inspection {
  foreignHtml: string[];
  links: string[];
  tables: Tokens.Table[];
  markers: number;
  /** table lines whose unescaped pipe count differs from the header's */
  brokenRows: string[];
  unneutralisedMentions: number;
}

function unescapedPipes(line: string): number {
  let count = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] !== "|") continue;
    let backslashes = 0;
    for (let j = i - 1; j >= 0 && line[j] === "\\"; j--) backslashes++;
    if (backslashes % 2 === 0) count++;
  }
  return count;
}

export function inspectMarkdown(md: string): Inspection {
  const tokens = marked.lexer(md, { gfm: true });
  const foreignHtml: string[] = [];
  const links: string[] = [];
  const tables: Tokens.Table[] = [];
  marked.walkTokens(tokens, (token: Token) => {
    if (token.type === "html" && !OWN_HTML.test(token.raw.trim())) foreignHtml.push(token.raw);
    if (token.type === "link" || token.type === "image") links.push(token.raw);
    if (token.type === "table") tables.push(token as Tokens.Table);
  });
  const brokenRows: string[] = [];
  let expected: number | null = null;
  for (const line of md.split("\n")) {
    if (!line.startsWith("|")) {
      expected = null;
      continue;
    }
    const pipes = unescapedPipes(line);
    if (expected === null) expected = pipes;
    else if (pipes !== expected) brokenRows.push(line);
  }
  return {
    foreignHtml,
    links,
    tables,
    markers: md.split("<!--").length - 1,
    brokenRows,
    unneutralisedMentions: (md.match(/@(?!\u200D)/g) ?? []).length,
  };
}
