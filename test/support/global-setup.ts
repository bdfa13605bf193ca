// Entry-point tests run the bundle the way a user and the runner do, so build it from the current source
// first (esbuild takes about a second). CI then checks that the committed dist/ matches this build.
import { execFileSync } from "node:child_process";

export default function setup(): void {
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
}
