/**
 * The base branch's reports for a pull request: the run at the merge-base (compare API), else the
 * nearest ancestor with a report, else the newest run on the base branch; plus older base runs for the
 * noise band (with `matches`, until `history` of them match the head's hardware). Artifacts from fork runs are ignored (a fork's main is not our main); downloads are
 * untrusted: size-capped, unzipped with caps and zod-validated. Permission problems become warnings.
 */
import type { GitHubClient } from "./client.js";
import { errorStatus } from "./client.js";
import { unzipUntrusted } from "./unzip.js";
import { parseReportJson, type Report } from "../model/report.js";

export interface ArtifactInfo {
  id: number;
  name: string;
  expired: boolean;
  createdAt: string;
  sizeInBytes: number;
  workflowRun: {
    id: number;
    headSha: string;
    headBranch: string;
    repositoryId: number;
    headRepositoryId: number;
  } | null;
}

export type ChosenFrom = "merge-base" | "ancestor" | "latest-on-base" | "none";

export interface ChooseOptions {
  mergeBaseSha: string | null;
  /** the merge-base and its ancestors, newest first (the merge-base itself may be first) */
  ancestors: string[];
  baseRef: string;
  history: number;
  /** our repository's id; runs of other repositories are skipped */
  repositoryId?: number;
}

/** Artifacts we may use at all: not expired, from a run of this repository on this repository's code. */
export function isEligible(a: ArtifactInfo, repositoryId?: number): boolean {
  const run = a.workflowRun;
  if (a.expired || !run) return false;
  if (run.headRepositoryId !== run.repositoryId) return false;
  return repositoryId === undefined || run.repositoryId === repositoryId;
}

/** Pure: order the candidate base artifacts, best first; the first is the comparison point. */
export function chooseBaseArtifacts(
  artifacts: ArtifactInfo[],
  opts: ChooseOptions,
): { chosenFrom: ChosenFrom; selected: ArtifactInfo[]; candidates: ArtifactInfo[] } {
  const newestFirst = artifacts
    .filter((a) => isEligible(a, opts.repositoryId))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
  const rank = new Map(opts.ancestors.map((sha, i) => [sha, i]));
  const onBase = (a: ArtifactInfo): boolean => a.workflowRun!.headBranch === opts.baseRef;
  const atMergeBase = newestFirst.find(
    (a) => opts.mergeBaseSha !== null && a.workflowRun!.headSha === opts.mergeBaseSha,
  );
  let primary: ArtifactInfo | undefined = atMergeBase;
  let chosenFrom: ChosenFrom = atMergeBase ? "merge-base" : "none";
  if (!primary) {
    const byAncestry = newestFirst
      .filter((a) => rank.has(a.workflowRun!.headSha))
      .sort((a, b) => rank.get(a.workflowRun!.headSha)! - rank.get(b.workflowRun!.headSha)!);
    primary = byAncestry[0];
    if (primary) chosenFrom = "ancestor";
  }
  if (!primary) {
    primary = newestFirst.find(onBase);
    if (primary) chosenFrom = "latest-on-base";
  }
  if (!primary) return { chosenFrom: "none", selected: [], candidates: [] };

  // Noise history: runs of ancestors, and other base-branch runs no newer than the chosen one (newer
  // base commits are not in this PR); newest first, one artifact per run.
  const seenRuns = new Set([primary.workflowRun!.id]);
  const rest = newestFirst.filter((a) => {
    if (seenRuns.has(a.workflowRun!.id)) return false;
    const ancestor = rank.has(a.workflowRun!.headSha);
    if (!ancestor && (!onBase(a) || a.createdAt > primary.createdAt)) return false;
    seenRuns.add(a.workflowRun!.id);
    return true;
  });
  const candidates = [primary, ...rest];
  // `selected` is the ideal set; `candidates` continues it for callers that skip invalid downloads.
  return { chosenFrom, selected: candidates.slice(0, Math.max(1, opts.history)), candidates };
}

export interface FindBaseOptions {
  owner: string;
  repo: string;
  repositoryId?: number;
  baseRef: string;
  baseSha?: string;
  headSha: string;
  artifactName: string;
  history: number;
  /** commits to walk back from the merge-base; default 20 */
  maxAncestors?: number;
  /** per artifact zip; default 5 MiB */
  maxBytes?: number;
  /** artifact list pages of 100 to read; default 5 */
  maxPages?: number;
  /** the merge-base when the caller already knows it (many jobs of one PR): skips the compare call */
  mergeBaseSha?: string | null;
  /**
   * Which downloaded reports count towards `history` (e.g. same hardware as the head). Reports that do not
   * match are still returned (the comparison lists them as skipped), and up to `history` more artifacts are
   * read to find matching ones. Default: every valid report matches.
   */
  matches?: (report: Report) => boolean;
  log: { warn(msg: string): void; debug?(msg: string): void };
}

export interface BaseReports {
  reports: Report[];
  mergeBaseSha: string | null;
  chosenFrom: ChosenFrom;
  warnings: string[];
}

const PERMISSION_HINT =
  "the workflow needs `permissions: actions: read` to read base-branch report artifacts";

/** The merge-base of the base branch (or base SHA) and the head SHA, by the compare API. Throws API errors. */
export async function findMergeBase(
  octokit: GitHubClient,
  opts: Pick<FindBaseOptions, "owner" | "repo" | "baseRef" | "baseSha" | "headSha">,
): Promise<string> {
  const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
    owner: opts.owner,
    repo: opts.repo,
    basehead: `${opts.baseSha ?? opts.baseRef}...${opts.headSha}`,
    per_page: 1,
  });
  return data.merge_base_commit.sha;
}

export async function findBaseReports(octokit: GitHubClient, opts: FindBaseOptions): Promise<BaseReports> {
  const warnings: string[] = [];
  const warn = (msg: string): void => {
    warnings.push(msg);
    opts.log.warn(msg);
  };
  const repo = { owner: opts.owner, repo: opts.repo };
  const fail = (what: string, error: unknown): void => {
    const status = errorStatus(error);
    const why =
      status === 403
        ? ` (403: ${PERMISSION_HINT})`
        : ` (${status ?? "network"}: ${(error as Error).message})`;
    warn(`Could not ${what}${why}`);
  };

  let mergeBaseSha: string | null;
  if (opts.mergeBaseSha !== undefined) mergeBaseSha = opts.mergeBaseSha;
  else {
    try {
      mergeBaseSha = await findMergeBase(octokit, opts);
    } catch (error) {
      mergeBaseSha = null;
      fail(`find the merge-base of ${opts.baseRef} and ${opts.headSha.slice(0, 12)}`, error);
    }
  }

  let artifacts: ArtifactInfo[];
  try {
    artifacts = await listArtifactsByName(octokit, repo, opts.artifactName, opts.maxPages ?? 5);
  } catch (error) {
    fail(`list the artifacts named ${opts.artifactName}`, error);
    return { reports: [], mergeBaseSha, chosenFrom: "none", warnings };
  }

  const choose = (ancestors: string[]) =>
    chooseBaseArtifacts(artifacts, {
      mergeBaseSha,
      ancestors,
      baseRef: opts.baseRef,
      history: opts.history,
      repositoryId: opts.repositoryId,
    });
  let choice = choose([]);
  if (choice.chosenFrom !== "merge-base" && mergeBaseSha !== null) {
    // Only walk history when the merge-base itself has no report: one extra API call.
    try {
      const { data } = await octokit.rest.repos.listCommits({
        ...repo,
        sha: mergeBaseSha,
        per_page: Math.min(100, opts.maxAncestors ?? 20),
      });
      choice = choose(data.map((c) => c.sha));
    } catch (error) {
      fail(`list the ancestors of ${mergeBaseSha.slice(0, 12)}`, error);
    }
  }

  const reports: Report[] = [];
  let matching = 0;
  // Invalid artifacts are skipped, so look at a few more than `history`, but boundedly; with a matcher, up
  // to `history` more, so that base runs on other hardware do not crowd out the ones that match.
  const budget = opts.history + 3 + (opts.matches ? opts.history : 0);
  for (const artifact of choice.candidates.slice(0, budget)) {
    if (matching >= opts.history) break;
    const where = `artifact ${artifact.name} (id ${artifact.id}, run ${artifact.workflowRun?.id ?? "?"})`;
    try {
      const zip = await downloadArtifactZip(
        octokit,
        repo,
        artifact.id,
        opts.maxBytes ?? 5 * 1024 * 1024,
        where,
      );
      const report = reportFromZip(zip, where);
      reports.push(report);
      if (!opts.matches || opts.matches(report)) matching++;
    } catch (error) {
      if (errorStatus(error) !== null) fail(`download ${where}`, error);
      else warn(`Skipped ${where}: ${(error as Error).message}`);
      if (errorStatus(error) === 403) break;
    }
  }
  const chosenFrom = reports.length > 0 ? choice.chosenFrom : "none";
  return { reports, mergeBaseSha, chosenFrom, warnings };
}

async function listArtifactsByName(
  octokit: GitHubClient,
  repo: { owner: string; repo: string },
  name: string,
  maxPages: number,
): Promise<ArtifactInfo[]> {
  const out: ArtifactInfo[] = [];
  for (let page = 1; page <= maxPages; page++) {
    const { data } = await octokit.rest.actions.listArtifactsForRepo({ ...repo, name, per_page: 100, page });
    for (const a of data.artifacts) {
      const run = a.workflow_run;
      out.push({
        id: a.id,
        name: a.name,
        expired: a.expired,
        createdAt: a.created_at ?? "",
        sizeInBytes: a.size_in_bytes,
        workflowRun:
          run?.id != null &&
          run.head_sha &&
          run.head_branch &&
          run.repository_id != null &&
          run.head_repository_id != null
            ? {
                id: run.id,
                headSha: run.head_sha,
                headBranch: run.head_branch,
                repositoryId: run.repository_id,
                headRepositoryId: run.head_repository_id,
              }
            : null,
      });
    }
    if (data.artifacts.length < 100) break;
  }
  return out;
}

/** The REST zip endpoint redirects to blob storage; read the body ourselves so the cap holds while reading. */
export async function downloadArtifactZip(
  octokit: GitHubClient,
  repo: { owner: string; repo: string },
  artifactId: number,
  maxBytes: number,
  where: string,
): Promise<Uint8Array> {
  const response = await octokit.rest.actions.downloadArtifact({
    ...repo,
    artifact_id: artifactId,
    archive_format: "zip",
    request: { parseSuccessResponseBody: false },
  });
  const declared = Number(response.headers["content-length"] ?? NaN);
  const body = response.data as unknown as ReadableStream<Uint8Array> | null;
  const tooBig = (): Error => new Error(`${where} is larger than the ${maxBytes}-byte limit`);
  if (declared > maxBytes) {
    await body?.cancel();
    throw tooBig();
  }
  if (!body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooBig(); // leaving the loop cancels the stream
    chunks.push(chunk);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) out.set(c, (at += c.byteLength) - c.byteLength);
  return out;
}

/** The first `.json` entry of a report artifact, zod-validated; throws naming the artifact and the path. */
export function reportFromZip(zip: Uint8Array, where: string): Report {
  const files = unzipUntrusted(zip, where, (name) => name.endsWith(".json"));
  const [first] = [...files.keys()].sort();
  if (first === undefined) throw new Error(`${where} holds no .json report`);
  return parseReportJson(new TextDecoder().decode(files.get(first)), `${where} ${first}`);
}
