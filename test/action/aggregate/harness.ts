/**
 * Drives the post step in-process for mode: report / publish, with a recording fake `core`, a runner-style
 * env (event payload file, RUNNER_TEMP) and the loopback GitHub fake. The same `runStep` the bundle
 * runs; only @actions/core is replaced.
 */
import { afterEach, beforeEach } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CoreLike } from "../../../src/action/core.js";
import { runStep } from "../../../src/action/run.js";
import { publishReport } from "../../../src/action/publish-report.js";
import type { RunReportLimits } from "../../../src/github/run-artifacts.js";
import { FakeGitHub, type FakeRun } from "../../support/fake-github.js";
import { makeReport } from "../../report/make-report.js";
import { reportZip } from "../../support/report-fixture.js";
import type { Report } from "../../../src/model/report.js";

export const sha = (c: string): string => c.repeat(40);
export const BASE = sha("b");
export const HEAD = sha("c");

export class RecordingCore implements CoreLike {
  outputs: Record<string, string> = {};
  warnings: string[] = [];
  errors: string[] = [];
  notices: string[] = [];
  infos: string[] = [];
  failed: string[] = [];
  secrets: string[] = [];
  constructor(private readonly inputs: Record<string, string>) {}
  getInput(name: string): string {
    return this.inputs[name] ?? "";
  }
  setOutput(name: string, value: string): void {
    this.outputs[name] = value;
  }
  saveState(): void {}
  getState(): string {
    return "";
  }
  setSecret(secret: string): void {
    this.secrets.push(secret);
  }
  info(message: string): void {
    this.infos.push(message);
  }
  notice(message: string): void {
    this.notices.push(message);
  }
  warning(message: string): void {
    this.warnings.push(message);
  }
  error(message: string): void {
    this.errors.push(message);
  }
  setFailed(message: string): void {
    this.failed.push(message);
  }
}

export interface PostRun {
  core: RecordingCore;
  summary: string;
  /** the job's RUNNER_TEMP, removed by cleanup() */
  workDir: string;
}

export interface PostOptions {
  inputs: Record<string, string>;
  /** the event payload written to GITHUB_EVENT_PATH */
  event: Record<string, unknown>;
  eventName: string;
  runId: number;
  env?: Record<string, string>;
  limits?: RunReportLimits;
}

const workDirs: string[] = [];
export function cleanupWorkDirs(): void {
  for (const dir of workDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * A FakeGitHub for each test of the file, handed to `use` once it listens, with the PR's merge-base known
 * (`compare` of `baseRef`...HEAD answers BASE); after each test it is stopped and the work dirs are removed.
 */
export function fakeGitHubPerTest(use: (fake: FakeGitHub) => void, baseRef: string = BASE): void {
  let current: FakeGitHub | null = null;
  beforeEach(async () => {
    current = await new FakeGitHub().start();
    current.mergeBases.set(`${baseRef}...${HEAD}`, BASE);
    use(current);
  });
  afterEach(async () => {
    await current?.stop();
    cleanupWorkDirs();
  });
}

/** The post step of an aggregating job, in-process. */
export async function runPost(fake: FakeGitHub, opts: PostOptions): Promise<PostRun> {
  const workDir = mkdtempSync(join(tmpdir(), "mlf-aggregate-"));
  workDirs.push(workDir);
  const eventPath = join(workDir, "event.json");
  writeFileSync(eventPath, JSON.stringify({ repository: { id: fake.repositoryId }, ...opts.event }));
  const core = new RecordingCore({ "github-token": "test-token", ...opts.inputs });
  let summary = "";
  await runStep("post", {
    core,
    env: {
      GITHUB_REPOSITORY: `${fake.owner}/${fake.repo}`,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_EVENT_NAME: opts.eventName,
      GITHUB_RUN_ID: String(opts.runId),
      GITHUB_RUN_ATTEMPT: "1",
      GITHUB_WORKFLOW: "footprint",
      GITHUB_JOB: "report",
      GITHUB_SHA: sha("f"),
      GITHUB_API_URL: fake.url,
      RUNNER_TEMP: workDir,
      ...opts.env,
    },
    cliPath: "/nonexistent/cli.js",
    summary: { write: async (markdown) => void (summary = markdown) },
    publish: publishReport,
    limits: opts.limits,
  });
  return { core, summary, workDir };
}

/** A pull_request event payload for PR `number` (base main at BASE, head HEAD). */
export function pullRequestEvent(number: number): Record<string, unknown> {
  return {
    pull_request: {
      number,
      head: { sha: HEAD, ref: "feature" },
      base: { sha: BASE, ref: "main" },
    },
  };
}

/** A matrix job's report as the measuring job would upload it (key = artifact suffix). */
export function jobReport(key: string, phases: Record<string, number>, extra: Partial<Report> = {}): Report {
  const r = makeReport({ key, phases, job: "train", matrix: { model: key } });
  return { ...r, ...extra, identity: { ...r.identity, key, ...extra.identity } };
}

/** Upload `report` as artifact ml-footprint-<key> of `runId` (its identity names that run, as a real one does). */
export function upload(fake: FakeGitHub, runId: number, key: string, report: Report): void {
  const stamped = { ...report, identity: { ...report.identity, runId: String(runId) } };
  fake.addArtifact({ name: `ml-footprint-${key}`, runId, zip: reportZip(stamped) });
}

/** The fork a fork PR comes from (its head repository, as GitHub lists the measuring run). */
export const FORK_REPO_ID = 999;
export const FORK_OWNER = "forker";

/** Open PR `number` from the fork (feature at HEAD into main) and its measuring run, as GitHub lists them. */
export function forkPullRun(fake: FakeGitHub, number: number): FakeRun {
  fake.pulls.push({
    number,
    state: "open",
    headRef: "feature",
    headSha: HEAD,
    headOwner: FORK_OWNER,
    headRepositoryId: FORK_REPO_ID,
    baseRef: "main",
  });
  return fake.addRun({
    headSha: HEAD,
    headBranch: "feature",
    headRepositoryId: FORK_REPO_ID,
    event: "pull_request",
  });
}

/** The workflow_run event the publish workflow receives for the fork's run `runId`. */
export function workflowRunEvent(runId: number, headSha = HEAD): Record<string, unknown> {
  return {
    workflow_run: {
      id: runId,
      head_sha: headSha,
      head_branch: "feature",
      head_repository: { id: FORK_REPO_ID, owner: { login: FORK_OWNER } },
    },
  };
}
