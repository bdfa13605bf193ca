/**
 * The base branch's reports for a pull request: the run at the merge-base (compare API), else the
 * nearest ancestor with a report, else the newest run on the base branch; plus older base runs for the
 * noise band (with `matches`, until `history` of them match the head's hardware). Artifacts from fork runs are ignored (a fork's main is not our main); downloads are
 * untrusted: size-capped, unzipped with caps and zod-validated. Permission problems become warnings.
 */
import type { GitHubClient } from "./client.js";
import { collectPages } from "./client.js";
import { classifyApiError, errorStatus, explainApiError, Permission } from "./errors.js";
import { reportFromZip } from "./report-zip.js";
import type { Report } from "../model/report.js";

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

/**
 * Pure: order the candidate base artifacts, best first; the first is the comparison point, the rest
 * continue it (the caller reads until `history` valid ones, skipping invalid downloads).
 */
export function chooseBaseArtifacts(
  artifacts: ArtifactInfo[],
  opts: ChooseOptions,
): { chosenFrom: ChosenFrom; candidates: ArtifactInfo[] } {
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
  if (!primary) return { chosenFrom: "none", candidates: [] };

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
  return { chosenFrom, candidates: [primary, ...rest] };
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
  /** shared by the lookups of one aggregation: answers reused, calls counted against a budget */
  shared?: BaseLookupShared;
  /**
   * This lookup's fair share of the shared budget (artifact list pages and downloads): when it is used
   * up, the lookup stops with what it has, silently (fewer base runs, not an error). Default: no share.
   */
  maxCalls?: number;
  log: { warn(msg: string): void; debug?(msg: string): void };
}

/**
 * What the base lookups of many jobs of one PR share: the ancestor list of the merge-base (the same for
 * every job: read once, not once per job) and a budget of API calls for all lookups together.
 */
export class BaseLookupShared {
  private readonly ancestors = new Map<string, Promise<string[]>>();
  private recent: Promise<{ items: ArtifactInfo[]; complete: boolean }> | null = null;
  private used = 0;
  /**
   * `recentPages`: when above 0, the repository's newest artifacts (all names, pages of 100) are listed once
   * for every job, instead of one listing by name per job: a 100-job matrix's base lookups then cost a few
   * pages, not 100 lists. A job whose name is missing from an incomplete listing is listed by name.
   */
  constructor(
    readonly maxCalls: number = Number.POSITIVE_INFINITY,
    readonly recentPages: number = 0,
  ) {}
  recentArtifacts(load: () => Promise<{ items: ArtifactInfo[]; complete: boolean }>) {
    this.recent ??= load();
    return this.recent;
  }
  /** Take one call from the budget; false when it is spent. */
  take(): boolean {
    if (this.used >= this.maxCalls) return false;
    this.used++;
    return true;
  }
  get calls(): number {
    return this.used;
  }
  get exhausted(): boolean {
    return this.used >= this.maxCalls;
  }
  ancestorsOf(sha: string, load: () => Promise<string[]>): Promise<string[]> {
    let p = this.ancestors.get(sha);
    if (!p) {
      p = load();
      this.ancestors.set(sha, p);
    }
    return p;
  }
}

/** The lookup budget is spent: the rest of the jobs are compared without (more) base reports. */
export class LookupBudgetSpent extends Error {
  override name = "LookupBudgetSpent";
}
/** This job's share of the budget is used: it is compared with the base runs it has. */
class JobShareSpent extends Error {
  override name = "JobShareSpent";
}

export interface BaseReports {
  reports: Report[];
  mergeBaseSha: string | null;
  chosenFrom: ChosenFrom;
  warnings: string[];
  /** base artifacts chosen for the comparison that could not be read (download cut short, invalid): named */
  unreadable: string[];
}

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
  const shared = opts.shared ?? new BaseLookupShared();
  let own = 0;
  /** Count one API call: against this job's share (unless `sharedOnly`) and the run's budget. */
  const call = (sharedOnly = false): void => {
    if (!sharedOnly && own >= (opts.maxCalls ?? Number.POSITIVE_INFINITY)) throw new JobShareSpent();
    if (!sharedOnly) own++;
    if (!shared.take())
      throw new LookupBudgetSpent(
        `base-branch lookups stopped: the cap of ${shared.maxCalls} API calls per run for them is spent, so the remaining jobs are compared with fewer or no base runs`,
      );
  };
  const fail = (what: string, error: unknown, permission: Permission = Permission.ActionsRead): void => {
    // one text for every job, so the caller's log shows it once
    if (error instanceof LookupBudgetSpent) return warn(error.message);
    if (error instanceof JobShareSpent) return;
    warn(`Could not ${what} (${explainApiError(error, permission)})`);
  };

  let mergeBaseSha: string | null;
  if (opts.mergeBaseSha !== undefined) mergeBaseSha = opts.mergeBaseSha;
  else {
    try {
      call();
      mergeBaseSha = await findMergeBase(octokit, opts);
    } catch (error) {
      mergeBaseSha = null;
      fail(
        `find the merge-base of ${opts.baseRef} and ${opts.headSha.slice(0, 12)}`,
        error,
        Permission.ContentsRead,
      );
    }
  }

  let artifacts: ArtifactInfo[] | null = null;
  if (shared.recentPages > 0) {
    try {
      const recent = await shared.recentArtifacts(() =>
        listArtifacts(octokit, repo, null, shared.recentPages, () => call(true)),
      );
      const mine = recent.items.filter((a) => a.name === opts.artifactName);
      // complete: absence is an answer. Else it is enough when it holds the merge-base's run and more
      // eligible runs than the history needs; otherwise this job lists its name (older runs are there)
      const eligible = mine.filter((a) => isEligible(a, opts.repositoryId));
      const atMergeBase = eligible.some((a) => a.workflowRun?.headSha === mergeBaseSha);
      if (recent.complete || (atMergeBase && eligible.length > opts.history)) {
        artifacts = mine;
        // the job's share still pays for a listing: what it saves goes back to the run, not to more downloads
        own++;
      }
    } catch (error) {
      if (error instanceof LookupBudgetSpent || error instanceof JobShareSpent) {
        fail("list the repository's artifacts", error);
        return { reports: [], mergeBaseSha, chosenFrom: "none", warnings, unreadable: [] };
      }
      // another failure: the listing by name below says what went wrong
    }
  }
  try {
    artifacts ??= await listArtifactsByName(octokit, repo, opts.artifactName, opts.maxPages ?? 5, call);
  } catch (error) {
    fail(`list the artifacts named ${opts.artifactName}`, error);
    return { reports: [], mergeBaseSha, chosenFrom: "none", warnings, unreadable: [] };
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
    const sha = mergeBaseSha;
    try {
      const ancestors = await shared.ancestorsOf(sha, async () => {
        call(true); // read once for every job: the run's budget, not this job's share
        const { data } = await octokit.rest.repos.listCommits({
          ...repo,
          sha,
          per_page: Math.min(100, opts.maxAncestors ?? 20),
        });
        return data.map((c) => c.sha);
      });
      choice = choose(ancestors);
    } catch (error) {
      fail(`list the ancestors of ${sha.slice(0, 12)}`, error, Permission.ContentsRead);
    }
  }

  const reports: Report[] = [];
  const unreadable: string[] = [];
  let matching = 0;
  // Invalid artifacts are skipped, so look at a few more than `history`, but boundedly; with a matcher, up
  // to `history` more, so that base runs on other hardware do not crowd out the ones that match.
  const budget = opts.history + 3 + (opts.matches ? opts.history : 0);
  for (const artifact of choice.candidates.slice(0, budget)) {
    if (matching >= opts.history) break;
    const where = `artifact ${artifact.name} (id ${artifact.id}, run ${artifact.workflowRun?.id ?? "?"})`;
    try {
      call();
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
      if (error instanceof JobShareSpent) break;
      if (!(error instanceof LookupBudgetSpent)) unreadable.push(where);
      if (errorStatus(error) !== null || error instanceof LookupBudgetSpent) fail(`download ${where}`, error);
      else warn(`Skipped ${where}: ${(error as Error).message}`);
      // a permission or rate-limit answer, or a spent budget, will not change for the next artifact
      if (error instanceof LookupBudgetSpent) break;
      const kind = classifyApiError(error).kind;
      if (kind === "permission" || kind.startsWith("rate-limit")) break;
    }
  }
  const chosenFrom = reports.length > 0 ? choice.chosenFrom : "none";
  return { reports, mergeBaseSha, chosenFrom, warnings, unreadable };
}

async function listArtifactsByName(
  octokit: GitHubClient,
  repo: { owner: string; repo: string },
  name: string,
  maxPages: number,
  call: () => void,
): Promise<ArtifactInfo[]> {
  return (await listArtifacts(octokit, repo, name, maxPages, call)).items;
}

/** The repository's artifacts, newest first (only those named `name` unless null); `complete` when all were read. */
async function listArtifacts(
  octokit: GitHubClient,
  repo: { owner: string; repo: string },
  name: string | null,
  maxPages: number,
  call: () => void,
): Promise<{ items: ArtifactInfo[]; complete: boolean }> {
  const { items, truncated } = await collectPages(
    octokit.paginate.iterator(octokit.rest.actions.listArtifactsForRepo, {
      ...repo,
      ...(name === null ? {} : { name }),
      per_page: 100,
    }),
    maxPages,
    call,
  );
  return { items: items.map(toArtifactInfo), complete: !truncated };
}

type ListedArtifact = Awaited<
  ReturnType<GitHubClient["rest"]["actions"]["listArtifactsForRepo"]>
>["data"]["artifacts"][number];

function toArtifactInfo(a: ListedArtifact): ArtifactInfo {
  const run = a.workflow_run;
  return {
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
  };
}

/** A download that ended early or does not hold a whole zip archive: worth another try. */
export class IncompleteDownloadError extends Error {
  override name = "IncompleteDownloadError";
}

class DownloadTooLarge extends Error {
  override name = "DownloadTooLarge";
}

/** Tries per artifact download when the body arrives cut short (a dropped connection, a cancelled stream). */
export const DOWNLOAD_TRIES = 3;

/**
 * The REST zip endpoint redirects to blob storage; read the body ourselves so the cap holds while reading.
 * A body shorter than its Content-Length, or one that is not a whole zip archive (no end-of-central-directory
 * record), is never returned: it is tried again, up to DOWNLOAD_TRIES times, then an error names `where`.
 * HTTP errors are Octokit's to retry (5xx) or not (4xx); a body over `maxBytes` is not retried.
 */
export async function downloadArtifactZip(
  octokit: GitHubClient,
  repo: { owner: string; repo: string },
  artifactId: number,
  maxBytes: number,
  where: string,
  tries: number = DOWNLOAD_TRIES,
): Promise<Uint8Array> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await downloadOnce(octokit, repo, artifactId, maxBytes, where);
    } catch (error) {
      if (!(error instanceof IncompleteDownloadError)) throw error;
      if (attempt >= tries)
        throw new IncompleteDownloadError(`${error.message}, ${tries} tries; not counted`);
    }
  }
}

async function downloadOnce(
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
  const header = response.headers["content-length"];
  const declared = header === undefined ? null : Number(header);
  const body = response.data as unknown as ReadableStream<Uint8Array> | null;
  const tooBig = (): Error => new DownloadTooLarge(`${where} is larger than the ${maxBytes}-byte limit`);
  if (declared !== null && declared > maxBytes) {
    await body?.cancel();
    throw tooBig();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of (body ?? []) as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > maxBytes) throw tooBig(); // leaving the loop cancels the stream
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof DownloadTooLarge) throw error;
    // the connection dropped or the stream was cancelled mid-body; an abort (the deadline) is not retried
    if ((error as Error).name === "AbortError" || (error as Error).name === "TimeoutError") throw error;
    throw new IncompleteDownloadError(
      `${where}: the download broke off after ${size} bytes (${(error as Error).message})`,
    );
  }
  if (declared !== null && Number.isFinite(declared) && size !== declared)
    throw new IncompleteDownloadError(
      `${where}: the download ended after ${size} of ${declared} bytes (Content-Length)`,
    );
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) out.set(c, (at += c.byteLength) - c.byteLength);
  if (!hasEndOfCentralDirectory(out))
    throw new IncompleteDownloadError(
      `${where}: the download (${size} bytes) is not a whole zip archive (no end-of-central-directory record)`,
    );
  return out;
}

/**
 * A zip archive ends with an end-of-central-directory record: signature PK\x05\x06, 22 bytes plus a comment
 * of at most 65,535 bytes (PKWARE APPNOTE.TXT 6.3.10, section 4.3.16). A body cut short loses it.
 */
export function hasEndOfCentralDirectory(bytes: Uint8Array): boolean {
  const minimum = 22;
  if (bytes.byteLength < minimum) return false;
  const from = Math.max(0, bytes.byteLength - minimum - 0xffff);
  for (let i = bytes.byteLength - minimum; i >= from; i--) {
    if (bytes[i] !== 0x50 || bytes[i + 1] !== 0x4b || bytes[i + 2] !== 0x05 || bytes[i + 3] !== 0x06)
      continue;
    const commentLength = (bytes[i + 20] as number) | ((bytes[i + 21] as number) << 8);
    if (i + minimum + commentLength === bytes.byteLength) return true;
  }
  return false;
}
