#!/usr/bin/env node
/**
 * Refreshes data/sources/ccf/ from Cloud Carbon Footprint's packages on the npm registry (the ordinary `npm pack`
 * client, which checks each tarball against the registry's sha512 integrity). Only the few source files the dataset
 * build reads are kept, verbatim, with the package's LICENSE; data/sources/ccf/packages.json records version,
 * integrity and gitHead. Run by hand when CCF publishes new factors: `node data/fetch-ccf.mjs`, then
 * `node data/build-intensity.mjs` and review the diff of src/carbon/data/intensity.json.
 *
 * Why vendored and not devDependencies: the aws and azure packages pull ~290 runtime dependencies (aws-sdk v2, the
 * Azure SDKs, Google Cloud clients: ~330 MB) that the build never needs; the dataset build reads five .ts files.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, copyFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writePins } from "./pins.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, "sources", "ccf");

// aws@0.15.0 and azure@1.8.0 are the newest published; both depend on core ^0.17.3. core@1.0.0 (2026-08-17), the
// newest core, carries newer US NERC factors: the dataset takes the NERC table from it (data/README.md); 0.17.3 stays
// vendored as the version the aws/azure packages resolve, for comparison.
const PACKAGES = [
  {
    name: "@cloud-carbon-footprint/aws",
    version: "0.15.0",
    files: ["src/domain/AwsFootprintEstimationConstants.ts", "src/lib/AWSRegions.ts", "LICENSE"],
  },
  {
    name: "@cloud-carbon-footprint/azure",
    version: "1.8.0",
    files: ["src/domain/AzureFootprintEstimationConstants.ts", "src/lib/AzureRegions.ts", "LICENSE"],
  },
  {
    name: "@cloud-carbon-footprint/core",
    version: "0.17.3",
    files: ["src/FootprintEstimationConstants.ts", "LICENSE"],
  },
  {
    name: "@cloud-carbon-footprint/core",
    version: "1.0.0",
    files: ["src/FootprintEstimationConstants.ts", "LICENSE"],
  },
];

const work = mkdtempSync(join(tmpdir(), "ccf-"));
const record = [];
try {
  for (const pkg of PACKAGES) {
    const spec = `${pkg.name}@${pkg.version}`;
    const [info] = JSON.parse(
      execFileSync("npm", ["pack", spec, "--json", "--pack-destination", work], { encoding: "utf8" }),
    );
    const unpack = join(work, `${pkg.name.split("/")[1]}@${pkg.version}`);
    mkdirSync(unpack, { recursive: true });
    execFileSync("tar", ["xzf", join(work, info.filename), "-C", unpack]);
    const gitHead = execFileSync("npm", ["view", spec, "gitHead"], { encoding: "utf8" }).trim();
    const target = join(outDir, `${pkg.name.split("/")[1]}@${pkg.version}`);
    rmSync(target, { recursive: true, force: true });
    for (const file of pkg.files) {
      mkdirSync(dirname(join(target, file)), { recursive: true });
      copyFileSync(join(unpack, "package", file), join(target, file));
    }
    record.push({
      name: pkg.name,
      version: pkg.version,
      integrity: info.integrity,
      gitHead,
      files: pkg.files,
    });
  }
  writeFileSync(join(outDir, "packages.json"), `${JSON.stringify(record, null, 2)}\n`);
  writePins(
    Object.fromEntries(
      record.map((r) => [
        `ccf/${r.name.split("/")[1]}@${r.version}/`,
        `npm ${r.name}@${r.version} ${r.integrity}`,
      ]),
    ),
  );
  console.log(record.map((r) => `${r.name}@${r.version} ${r.integrity}`).join("\n"));
} finally {
  rmSync(work, { recursive: true, force: true });
}
