import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { executableExists } from "../../../src/measure/sources/find-executable.js";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("executableExists", () => {
  it("finds a bare name in PATH only as an executable file, and checks a path as given", () => {
    dir = mkdtempSync(join(tmpdir(), "mlf-exec-"));
    const bin = join(dir, "bin");
    mkdirSync(bin);
    mkdirSync(join(bin, "a-directory"));
    writeFileSync(join(bin, "tool"), "#!/bin/sh\n");
    chmodSync(join(bin, "tool"), 0o755);
    writeFileSync(join(bin, "not-executable"), "data");
    chmodSync(join(bin, "not-executable"), 0o644);
    const path = ["", join(dir, "missing"), bin].join(delimiter);
    expect(executableExists("tool", path)).toBe(true);
    expect(executableExists("a-directory", path)).toBe(false);
    expect(executableExists("nvidia-smi", path)).toBe(false);
    expect(executableExists(join(bin, "tool"), "")).toBe(true);
    expect(executableExists(join(bin, "nothing"), bin)).toBe(false);
    // root may read anything, but X_OK still needs an execute bit
    expect(executableExists("not-executable", path)).toBe(false);
  });
});
