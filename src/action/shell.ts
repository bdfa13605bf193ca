/**
 * How the `run:` input is run: the way a workflow's own `run:` step runs it (GitHub Docs, "Workflow syntax for
 * GitHub Actions", jobs.<job_id>.steps[*].shell): the script goes to a file and the shell runs that file.
 *
 *   bash        bash --noprofile --norc -eo pipefail {0}
 *   sh          sh -e {0}
 *   pwsh        pwsh -command ". '{0}'"         ({0} ends in .ps1; $ErrorActionPreference = 'stop' prepended,
 *   powershell  powershell -command ". '{0}'"    the last exit code passed on: the docs' fail-fast rules)
 *
 * The default is bash where it is found (every GitHub-hosted runner, Git for Windows' bash included), else pwsh
 * (a Windows runner without Git Bash). The shell is looked up in PATH with PATHEXT on Windows.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { findExecutable, type LookupEnv } from "../measure/sources/find-executable.js";
import { InputError, truncate } from "../model/units.js";

export const SHELLS = ["bash", "sh", "pwsh", "powershell"] as const;
export type Shell = (typeof SHELLS)[number];

/** The `shell` input: one of SHELLS, or empty for the default. */
export function parseShellInput(value: string, name: string): Shell | null {
  const v = value.trim();
  if (v === "") return null;
  if ((SHELLS as readonly string[]).includes(v)) return v as Shell;
  throw new InputError(
    `${name}: "${truncate(value)}" is not valid; accepted: ${SHELLS.join(", ")}, or empty for bash where present, else pwsh`,
  );
}

export interface ResolvedShell {
  shell: Shell;
  /** full path of the shell's executable; null when it is not installed */
  binary: string | null;
}

export function resolveShell(
  wanted: Shell | null,
  env: LookupEnv,
  platform: NodeJS.Platform = process.platform,
): ResolvedShell {
  if (wanted) return { shell: wanted, binary: findExecutable(wanted, env, platform) };
  const bash = findExecutable("bash", env, platform);
  if (bash) return { shell: "bash", binary: bash };
  return { shell: "pwsh", binary: findExecutable("pwsh", env, platform) };
}

const PWSH_PRELUDE = "$ErrorActionPreference = 'stop'";
const PWSH_EXIT = "if ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }";

/** The script file's name and text, and the argv that runs it (pure). */
export function shellInvocation(
  shell: Shell,
  binary: string,
  script: string,
  scriptBase: string,
): { file: string; text: string; argv: string[] } {
  switch (shell) {
    case "bash":
      return {
        file: `${scriptBase}.sh`,
        text: script,
        argv: [binary, "--noprofile", "--norc", "-eo", "pipefail"],
      };
    case "sh":
      return { file: `${scriptBase}.sh`, text: script, argv: [binary, "-e"] };
    case "pwsh":
    case "powershell":
      return {
        file: `${scriptBase}.ps1`,
        text: `${PWSH_PRELUDE}\n${script}\n${PWSH_EXIT}\n`,
        argv: [binary, "-command"],
      };
  }
}

/** Write the script under `dir` and return the command that runs it. */
export function prepareRun(
  shell: ResolvedShell & { binary: string },
  script: string,
  dir: string,
  id: string,
): string[] {
  const invocation = shellInvocation(shell.shell, shell.binary, script, `run-${id}`);
  const path = join(dir, invocation.file);
  writeFileSync(path, invocation.text);
  // pwsh's -command takes a string to evaluate: dot-source the file, quoted the docs' way.
  return shell.shell === "pwsh" || shell.shell === "powershell"
    ? [...invocation.argv, `. '${path.replace(/'/g, "''")}'`]
    : [...invocation.argv, path];
}
