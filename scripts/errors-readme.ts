/**
 * The README "Errors" section, rendered from the bad-input catalogue (test/support/errors-catalogue.ts).
 * Used by scripts/errors-table.mjs (rewrite or --check) and by test/reliability/bad-inputs.test.ts.
 */
import { BAD_INPUTS, type BadInput } from "../test/support/errors-catalogue.js";

function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/`/g, "'");
}

/** The README "Errors" section body (between the markers), rendered from the catalogue. */
export function renderErrorsTable(entries: readonly BadInput[] = BAD_INPUTS): string {
  const rows = entries.map((e) => {
    const value = e.display ?? (e.surface === "cli" ? `ml-footprint ${e.value}` : JSON.stringify(e.value));
    return `| ${e.surface === "action" ? `\`${e.input}\`` : `CLI \`${e.input}\``} | \`${cell(value)}\` | \`${cell(e.message)}\` |`;
  });
  return [
    "## Errors",
    "",
    "Every bad input fails at once with one line that names the input, the value and what is accepted",
    "(action inputs fail the step before anything is measured; the CLI exits 2). This table is generated",
    "from `test/support/errors-catalogue.ts` by `node scripts/errors-table.mjs`, and",
    "`test/reliability/bad-inputs.test.ts` checks every row against the code, so it cannot drift.",
    "",
    "| input | value | message |",
    "|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}

export const ERRORS_START = "<!-- errors:start -->";
export const ERRORS_END = "<!-- errors:end -->";

/** `readme` with the section between the markers replaced (markers appended at the end when missing). */
export function replaceErrorsSection(readme: string, table = renderErrorsTable()): string {
  const start = readme.indexOf(ERRORS_START);
  const end = readme.indexOf(ERRORS_END);
  const block = `${ERRORS_START}\n${table}${ERRORS_END}`;
  if (start === -1 || end === -1 || end < start) return `${readme.trimEnd()}\n\n${block}\n`;
  return `${readme.slice(0, start)}${block}${readme.slice(end + ERRORS_END.length)}`;
}
