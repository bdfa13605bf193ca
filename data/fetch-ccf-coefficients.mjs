#!/usr/bin/env node
/**
 * Refreshes data/sources/ccf-coefficients@<commit>/ from Cloud Carbon Footprint's coefficients repository
 * (github.com/cloud-carbon-footprint/ccf-coefficients, Apache-2.0): the per-microarchitecture CPU watts that
 * src/measure/cpu-power.ts cites (MICROARCHITECTURES; a test compares the code with this file). Files are taken at a
 * pinned commit and checked against the sha256 in data/sources/pins.json; `--update` accepts new content and rewrites
 * the pins (review the diff). Newest commit when pinned: b0032d9 (2026-04-24, "add new SPEC power results").
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkPins, writePins } from "./pins.mjs";

const COMMIT = "b0032d928c787cf76cecd7d1d611c5b46f366e29";
const FILES = ["output/coefficients-aws-use.csv", "LICENSE"];
const here = dirname(fileURLToPath(import.meta.url));
const dir = join(here, "sources", `ccf-coefficients@${COMMIT.slice(0, 7)}`);

for (const file of FILES) {
  const url = `https://raw.githubusercontent.com/cloud-carbon-footprint/ccf-coefficients/${COMMIT}/${file}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const body = Buffer.from(await response.arrayBuffer());
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), body);
  console.log(`${file} sha256 ${createHash("sha256").update(body).digest("hex")}`);
}
if (process.argv.includes("--update")) {
  writePins({
    [`ccf-coefficients@${COMMIT.slice(0, 7)}/`]: `github cloud-carbon-footprint/ccf-coefficients@${COMMIT}`,
  });
} else {
  const problems = checkPins();
  if (problems.length > 0) {
    for (const p of problems) console.error(p);
    process.exit(1);
  }
}
