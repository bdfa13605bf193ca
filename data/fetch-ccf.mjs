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

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, "sources", "ccf");

// aws@0.15.0 and azure@1.8.0 are the newest published; both depend on core ^0.17.3, so core 0.17.3 is the NERC table
// they compute with (one vintage). core 1.0.0 exists but is not what these packages resolve (see data/README.md).
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
];

const work = mkdtempSync(join(tmpdir(), "ccf-"));
const record = [];
try {
  for (const pkg of PACKAGES) {
    const spec = `${pkg.name}@${pkg.version}`;
    const [info] = JSON.parse(
      execFileSync("npm", ["pack", spec, "--json", "--pack-destination", work], { encoding: "utf8" }),
    );
    const unpack = join(work, pkg.name.split("/")[1]);
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
  console.log(record.map((r) => `${r.name}@${r.version} ${r.integrity}`).join("\n"));
} finally {
  rmSync(work, { recursive: true, force: true });
}
