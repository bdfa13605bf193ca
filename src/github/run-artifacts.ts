/**
 * The report artifacts of one workflow run (a matrix, or the measuring run behind a fork PR), downloaded
 * as untrusted input: listed with a page bound, size-capped per artifact and in total, unzipped in memory
 * with entry/size caps (no path ever reaches the disk), zod-validated. A bad artifact is skipped with a
 * reason naming it; it never stops the others. Also the fork-PR lookup of the workflow_run mode, from the
 * API only (the run's head owner, branch and SHA), never from anything inside an artifact.
 */
import type { GitHubClient } from "./client.js";
import { collectPages } from "./client.js";
import { ARTIFACT_PREFIX } from "./artifacts.js";
import { downloadArtifactZip } from "./baseline.js";
import { explainApiError, Permission } from "./errors.js";
import { sizedReportFromZip } from "./report-zip.js";
import type { Report } from "../model/report.js";

export interface RunArtifact {
  id: number;
  name: string;
  sizeInBytes: number;
  expired: boolean;
}

export interface RunReportLimits {
  /** compressed bytes per artifact; default 5 MiB (a report is a few kB, 1,000 phases well under 1 MiB) */
  maxArtifactBytes?: number;
  /** uncompressed bytes per artifact; default 10 MiB, the CLI's MAX_REPORT_BYTES */
  maxReportBytes?: number;
  /** compressed bytes over all artifacts of the run; default 100 MiB */
  maxTotalBytes?: number;
  /**
   * uncompressed report bytes over all artifacts of the run; default 64 MiB. What is parsed is what takes
   * memory: 100 fork artifacts of 9.4 MiB each peaked at 1.3 GB of heap without it.
   */
  maxTotalReportBytes?: number;
  /**
   * report artifacts read from the run (first by name); default 100, MAX_RUN_ARTIFACTS. The rest are
   * counted in `notConsidered`, one warning for all: a fork run decides how many it uploads.
   */
  maxArtifacts?: number;
  /** artifact list pages of 100; default 10 */
  maxPages?: number;
  /** parallel downloads; default 4 (GitHub asks integrations not to flood the API) */
  concurrency?: number;
}

export interface RunReport {
  artifactName: string;
  report: Report;
}

export interface SkippedArtifact {
  artifactName: string;
  reason: string;
}

export interface RunReports {
  reports: RunReport[];
  skipped: SkippedArtifact[];
  /** more artifacts were listed than the page bound allowed to read */
  truncated: boolean;
  /** report artifacts over `maxArtifacts`, not read */
  notConsidered: number;
}

/**
 * Report artifacts read from one run. A run's jobs each upload one; 100 covers large matrices, and bounds
 * what an untrusted (fork) run can make a `mode: publish` workflow spend (one download call each).
 */
export const MAX_RUN_ARTIFACTS = 100;

/** Run `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** `ml-footprint-*` artifacts of run `runId`, newest per name, paginated up to `maxPages` pages of 100. */
export async function listRunReportArtifacts(
  octokit: GitHubClient,
  opts: { owner: string; repo: string; runId: number; maxPages?: number },
): Promise<{ artifacts: RunArtifact[]; truncated: boolean }> {
  const byName = new Map<string, RunArtifact>();
  const { items, truncated } = await collectPages(
    octokit.paginate.iterator(octokit.rest.actions.listWorkflowRunArtifacts, {
      owner: opts.owner,
      repo: opts.repo,
      run_id: opts.runId,
      per_page: 100,
    }),
    opts.maxPages ?? 10,
  );
  for (const a of items) {
    if (!a.name.startsWith(ARTIFACT_PREFIX) || byName.has(a.name)) continue; // listed newest first
    byName.set(a.name, { id: a.id, name: a.name, sizeInBytes: a.size_in_bytes, expired: a.expired });
  }
  const artifacts = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  return { artifacts, truncated };
}

/** Download and validate every report artifact of run `runId`; never throws for one bad artifact. */
export async function downloadRunReports(
  octokit: GitHubClient,
  opts: { owner: string; repo: string; runId: number; limits?: RunReportLimits },
): Promise<RunReports> {
  const limits = opts.limits ?? {};
  const maxArtifactBytes = limits.maxArtifactBytes ?? 5 * 1024 * 1024;
  const maxReportBytes = limits.maxReportBytes ?? 10 * 1024 * 1024;
  const maxTotalBytes = limits.maxTotalBytes ?? 100 * 1024 * 1024;
  const maxTotalReportBytes = limits.maxTotalReportBytes ?? 64 * 1024 * 1024;
  const maxArtifacts = limits.maxArtifacts ?? MAX_RUN_ARTIFACTS;
  const repo = { owner: opts.owner, repo: opts.repo };
  const listed = await listRunReportArtifacts(octokit, {
    ...repo,
    runId: opts.runId,
    maxPages: limits.maxPages,
  });

  const skipped: SkippedArtifact[] = [];
  const wanted: RunArtifact[] = [];
  let reserved = 0;
  let notConsidered = 0;
  for (const a of listed.artifacts) {
    const skip = (reason: string): void => void skipped.push({ artifactName: a.name, reason });
    if (a.expired) skip("the artifact has expired");
    else if (wanted.length >= maxArtifacts) notConsidered++;
    else if (a.sizeInBytes > maxArtifactBytes)
      skip(`${a.sizeInBytes} bytes is over the ${maxArtifactBytes}-byte limit per artifact`);
    else if (reserved + a.sizeInBytes > maxTotalBytes)
      skip(`the run's report artifacts exceed the ${maxTotalBytes}-byte total limit`);
    else {
      // The listed size is a claim; the download below is capped again while reading.
      reserved += a.sizeInBytes;
      wanted.push(a);
    }
  }

  let downloaded = 0;
  let parsed = 0;
  const results = await mapBounded(wanted, limits.concurrency ?? 4, async (a) => {
    const where = `artifact ${JSON.stringify(a.name)} (id ${a.id})`;
    try {
      const room = Math.min(maxArtifactBytes, maxTotalBytes - downloaded);
      const zip = await downloadArtifactZip(octokit, repo, a.id, Math.max(0, room), where);
      downloaded += zip.byteLength;
      // unzip and parse are synchronous: the room left over all artifacts cannot change in between
      const left = maxTotalReportBytes - parsed;
      if (left <= 0)
        throw new Error(
          `${where}: the run's reports already hold ${parsed} bytes, the ${maxTotalReportBytes}-byte limit over all artifacts`,
        );
      const { report, bytes } = sizedReportFromZip(zip, where, {
        maxReportBytes: Math.min(maxReportBytes, left),
      });
      parsed += bytes;
      return { artifactName: a.name, report };
    } catch (error) {
      const reason =
        (error as { status?: unknown }).status !== undefined
          ? explainApiError(error, Permission.ActionsRead)
          : (error as Error).message;
      skipped.push({ artifactName: a.name, reason });
      return null;
    }
  });
  const reports = results.filter((r): r is RunReport => r !== null);
  return { reports, skipped, truncated: listed.truncated, notConsidered };
}

export interface RunPullRequest {
  number: number;
  baseRef: string;
  baseSha: string;
  headSha: string;
}

/**
 * The open PR whose head is the triggering run's SHA, from the API: `commits/{sha}/pulls` (same-repo
 * branches), then `pulls?head=owner:branch` (forks: workflow_run.pull_requests is empty for them). The PR's
 * head SHA must equal the run's, so an older run never comments on a newer push. Returns the base too
 * (the comparison needs the base branch).
 */
export async function findPullRequestForWorkflowRun(
  octokit: GitHubClient,
  opts: { owner: string; repo: string; headOwner: string; headBranch: string; headSha: string },
): Promise<RunPullRequest | null> {
  const base = { owner: opts.owner, repo: opts.repo };
  const pick = (
    pulls: Array<{
      number: number;
      state: string;
      head: { sha: string };
      base: { ref: string; sha: string };
    }>,
  ): RunPullRequest | null => {
    const hit = pulls.find((p) => p.state === "open" && p.head.sha === opts.headSha);
    return hit
      ? { number: hit.number, baseRef: hit.base.ref, baseSha: hit.base.sha, headSha: opts.headSha }
      : null;
  };
  const bySha = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    ...base,
    commit_sha: opts.headSha,
    per_page: 100,
  });
  const hit = pick(bySha.data);
  if (hit || !opts.headBranch) return hit;
  const byHead = await octokit.rest.pulls.list({
    ...base,
    head: `${opts.headOwner}:${opts.headBranch}`,
    state: "open",
    per_page: 100,
  });
  return pick(byHead.data);
}
