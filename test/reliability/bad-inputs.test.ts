/**
 * The bad-input catalogue (test/support/errors-catalogue.ts) checked against the code: every action input
 * through getActionConfig with a fake getInput, every CLI flag through the CLI program in-process (exit 2, one line; one case through the bundle).
 * The README "Errors" section must be what the catalogue renders (`node scripts/errors-table.mjs` rewrites it).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { getActionConfig } from "../../src/action/inputs.js";
import { Inputs } from "../../src/action/constants.js";
import {
  ACTION_ACCEPTED,
  ACTION_BAD_INPUTS,
  BAD_INPUTS,
  CLI_BAD_INPUTS,
} from "../support/errors-catalogue.js";
import { replaceErrorsSection } from "../../scripts/errors-readme.js";
import { InputError } from "../../src/model/units.js";
import { distEntry } from "../support/dist.js";

const CLI = distEntry("cli.js");

function actionError(input: string, value: string): unknown {
  try {
    getActionConfig((name) => (name === input ? value : ""));
  } catch (error) {
    return error;
  }
  return null;
}

function bundledCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ML_FOOTPRINT_NVIDIA_SMI: "/nonexistent/nvidia-smi" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The same program in-process (runCli is what dist/cli.js runs): no process start per case. */
async function inProcessCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = vi
    .spyOn(process.stdout, "write")
    .mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi
    .spyOn(process.stderr, "write")
    .mockImplementation((chunk) => ((stderr += String(chunk)), true));
  const exitCode = process.exitCode;
  try {
    return { code: await runCli(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = exitCode;
  }
}

describe("bad action inputs (getActionConfig)", () => {
  it.each(ACTION_BAD_INPUTS.map((e) => [e.input, e.display ?? JSON.stringify(e.value), e] as const))(
    "%s = %s → the exact InputError",
    (_input, _shown, entry) => {
      const error = actionError(entry.input, entry.value);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toBe(entry.message);
      expect((error as Error).message.length).toBeLessThan(600);
    },
  );

  it.each(ACTION_ACCEPTED.map((e) => [e.input, JSON.stringify(e.value), e.why] as const))(
    "%s = %s is accepted (%s)",
    (input, shown) => {
      expect(actionError(input, JSON.parse(shown) as string)).toBeNull();
    },
  );

  it("the catalogue covers every action input that can be wrong", () => {
    const covered = new Set(ACTION_BAD_INPUTS.map((e) => e.input));
    // github-token is passed to Octokit as is: any string is a token, a wrong one fails at the API.
    const free = new Set<string>([Inputs.GitHubToken]);
    const missing = Object.values(Inputs).filter((name) => !covered.has(name) && !free.has(name));
    expect(missing).toEqual([]);
  });

  it("never echoes a secret: an over-long token is reported by length only", () => {
    const token = `emaps_${"s".repeat(1_000)}`;
    const error = actionError(Inputs.ElectricityMapsToken, token) as Error;
    expect(error.message).not.toContain("emaps_");
  });
});

describe("bad CLI flags", () => {
  it.each(CLI_BAD_INPUTS.map((e) => [e.value, e] as const))(
    "ml-footprint %s → exit 2 and the exact line",
    async (_shown, entry) => {
      const result = await inProcessCli(entry.args ?? []);
      expect(result.code).toBe(2);
      expect(result.stderr.split("\n")[0]).toBe(entry.message);
      expect(result.stdout).toBe("");
    },
  );

  it("the bundled CLI prints the same line and exits 2 (one case through a real process)", async () => {
    const entry = CLI_BAD_INPUTS[0]!;
    const result = await bundledCli(entry.args ?? []);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(entry.message);
    expect(result.stdout).toBe("");
  });
});

describe("README Errors section", () => {
  it("is exactly what the catalogue renders (node scripts/errors-table.mjs rewrites it)", () => {
    const readme = readFileSync("README.md", "utf8");
    expect(readme).toContain("<!-- errors:start -->");
    expect(replaceErrorsSection(readme)).toBe(readme);
    for (const entry of BAD_INPUTS) expect(readme).toContain(`\`${entry.input}\``);
  });
});
