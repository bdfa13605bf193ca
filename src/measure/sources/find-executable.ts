/**
 * Whether a command would start: a path is checked as given, a bare name is looked up in PATH the way
 * execvp does. Used to skip work that only matters when a tool exists (the NVML helper, a python3 start of
 * 0.3–1.5 s, serves no one on a runner without nvidia-smi).
 */
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function executableExists(command: string, pathEnv: string = process.env.PATH ?? ""): boolean {
  if (command.includes("/")) return isExecutableFile(command);
  return pathEnv
    .split(delimiter)
    .filter((dir) => dir !== "")
    .some((dir) => isExecutableFile(join(dir, command)));
}
