/**
 * Pins of every vendored source file: data/sources/pins.json maps each file under data/sources/ (except itself) to its
 * sha256 and where it came from. `node data/build-intensity.mjs --check` (run by the tests and the build) fails when a
 * file drifts from its pin, a pinned file is missing, or a file is not pinned. The fetch scripts rewrite the pins after
 * a refresh (`writePins`), so a changed source is always a reviewed diff of pins.json.
 */
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "sources");
const pinsPath = join(root, "pins.json");

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

const sha256 = (path) => createHash("sha256").update(readFileSync(path)).digest("hex");

/** Problems found (empty when every vendored file matches its pin). */
export function checkPins(sourcesRoot = root) {
  const pins = JSON.parse(readFileSync(join(sourcesRoot, "pins.json"), "utf8"));
  const problems = [];
  const seen = new Set();
  for (const path of files(sourcesRoot)) {
    const rel = relative(sourcesRoot, path).split("\\").join("/");
    if (rel === "pins.json") continue;
    seen.add(rel);
    const pin = pins.files[rel];
    if (!pin) problems.push(`${rel}: not pinned in data/sources/pins.json`);
    else if (pin.sha256 !== sha256(path))
      problems.push(`${rel}: sha256 ${sha256(path)} differs from its pin ${pin.sha256} (${pin.from})`);
  }
  for (const rel of Object.keys(pins.files)) if (!seen.has(rel)) problems.push(`${rel}: pinned but missing`);
  return problems;
}

/** Rewrites pins.json for the current files; `from` names the origin of new or changed files by path prefix. */
export function writePins(fromByPrefix) {
  const old = (() => {
    try {
      return JSON.parse(readFileSync(pinsPath, "utf8")).files;
    } catch {
      return {};
    }
  })();
  const out = {};
  for (const path of files(root).sort()) {
    const rel = relative(root, path).split("\\").join("/");
    if (rel === "pins.json") continue;
    const prefix = Object.keys(fromByPrefix).find((p) => rel.startsWith(p));
    out[rel] = { sha256: sha256(path), from: prefix ? fromByPrefix[prefix] : (old[rel]?.from ?? "unknown") };
  }
  writeFileSync(pinsPath, `${JSON.stringify({ files: out }, null, 2)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = checkPins();
  for (const p of problems) console.error(p);
  process.exit(problems.length > 0 ? 1 : 0);
}
