// Entry-point tests run the bundle the way a user and the runner do, so bundle the current source first
// (esbuild takes about a second) into a temporary directory of this test run; CI separately checks that
// the committed dist/ matches the source.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    distDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const distDir = join(mkdtempSync(join(tmpdir(), "ml-footprint-dist-")), "dist");
  execFileSync(process.execPath, ["scripts/build.mjs", "--outdir", distDir], { stdio: "inherit" });
  project.provide("distDir", distDir);
  return () => rmSync(join(distDir, ".."), { recursive: true, force: true });
}
