// What each step of the bundled action loads (every module, recorded by a node:module load hook): the main
// step never loads Octokit, undici or the artifact client, whose import alone cost ~0.1 CPU-s each time a step
// starts; the post step of a pull request loads them because it comments and uploads.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAST, startWorld, type World } from "./world.js";
import { RunnerJob } from "../support/runner.js";

// Strings only these libraries contain: Bottleneck is @octokit/plugin-throttling's queue, llhttp is undici's
// HTTP parser (@actions/http-client), twirp is the artifact client's RPC.
const MARKERS = { octokit: "Bottleneck", undici: "llhttp", artifact: "twirp" } as const;
const REGISTER = join(process.cwd(), "test", "fixtures", "module-log", "register.mjs");

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => world.stop());

/** For each process that logged: the libraries among the files it loaded. */
function librariesByProcess(log: string): Map<string, Set<string>> {
  const files = new Map<string, string[]>();
  for (const line of log.trim().split("\n")) {
    const [pid, url] = line.split(" ", 2) as [string, string];
    if (!url.startsWith("file:")) continue;
    files.set(pid, [...(files.get(pid) ?? []), fileURLToPath(url)]);
  }
  const byEntry = new Map<string, Set<string>>();
  for (const paths of files.values()) {
    const texts = paths.map((p) => readFileSync(p, "utf8"));
    const found = Object.entries(MARKERS).filter(([, marker]) => texts.some((t) => t.includes(marker)));
    // the entry point is the first file a process loads (main.js, post.js, cli.js of the sampler)
    byEntry.set(paths[0]!.split("/").at(-1)!, new Set(found.map(([library]) => library)));
  }
  return byEntry;
}

describe("modules each step loads", () => {
  it("main: none of Octokit, undici, the artifact client; a pull request's post: all three", async () => {
    const log = join(mkdtempSync(join(tmpdir(), "mlf-modules-")), "modules.log");
    const job = world.job({ env: { NODE_OPTIONS: `--import ${REGISTER}`, MLF_MODULE_LOG: log } });
    const main = await job.step({ ...FAST, run: "true" });
    expect(main.code, main.stdout + main.stderr).toBe(0);
    const post = RunnerJob.owner(await job.finish());
    expect(post.code, post.stdout + post.stderr).toBe(0);
    const loaded = librariesByProcess(readFileSync(log, "utf8"));
    expect([...(loaded.get("main.js") ?? ["main.js did not log"])]).toEqual([]);
    // the markers are real: the post step of a pull request comments and uploads
    expect([...(loaded.get("post.js") ?? [])].sort()).toEqual(["artifact", "octokit", "undici"]);
  });
});
