// Bundle the entry points into dist/ (committed; CI rebuilds and fails when dist/ differs).
// Code splitting keeps heavy, rarely used code (artifact client, Octokit) in lazily imported chunks, so
// starting a measurement stays fast and the detached sampler process stays small.
import { build } from "esbuild";
import { readFileSync, rmSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });

await build({
  entryPoints: { cli: "src/cli.ts", main: "src/main.ts", post: "src/post.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minify: true,
  legalComments: "none",
  chunkNames: "chunks/[name]-[hash]",
  define: { __ML_FOOTPRINT_VERSION__: JSON.stringify(pkg.version) },
  // Several dependencies are CommonJS and call require() for Node built-ins.
  banner: {
    js: "#!/usr/bin/env node\nimport{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
});
