// The CLI installs outside a clone: `npm pack` holds the bundle, action.yml, the JSON Schema, README and LICENSE
// (nothing else), and the packed tarball, installed into an empty directory without network, runs
// `ml-footprint --version`, `estimate` and `schema`. The bundle is self-contained, so the package declares no
// runtime dependencies: an install downloads nothing else.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { distEntry } from "../support/dist.js";

interface Pkg {
  version: string;
  bin: Record<string, string>;
  files: string[];
  dependencies?: Record<string, string>;
}
/** The `run: |` script of the release.yml step with this name, de-indented. */
function stepScript(name: string): string {
  const lines = readFileSync(".github/workflows/release.yml", "utf8").split("\n");
  const at = lines.findIndex((l) => l.trim() === `- name: ${name}`);
  const runAt = lines.findIndex((l, i) => i > at && /^ {8}run: \|$/.test(l));
  expect(at, name).toBeGreaterThan(0);
  const script: string[] = [];
  for (const line of lines.slice(runAt + 1)) {
    if (line.trim() !== "" && !line.startsWith(" ".repeat(10))) break;
    script.push(line.slice(10));
  }
  return script.join("\n");
}

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as Pkg;
const npm = (args: string[], cwd: string) =>
  execFileSync("npm", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, npm_config_update_notifier: "false" },
  });

/** The package as it would be released, staged in a temp dir: its files, schema/ and the freshly built dist/. */
function stagePackage(prefix: string): { root: string; stage: string } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const stage = join(root, "stage");
  mkdirSync(stage);
  for (const file of ["package.json", "README.md", "LICENSE", "action.yml"]) cpSync(file, join(stage, file));
  cpSync("schema", join(stage, "schema"), { recursive: true });
  cpSync(join(distEntry("cli.js"), ".."), join(stage, "dist"), { recursive: true });
  return { root, stage };
}

describe("the npm package", { timeout: 240_000 }, () => {
  it("has no runtime dependencies: dist/ bundles them (add packages with npm install -D)", () => {
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.bin).toEqual({ "ml-footprint": "dist/cli.js" });
  });

  it("packs the bundle, action.yml, the schema, README and LICENSE, and no source or tests", () => {
    const [packed] = JSON.parse(npm(["pack", "--dry-run", "--json", "--ignore-scripts"], process.cwd())) as {
      files: { path: string }[];
    }[];
    const paths = packed!.files.map((f) => f.path).sort();
    expect(paths).toEqual(
      expect.arrayContaining([
        "LICENSE",
        "README.md",
        "action.yml",
        "dist/cli.js",
        "dist/main.js",
        "dist/post.js",
        "package.json",
        "schema/report-1.json",
      ]),
    );
    expect(paths.filter((p) => !/^(dist\/|schema\/)/.test(p))).toEqual([
      "LICENSE",
      "README.md",
      "action.yml",
      "package.json",
    ]);
    expect(paths.some((p) => p.startsWith("dist/chunks/"))).toBe(true);
  });

  it("installs from the packed tarball into an empty directory, offline, and runs", () => {
    // Pack the package as it would be released: this checkout's package files with the bundle built from the
    // current source (the committed dist/ is rebuilt by the integrator and checked by .ci/run).
    const { root, stage } = stagePackage("mlf-pack-");
    const [packed] = JSON.parse(
      npm(["pack", "--json", "--ignore-scripts", "--pack-destination", root], stage),
    ) as {
      filename: string;
    }[];
    const tarball = join(root, packed!.filename);

    const empty = join(root, "empty");
    mkdirSync(empty);
    npm(["install", "--offline", "--no-audit", "--no-fund", "--no-save", "--prefix", empty, tarball], empty);
    expect(readdirSync(join(empty, "node_modules")).filter((n) => !n.startsWith("."))).toEqual([
      "ml-footprint",
    ]);
    // The NVML counter helper travels beside the entry points (scripts/build.mjs copies it into dist/).
    expect(readdirSync(join(empty, "node_modules", "ml-footprint", "dist"))).toContain("nvml_reader.py");
    const bin = join(empty, "node_modules", ".bin", "ml-footprint");
    const run = (args: string[]) => spawnSync(bin, args, { cwd: empty, encoding: "utf8" });

    const version = run(["--version"]);
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(pkg.version);

    const estimate = run(["estimate", "--energy", "1 kWh", "--region", "FR", "--json"]);
    expect(estimate.status, estimate.stderr).toBe(0);
    const figures = JSON.parse(estimate.stdout) as Record<string, unknown>;
    expect(JSON.stringify(figures)).toMatch(/"FR"/);

    const schema = run(["schema"]);
    expect(schema.status, schema.stderr).toBe(0);
    expect(schema.stdout).toBe(readFileSync("schema/report-1.json", "utf8"));
  });

  it("release.yml's dry-run step, run by bash in the package as the runner does: packs, installs, --version and run -- true", () => {
    const { stage } = stagePackage("mlf-dry-");
    const script = stepScript("The packed tarball installs into an empty directory and runs");
    const env = { ...process.env, npm_config_update_notifier: "false", npm_config_offline: "true" };
    const ok = spawnSync("bash", ["-e", "-c", script], {
      cwd: stage,
      env: { ...env, VERSION: pkg.version },
      encoding: "utf8",
    });
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/ml-footprint — .*exit code 0/);
    const wrong = spawnSync("bash", ["-e", "-c", script], {
      cwd: stage,
      env: { ...env, VERSION: "9.9.9" },
      encoding: "utf8",
    });
    expect(wrong.status).toBe(1);
    expect(wrong.stdout).toContain(`::error::the packed CLI says version ${pkg.version}, expected 9.9.9`);
  });
});
