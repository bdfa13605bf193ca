/**
 * Whether a command would start, and where it is: a path is checked as given, a bare name is looked up in PATH the
 * way execvp does — and on Windows the way cmd.exe does, trying each extension of PATHEXT (".COM;.EXE;.BAT;.CMD;…")
 * after the name, since `npx`, `python` and `bash` are `npx.cmd`, `python.exe` and `bash.exe` there. Used to skip
 * work that only matters when a tool exists (the NVML helper, a python3 start of 0.3–1.5 s, serves no one on a
 * runner without nvidia-smi) and to pick the shell of a `run:` input.
 */
import { accessSync, constants, statSync } from "node:fs";
import { extname, join } from "node:path";

export interface LookupEnv {
  PATH?: string | undefined;
  Path?: string | undefined;
  PATHEXT?: string | undefined;
}

/** cmd.exe's default when PATHEXT is unset (Microsoft, "cmd" documentation). */
const DEFAULT_PATHEXT = ".COM;.EXE;.BAT;.CMD";

function isExecutableFile(path: string, platform: NodeJS.Platform): boolean {
  try {
    // Windows has no execute bit: existence of a file with a PATHEXT extension is what counts.
    if (platform !== "win32") accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The full path `command` resolves to, or null when it would not start. */
export function findExecutable(
  command: string,
  env: LookupEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | null {
  const windows = platform === "win32";
  const extensions = windows
    ? (env.PATHEXT || DEFAULT_PATHEXT)
        .split(";")
        .map((e) => e.trim())
        .filter((e) => e !== "")
    : [];
  const candidates = (base: string): string[] => {
    if (!windows) return [base];
    // A name that already ends in one of the extensions is tried as it is, then with each extension.
    const has = extensions.some((e) => e.toLowerCase() === extname(base).toLowerCase());
    return [...(has ? [base] : []), ...extensions.map((e) => base + e)];
  };
  const isPath = command.includes("/") || (windows && command.includes("\\"));
  if (isPath) return candidates(command).find((c) => isExecutableFile(c, platform)) ?? null;
  // Windows environments spell it "Path"; node's process.env is case-insensitive there, a copied object is not.
  const pathEnv = env.PATH ?? env.Path ?? "";
  const delimiter = windows ? ";" : ":";
  for (const dir of pathEnv.split(delimiter)) {
    if (dir === "") continue;
    const found = candidates(join(dir, command)).find((c) => isExecutableFile(c, platform));
    if (found) return found;
  }
  return null;
}

export function executableExists(command: string, pathEnv: string = process.env.PATH ?? ""): boolean {
  return findExecutable(command, { PATH: pathEnv }) !== null;
}
