#!/usr/bin/env node
// Rewrites the README "Errors" section (between <!-- errors:start --> and <!-- errors:end -->) from the
// bad-input catalogue in test/support/errors-catalogue.ts. `--check` exits 1 instead when the README differs.
// test/reliability/bad-inputs.test.ts runs the same comparison, so a stale table fails the tests.
import { readFileSync, writeFileSync } from "node:fs";
import { register } from "tsx/esm/api";

register();
const { replaceErrorsSection } = await import("./errors-readme.ts");
const path = new URL("../README.md", import.meta.url);
const current = readFileSync(path, "utf8");
const next = replaceErrorsSection(current);
if (process.argv.includes("--check")) {
  if (current !== next) {
    process.stderr.write(
      "README.md: the Errors section differs from the catalogue; run node scripts/errors-table.mjs\n",
    );
    process.exit(1);
  }
} else if (current !== next) {
  writeFileSync(path, next);
  process.stderr.write("README.md: Errors section rewritten\n");
}
