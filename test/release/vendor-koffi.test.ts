/**
 * The vendored Koffi binaries (vendor/koffi, scripts/vendor-koffi.mjs) are the ones the manifest names: each
 * file's SHA-256 as recorded when it was taken from its npm tarball, the licence beside them, and the build
 * ships exactly them in dist/koffi (the committed dist/ and the test run's fresh build alike).
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import { describe, expect, it } from "vitest";

interface Manifest {
  name: string;
  version: string;
  license: string;
  files: Record<string, { package: string; tarball: string; integrity: string; sha256: string }>;
}

const manifest = JSON.parse(readFileSync("vendor/koffi/manifest.json", "utf8")) as Manifest;
const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("vendor/koffi", () => {
  it("holds the Linux x64 and arm64 binaries of one Koffi version, from their npm packages, with the MIT licence", () => {
    expect(manifest.name).toBe("koffi");
    expect(manifest.license).toBe("MIT");
    expect(Object.keys(manifest.files).sort()).toEqual(["linux_arm64/koffi.node", "linux_x64/koffi.node"]);
    for (const [file, entry] of Object.entries(manifest.files)) {
      const triplet = file.split("/")[0]!.replace("_", "-");
      expect(entry.package).toBe(`@koromix/koffi-${triplet}@${manifest.version}`);
      expect(entry.tarball).toMatch(/^https:\/\/registry\.npmjs\.org\/@koromix\//);
      expect(entry.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    }
    expect(readFileSync("vendor/koffi/LICENSE.txt", "utf8")).toMatch(
      /MIT License|Permission is hereby granted/,
    );
  });

  it("each binary is the one recorded (SHA-256), and the build ships it unchanged in dist/koffi", () => {
    const fresh = inject("distDir");
    for (const [file, entry] of Object.entries(manifest.files)) {
      expect(sha256(join("vendor/koffi", file)), file).toBe(entry.sha256);
      for (const dist of ["dist", fresh]) {
        const shipped = join(dist, "koffi", file);
        expect(existsSync(shipped), shipped).toBe(true);
        expect(sha256(shipped), shipped).toBe(entry.sha256);
      }
    }
    for (const dist of ["dist", fresh])
      expect(readFileSync(join(dist, "koffi", "LICENSE.txt"), "utf8")).toBe(
        readFileSync("vendor/koffi/LICENSE.txt", "utf8"),
      );
  });
});
