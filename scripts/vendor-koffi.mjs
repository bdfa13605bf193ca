// Vendor Koffi's prebuilt Node-API binaries (the FFI that reads NVML inside the sampler process,
// src/measure/sources/nvml-ffi.ts) from the npm registry into vendor/koffi/, and record what was taken in
// vendor/koffi/manifest.json. Run by hand to update: `node scripts/vendor-koffi.mjs 3.3.4`.
//
// Why vendored, not an npm dependency: `npm ci` installs only the running platform's @koromix/koffi-<os>-<cpu>
// package, and the action's dist/ must carry the binaries of every runner it reads NVML on (Linux x64 and
// arm64, glibc). npm pack checks each tarball against the registry's integrity; the manifest keeps that
// integrity and each binary's SHA-256, which test/build/vendor-koffi.test.ts checks against the files.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** npm package → the directory inside it (Koffi's own triplet names, as its loader uses them). */
const PLATFORMS = [
  { pkg: "@koromix/koffi-linux-x64", triplet: "linux_x64" },
  { pkg: "@koromix/koffi-linux-arm64", triplet: "linux_arm64" },
];
const version = process.argv[2];
if (!version || !/^\d+\.\d+\.\d+$/.test(version)) {
  console.error("usage: node scripts/vendor-koffi.mjs <koffi version, e.g. 3.3.4>");
  process.exit(2);
}
const out = new URL("../vendor/koffi/", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "mlf-koffi-"));
try {
  const files = {};
  for (const { pkg, triplet } of PLATFORMS) {
    const spec = `${pkg}@${version}`;
    const [packed] = JSON.parse(
      execFileSync("npm", ["pack", spec, "--json", "--pack-destination", tmp], { encoding: "utf8" }),
    );
    execFileSync("tar", ["-xzf", join(tmp, packed.filename), "-C", tmp]);
    const binary = join(tmp, "package", triplet, "koffi.node");
    mkdirSync(join(out, triplet), { recursive: true });
    copyFileSync(binary, join(out, triplet, "koffi.node"));
    files[`${triplet}/koffi.node`] = {
      package: spec,
      tarball: `https://registry.npmjs.org/${pkg}/-/${pkg.split("/")[1]}-${version}.tgz`,
      integrity: packed.integrity,
      sha256: createHash("sha256").update(readFileSync(binary)).digest("hex"),
    };
    rmSync(join(tmp, "package"), { recursive: true, force: true });
  }
  // The licence text comes from the main package (the platform packages carry none).
  const [main] = JSON.parse(
    execFileSync("npm", ["pack", `koffi@${version}`, "--json", "--pack-destination", tmp], {
      encoding: "utf8",
    }),
  );
  execFileSync("tar", ["-xzf", join(tmp, main.filename), "-C", tmp, "package/LICENSE.txt"]);
  copyFileSync(join(tmp, "package", "LICENSE.txt"), join(out, "LICENSE.txt"));
  const manifest = { name: "koffi", version, license: "MIT", homepage: "https://koffi.dev/", files };
  writeFileSync(join(out, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`vendor/koffi: koffi ${version}, ${Object.keys(files).join(", ")}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
