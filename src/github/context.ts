/**
 * What the workflow run tells us about itself: env vars set by the runner plus the parts of the event
 * payload (GITHUB_EVENT_PATH) we use, zod-validated. Plain data in, plain data out; outside Actions the
 * fields are empty/null.
 */
import { readFileSync } from "node:fs";
import * as z from "zod";
import { describeZodIssues } from "../model/zod-issues.js";

export interface ActionsContext {
  owner: string;
  repo: string;
  /** "owner/repo", "" outside Actions */
  repository: string;
  repositoryId: number | null;
  sha: string;
  ref: string;
  baseRef: string;
  headRef: string;
  eventName: string;
  prNumber: number | null;
  prHeadSha: string | null;
  prBaseSha: string | null;
  /** workflow_run events: the triggering run (the fork-PR publish mode) */
  workflowRun: {
    id: number;
    headSha: string;
    headBranch: string;
    headOwner: string | null;
    headRepositoryId: number | null;
  } | null;
  runId: string;
  runAttempt: string;
  job: string;
  workflow: string;
  runnerEnvironment: string;
  runnerTemp: string;
  apiUrl: string;
  serverUrl: string;
  /** problems reading the event payload; the caller logs them */
  warnings: string[];
}

const Sha = z.string().regex(/^[0-9a-f]{40,64}$/);
const Ref = z.object({ sha: Sha, ref: z.string().max(500) });
const EventPayload = z.object({
  repository: z.object({ id: z.number().int().positive() }).optional(),
  pull_request: z.object({ number: z.number().int().positive(), head: Ref, base: Ref }).optional(),
  workflow_run: z
    .object({
      id: z.number().int().positive(),
      head_sha: Sha,
      head_branch: z.string().max(500).nullable(),
      head_repository: z
        .object({ id: z.number().int(), owner: z.object({ login: z.string().max(100) }) })
        .nullable()
        .optional(),
    })
    .optional(),
});

export function readActionsContext(
  env: Record<string, string | undefined>,
  readFile: (path: string, encoding: "utf8") => string = readFileSync,
): ActionsContext {
  const warnings: string[] = [];
  const repository = env.GITHUB_REPOSITORY ?? "";
  const [owner = "", repo = ""] = repository.split("/");
  let payload: z.infer<typeof EventPayload> = {};
  const eventPath = env.GITHUB_EVENT_PATH;
  if (eventPath) {
    try {
      const parsed = EventPayload.safeParse(JSON.parse(readFile(eventPath, "utf8")));
      if (parsed.success) payload = parsed.data;
      else
        warnings.push(
          `event payload ${eventPath} has unexpected fields: ${describeZodIssues(parsed.error, 3)}`,
        );
    } catch (error) {
      // Outside Actions (local-action, CLI) the file may be absent; we go on without the payload.
      warnings.push(`event payload ${eventPath} could not be read: ${(error as Error).message}`);
    }
  }
  const pr = payload.pull_request;
  const wr = payload.workflow_run;
  const envRepoId = Number(env.GITHUB_REPOSITORY_ID);
  return {
    owner,
    repo,
    repository,
    repositoryId: payload.repository?.id ?? (Number.isInteger(envRepoId) && envRepoId > 0 ? envRepoId : null),
    sha: env.GITHUB_SHA ?? "",
    ref: env.GITHUB_REF ?? "",
    baseRef: env.GITHUB_BASE_REF || pr?.base.ref || "",
    headRef: env.GITHUB_HEAD_REF || pr?.head.ref || "",
    eventName: env.GITHUB_EVENT_NAME ?? "",
    prNumber: pr?.number ?? null,
    prHeadSha: pr?.head.sha ?? null,
    prBaseSha: pr?.base.sha ?? null,
    workflowRun: wr
      ? {
          id: wr.id,
          headSha: wr.head_sha,
          headBranch: wr.head_branch ?? "",
          headOwner: wr.head_repository?.owner.login ?? null,
          headRepositoryId: wr.head_repository?.id ?? null,
        }
      : null,
    runId: env.GITHUB_RUN_ID ?? "",
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? "",
    job: env.GITHUB_JOB ?? "",
    workflow: env.GITHUB_WORKFLOW ?? "",
    runnerEnvironment: env.RUNNER_ENVIRONMENT ?? "",
    runnerTemp: env.RUNNER_TEMP ?? "",
    apiUrl: (env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, ""),
    serverUrl: (env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, ""),
    warnings,
  };
}
