/**
 * One "world" for the action's end-to-end tests: the GitHub REST fake, the artifact results-service fake,
 * a pull request whose merge-base has base-branch report artifacts, and a factory for runner jobs.
 */
import { readFileSync } from "node:fs";
import { strFromU8, unzipSync } from "fflate";
import { expect, type TestContext } from "vitest";
import { getHardwareInventory } from "../../src/measure/inventory.js";
import { parseReportJson, type Report } from "../../src/model/report.js";
import { FakeGitHub, type FakeArtifact, type FakeRun } from "../support/fake-github.js";
import { FakeResultsService, fakeRuntimeToken } from "../support/fake-results.js";
import { makeReport, reportZip } from "../support/report-fixture.js";
import { RunnerJob, type JobOptions, type StepResult } from "../support/runner.js";

/** Looks like an installation token, so a leak would be easy to spot in any output. */
export const TOKEN = "ghs_mlfTestToken0123456789SecretValueXYZ";
export const PR = 42;
export const MERGE_BASE = "1".repeat(40);
export const BASE_TIP = "2".repeat(40);
export const HEAD = "3".repeat(40);
/** Default key: workflow "train" + job "train" (see defaultKey in src/action/identity.ts). */
export const KEY = "train-train";
/** An older base-branch commit: the merge-base's parent. */
export const OLD = "0".repeat(40);
export const ARTIFACT = `ml-footprint-${KEY}`;
/** Small and fast: the tests only need a few samples. */
export const FAST = { interval: "100ms", "carbon-intensity": "100" } as const;

export interface World {
  gh: FakeGitHub;
  results: FakeResultsService;
  hardware: Report["hardware"];
  job(options?: Partial<JobOptions>): RunnerJob;
  /** a base-branch run with a report artifact; `at` is the run's head SHA (default the merge-base) */
  addBase(opts?: BaseOptions): { run: FakeRun; artifact: FakeArtifact; report: Report };
  stop(): Promise<void>;
}

export interface BaseOptions {
  at?: string;
  energyWh?: number;
  /** a fork's run: the head repository differs from ours */
  headRepositoryId?: number;
  cpuBrand?: string;
  /** replace the zip with these bytes (an invalid artifact) */
  zip?: Uint8Array;
}

/** `defaults`: options for every job of this world (e.g. `inProcess`); a job's own options win. */
export async function startWorld(defaults: Partial<JobOptions> = {}): Promise<World> {
  const gh = await new FakeGitHub().start();
  const results = await new FakeResultsService().start();
  gh.addHistory(OLD, MERGE_BASE, BASE_TIP);
  gh.mergeBases.set(`${BASE_TIP}...${HEAD}`, MERGE_BASE);
  const inv = await getHardwareInventory();
  const hardware: Report["hardware"] = {
    cpu: { brand: inv.brand, threads: inv.threads, cores: inv.cores },
    memoryGB: inv.memoryGB,
    gpus: [],
  };
  const jobs: RunnerJob[] = [];
  let nextRun = 5000;
  return {
    gh,
    results,
    hardware,
    job(options = {}) {
      const job = new RunnerJob({
        apiUrl: gh.url,
        resultsUrl: `${results.url}/`,
        runtimeToken: fakeRuntimeToken(),
        token: TOKEN,
        runId: ++nextRun,
        pullRequest: { number: PR, headSha: HEAD, headRef: "feature", baseSha: BASE_TIP, baseRef: "main" },
        ...defaults,
        ...options,
        // Octokit's retry backoff, shrunk for tests (read by src/action/publish-report.ts).
        env: { ML_FOOTPRINT_RETRY_BASE_MS: "5", ...options.env },
      });
      jobs.push(job);
      return job;
    },
    addBase(opts = {}) {
      const at = opts.at ?? MERGE_BASE;
      const run = gh.addRun({
        headSha: at,
        headBranch: "main",
        ...(opts.headRepositoryId !== undefined ? { headRepositoryId: opts.headRepositoryId } : {}),
      });
      const energyWh = opts.energyWh ?? 1;
      const report = makeReport({
        identity: { ...makeReport().identity, sha: at, runId: String(run.id), key: KEY },
        hardware: opts.cpuBrand ? { ...hardware, cpu: { ...hardware.cpu, brand: opts.cpuBrand } } : hardware,
        energyWh,
        lowWh: energyWh * 0.8,
        highWh: energyWh * 1.2,
      });
      // The layout @actions/artifact uploads: the report file at the zip's root.
      const zip = opts.zip ?? reportZip(report, "ml-footprint-report.json");
      const artifact = gh.addArtifact({ name: ARTIFACT, runId: run.id, zip });
      return { run, artifact, report };
    },
    async stop() {
      for (const job of jobs) job.cleanup();
      await gh.stop();
      await results.stop();
    },
  };
}

/** A world of its own for one test, stopped when the test ends (so tests can run concurrently). */
export async function worldFor(context: TestContext, defaults: Partial<JobOptions> = {}): Promise<World> {
  const world = await startWorld(defaults);
  context.onTestFinished(() => world.stop());
  return world;
}

/** One measured job: a background footprint step, a tiny workload step, the post step. */
export async function measuredJob(
  job: RunnerJob,
  inputs: Record<string, string> = {},
  work = "sleep 0.2",
): Promise<{ main: StepResult; post: StepResult }> {
  const main = await job.step({ ...FAST, ...inputs });
  if (main.code !== 0) throw new Error(`main failed (${main.code}):\n${main.stdout}\n${main.stderr}`);
  await job.shell(work);
  const post = RunnerJob.owner(await job.finish());
  return { main, post };
}

/** Everything a user or log reader could see of one step. */
export function visible(step: StepResult): string {
  // `::add-mask::` is consumed by the runner (it is how the token gets masked), never shown.
  const stdout = step.stdout
    .split("\n")
    .filter((l) => !l.startsWith("::add-mask::"))
    .join("\n");
  return [stdout, step.stderr, step.summary, JSON.stringify(step.outputs), JSON.stringify(step.state)].join(
    "\n",
  );
}

/** The report the post step wrote (path from its `report-path` output), zod-validated. */
export function readReport(post: StepResult): Report {
  const path = post.outputs["report-path"];
  if (!path) throw new Error(`no report-path output:\n${post.stdout}`);
  return parseReportJson(readFileSync(path, "utf8"), path);
}

/** The report file inside the zip the artifact client uploaded to the results-service fake. */
export function uploadedFiles(world: World): Record<string, string> {
  if (!world.results.blob) throw new Error("nothing was uploaded");
  const files = unzipSync(new Uint8Array(world.results.blob));
  return Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, strFromU8(bytes)]));
}

/** The token appears nowhere a person could read it: logs, outputs, state, summary, report, comments. */
export function expectNoTokenLeak(world: World, steps: StepResult[]): void {
  for (const step of steps) {
    expect(visible(step)).not.toContain(TOKEN);
    const path = step.outputs["report-path"];
    if (path) expect(readFileSync(path, "utf8")).not.toContain(TOKEN);
  }
  for (const c of world.gh.comments) expect(c.body).not.toContain(TOKEN);
  if (world.results.blob) expect(world.results.blob.toString("latin1")).not.toContain(TOKEN);
}

/** Every GitHub REST route the action calls, for "the API is down" tests. */
export const ROUTES = [
  "POST /graphql",
  "GET /user",
  "GET /repos/{owner}/{repo}/compare/{basehead}",
  "GET /repos/{owner}/{repo}/commits",
  "GET /repos/{owner}/{repo}/actions/artifacts",
  "GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}",
  "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
  "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
  "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
  "DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}",
] as const;
export const COMMENTS = "GET /repos/{owner}/{repo}/issues/{issue_number}/comments";
export const CREATE = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
export const UPDATE = "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}";

export function calls(world: World, route: string): number {
  return world.gh.requests.filter((r) => r.route === route).length;
}
