import { join } from "node:path";
import { inject } from "vitest";

/** Path of a bundled entry point (cli.js, main.js, post.js) built from the current source for this test run. */
export function distEntry(name: "cli.js" | "main.js" | "post.js" | "sampler.js"): string {
  return join(inject("distDir"), name);
}
