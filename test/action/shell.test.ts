import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseShellInput, prepareRun, resolveShell, shellInvocation } from "../../src/action/shell.js";
import { findExecutable } from "../../src/measure/sources/find-executable.js";

function binDir(files: string[], executable = true): string {
  const dir = mkdtempSync(join(tmpdir(), "mlf-bin-"));
  for (const f of files) {
    writeFileSync(join(dir, f), "");
    if (executable) chmodSync(join(dir, f), 0o755);
  }
  return dir;
}

describe("findExecutable", () => {
  it("tries PATHEXT's extensions on Windows (npx is npx.cmd there)", () => {
    // (file names in PATHEXT's case: Windows matches them case-insensitively, this test's file system does not)
    const dir = binDir(["npx.CMD", "python.EXE"], false);
    const env = { PATH: dir, PATHEXT: ".COM;.EXE;.BAT;.CMD" };
    expect(findExecutable("npx", env, "win32")).toBe(join(dir, "npx.CMD"));
    expect(findExecutable("python", env, "win32")).toBe(join(dir, "python.EXE"));
    expect(findExecutable("python.EXE", env, "win32")).toBe(join(dir, "python.EXE"));
    expect(findExecutable("npx", { PATH: dir, PATHEXT: ".EXE" }, "win32")).toBeNull();
    expect(findExecutable("npx", { Path: dir }, "win32")).toBe(join(dir, "npx.CMD")); // default PATHEXT, "Path"
  });
  it.skipIf(process.platform === "win32")("needs the execute bit elsewhere, and takes no extension", () => {
    const dir = binDir(["tool"]);
    const plain = binDir(["tool"], false);
    expect(findExecutable("tool", { PATH: dir }, "linux")).toBe(join(dir, "tool"));
    expect(findExecutable("tool", { PATH: plain }, "linux")).toBeNull();
    expect(findExecutable("tool.exe", { PATH: dir }, "linux")).toBeNull();
  });
});

describe("the run input's shell", () => {
  it("defaults to bash where present, else pwsh; an explicit shell is taken as given", () => {
    const both = binDir(["bash", "pwsh"]);
    const pwshOnly = binDir(["pwsh"]);
    expect(resolveShell(null, { PATH: both }, "linux")).toEqual({
      shell: "bash",
      binary: join(both, "bash"),
    });
    expect(resolveShell(null, { PATH: pwshOnly }, "linux")).toEqual({
      shell: "pwsh",
      binary: join(pwshOnly, "pwsh"),
    });
    const win = binDir(["pwsh.EXE"], false);
    expect(resolveShell(null, { PATH: win }, "win32")).toEqual({
      shell: "pwsh",
      binary: join(win, "pwsh.EXE"),
    });
    expect(resolveShell("sh", { PATH: both }, "linux")).toEqual({ shell: "sh", binary: null });
  });
  it("accepts bash, sh, pwsh, powershell and names them when the value is wrong", () => {
    expect(parseShellInput(" pwsh ", "shell")).toBe("pwsh");
    expect(parseShellInput("", "shell")).toBeNull();
    expect(() => parseShellInput("zsh", "shell")).toThrow(
      /shell: "zsh" is not valid; accepted: bash, sh, pwsh, powershell/,
    );
  });
  it("runs a script file the way a run: step does", () => {
    expect(shellInvocation("bash", "/bin/bash", "echo hi", "run-1")).toEqual({
      file: "run-1.sh",
      text: "echo hi",
      argv: ["/bin/bash", "--noprofile", "--norc", "-eo", "pipefail"],
    });
    const pwsh = shellInvocation("pwsh", "pwsh", "python train.py", "run-1");
    expect(pwsh.file).toBe("run-1.ps1");
    expect(pwsh.text).toBe(
      "$ErrorActionPreference = 'stop'\npython train.py\nif ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }\n",
    );
    const dir = mkdtempSync(join(tmpdir(), "mlf-run-"));
    mkdirSync(join(dir, "it's"));
    const argv = prepareRun({ shell: "pwsh", binary: "pwsh" }, "exit 3", join(dir, "it's"), "7");
    expect(argv).toEqual(["pwsh", "-command", `. '${join(dir, "it''s", "run-7.ps1")}'`]);
    expect(readFileSync(join(dir, "it's", "run-7.ps1"), "utf8")).toContain("exit 3");
  });
});
