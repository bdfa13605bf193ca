// action.yml, src/action/constants.ts and the README's Inputs/Outputs tables name the same inputs and outputs.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Inputs, Outputs } from "../../src/action/constants.js";
import { readActionYml, parseFileCommands, inputEnvName } from "../support/runner.js";

const yml = readActionYml();
const readme = readFileSync("README.md", "utf8");
const sorted = (names: Iterable<string>) => [...names].sort();

/** First-column `names` of the markdown table under `## <heading>`. */
function tableNames(heading: string): string[] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no "## ${heading}" section`);
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
}

describe("action.yml ↔ constants ↔ README", () => {
  it("every input in action.yml is in Inputs and vice versa", () => {
    expect(Object.keys(yml.inputs).length).toBeGreaterThan(10);
    expect(sorted(Object.keys(yml.inputs))).toEqual(sorted(Object.values(Inputs)));
  });

  it("every output in action.yml is in Outputs and vice versa", () => {
    expect(sorted(Object.keys(yml.outputs))).toEqual(sorted(Object.values(Outputs)));
  });

  it("every input and output has a description", () => {
    for (const [name, spec] of [...Object.entries(yml.inputs), ...Object.entries(yml.outputs)]) {
      expect(spec.description, name).not.toBe("");
    }
  });

  it("the README's Inputs and Outputs tables list exactly the action.yml names, in order", () => {
    expect(tableNames("Inputs")).toEqual(Object.keys(yml.inputs));
    expect(tableNames("Outputs")).toEqual(Object.keys(yml.outputs));
  });

  it(".env.example (for @github/local-action) mentions every input as INPUT_<NAME>, and no other", () => {
    const env = readFileSync(".env.example", "utf8");
    const named = [...env.matchAll(/^#? ?(INPUT_[A-Z0-9_-]+)=/gm)].map((m) => m[1]!);
    expect(sorted(named)).toEqual(sorted(Object.keys(yml.inputs).map(inputEnvName)));
  });

  it("the README's Inputs table shows action.yml's defaults", () => {
    for (const [name, spec] of Object.entries(yml.inputs)) {
      const row = readme.split("\n").find((l) => l.startsWith(`| \`${name}\` |`));
      const cell = row?.split(" | ")[1];
      expect(cell, name).toBe(spec.default ? `\`${spec.default}\`` : "—");
    }
  });
});

describe("the harness's readers (runner.ts)", () => {
  it("reads action.yml scalars: plain, quoted and expressions", () => {
    expect(yml.inputs["fail-on-budget"]?.default).toBe("true");
    expect(yml.inputs["github-token"]?.default).toBe("${{ github.token }}");
    expect(yml.inputs.run?.default).toBe("");
    expect(() => readActionYml("inputs:\n  x:\n    description: >\n      folded\n")).toThrow(/line 3/);
  });

  it("parses @actions/core's heredoc file commands and the INPUT_ names the runner sets", () => {
    const text =
      "a<<ghadelimiter_1\nline 1\nline 2\nghadelimiter_1\nb<<ghadelimiter_2\n\nghadelimiter_2\nc=d\n";
    expect(parseFileCommands(text)).toEqual({ a: "line 1\nline 2", b: "", c: "d" });
    expect(() => parseFileCommands("a<<EOF\nno end\n")).toThrow(/no closing delimiter/);
    expect(inputEnvName("budget-energy")).toBe("INPUT_BUDGET-ENERGY");
    expect(inputEnvName("a name")).toBe("INPUT_A_NAME");
  });
});
