// Bundle the entry points into dist/ (committed; CI rebuilds and fails when dist/ differs).
// Code splitting keeps heavy, rarely used code (artifact client, Octokit) in lazily imported chunks, so
// starting a measurement stays fast and the detached sampler process stays small.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
// `--outdir DIR` builds elsewhere (the tests bundle into a temporary directory of their own).
const outArg = process.argv.indexOf("--outdir");
const outdir = outArg > 0 ? process.argv[outArg + 1] : "dist";
rmSync(outdir, { recursive: true, force: true });

// @actions/core's core.js imports its OIDC client (getIDToken: @actions/http-client and undici, ~420 KiB) and
// @actions/exec (core.platform) at the top, so a plain import loads them into every step. We call neither:
// importing @actions/core cost 0.23 CPU-s instead of node's own 0.11 (bundled, 2026-11-30). The two modules
// are swapped for stubs that throw if ever called; the artifact client brings its own http-client when it loads.
const unusedActionsCoreModules = {
  name: "unused-actions-core-modules",
  setup(b) {
    b.onResolve({ filter: /^\.\/(oidc-utils|platform)\.js$/ }, (args) =>
      /[\\/]@actions[\\/]core[\\/]lib[\\/]core\.js$/.test(args.importer)
        ? { path: args.path, namespace: "unused-actions-core" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "unused-actions-core" }, (args) => ({
      contents: args.path.includes("oidc")
        ? 'export class OidcClient { static getIDToken() { throw new Error("ml-footprint does not bundle @actions/core getIDToken"); } }'
        : "export {};",
      loader: "js",
    }));
  },
};

await build({
  plugins: [unusedActionsCoreModules],
  // sampler: the slim entry of the detached background sampler (src/sampler.ts): no commander, report or GitHub code.
  entryPoints: { cli: "src/cli.ts", main: "src/main.ts", post: "src/post.ts", sampler: "src/sampler.ts" },
  outdir,
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
// The NVML counter helper runs as its own python3 process (src/measure/sources/nvml.ts): shipped beside the
// entry points, where defaultNvmlHelperPath() looks for it.
copyFileSync("src/measure/sources/nvml_reader.py", join(outdir, "nvml_reader.py"));
// NVML is read inside the detached sampler process through Koffi's prebuilt Node-API binary (nvml-ffi.ts), one
// per runner platform, vendored with their checksums (scripts/vendor-koffi.mjs); nvml-ffi.ts looks for them in
// dist/koffi/<triplet>/. The licence travels with them.
const koffi = JSON.parse(readFileSync("vendor/koffi/manifest.json", "utf8"));
for (const file of [...Object.keys(koffi.files), "LICENSE.txt", "manifest.json"]) {
  mkdirSync(join(outdir, "koffi", file, ".."), { recursive: true });
  copyFileSync(join("vendor", "koffi", file), join(outdir, "koffi", file));
}
