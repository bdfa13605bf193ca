/**
 * The sticky PR comment: one per PR and key, found by a hidden marker AND our own author, so a comment
 * someone else wrote (or pasted the marker into) is never edited. Unchanged bodies are not rewritten.
 *
 * Who "we" are: GraphQL `viewer { login databaseId }` answers for all three token kinds (the workflow's
 * GITHUB_TOKEN, GitHub App installation tokens, PATs), while REST `GET /user` is 403 for the first two.
 * GraphQL names bots without the `[bot]` suffix that REST puts on comment authors (`github-actions` vs
 * `github-actions[bot]`), so authors are matched by account id when both sides have one (ids are unique
 * across users and bots) and otherwise by login with the suffix stripped. The author returned by our own
 * create call is definitive, so the duplicate check after a create uses that.
 *
 * Two runs commenting at once: both list (no comment yet), both create. After a create we list again and
 * keep the oldest of ours: a run whose new comment is not the oldest writes its body into the oldest and
 * deletes its own. The later creator always sees the earlier comment (its list follows its own create), so
 * one comment remains. Duplicates left by older versions are deleted whenever we update.
 */
import type { GitHubClient } from "./client.js";
import { unthrottledGraphqlQuery } from "./client.js";
import { errorStatus } from "./errors.js";
import { commentMarker } from "../report/escape.js";

// One marker for the renderer and the API side, so the body we post is exactly the one we look for.
export { commentMarker };

/** Author of comments made with the workflow's GITHUB_TOKEN, as REST spells it. */
export const GITHUB_ACTIONS_LOGIN = "github-actions[bot]";

/** The token's account: the author of the comments it writes. */
export interface SelfIdentity {
  /** login as reported (REST spells bots with `[bot]`, GraphQL without); compared without the suffix */
  login: string;
  /** account id (GraphQL `databaseId`, REST `user.id`); null when unknown */
  id: number | null;
  /** where it came from: GraphQL viewer, REST /user, or assumed github-actions[bot] (both refused) */
  source: "graphql" | "rest" | "assumed";
}

export const ASSUMED_GITHUB_ACTIONS: SelfIdentity = {
  login: GITHUB_ACTIONS_LOGIN,
  id: null,
  source: "assumed",
};

export interface StickyCommentOptions {
  owner: string;
  repo: string;
  issueNumber: number;
  key: string;
  /** the body to post; the marker is prepended when absent */
  body: string;
  /**
   * The token's identity (resolveSelf). A string is taken as a login. null/undefined: github-actions[bot].
   */
  self?: SelfIdentity | string | null;
  /**
   * false: only update an existing comment, never start one (comment: auto when nothing changed beyond
   * noise: no new comment, but an existing one is kept current so it never goes stale). Default true.
   */
  createIfMissing?: boolean;
}

export interface PostedComment {
  action: "created" | "updated" | "unchanged";
  url: string;
  id: number;
  /** our own duplicate comments deleted (a concurrent run's create, or leftovers) */
  duplicatesRemoved?: number;
  /** the duplicate check after a create failed: said here, never thrown (the comment is posted) */
  warning?: string;
}
/** "skipped": createIfMissing was false and there was no comment to update. */
export type StickyCommentResult = PostedComment | { action: "skipped"; url: null; id: null };

interface ApiComment {
  id: number;
  body?: string | null;
  html_url: string;
  created_at: string;
  user?: { login: string; id: number } | null;
}

/** Our own duplicates deleted per run at most (a bound on the calls one run makes; the rest go next run). */
export const MAX_DUPLICATE_DELETES = 10;

const stripBot = (login: string): string => login.replace(/\[bot\]$/i, "").toLowerCase();

/** Did `self` write a comment whose author is `user`? */
export function isAuthoredBy(user: ApiComment["user"], self: SelfIdentity): boolean {
  if (!user) return false;
  if (self.id !== null && typeof user.id === "number") return user.id === self.id;
  if (self.source === "assumed") return user.login.toLowerCase() === self.login.toLowerCase();
  return stripBot(user.login) === stripBot(self.login);
}

function toSelf(self: StickyCommentOptions["self"]): SelfIdentity {
  if (self === null || self === undefined) return ASSUMED_GITHUB_ACTIONS;
  if (typeof self === "string") return { login: self, id: null, source: "rest" };
  return self;
}

const oldestFirst = (a: ApiComment, b: ApiComment): number =>
  a.created_at.localeCompare(b.created_at) || a.id - b.id;

/** Create or update the sticky comment. API errors propagate (with `.status`); the caller decides. */
export async function upsertStickyComment(
  octokit: GitHubClient,
  opts: StickyCommentOptions & { createIfMissing?: true },
): Promise<PostedComment>;
export async function upsertStickyComment(
  octokit: GitHubClient,
  opts: StickyCommentOptions,
): Promise<StickyCommentResult>;
export async function upsertStickyComment(
  octokit: GitHubClient,
  opts: StickyCommentOptions,
): Promise<StickyCommentResult> {
  const marker = commentMarker(opts.key);
  const body = opts.body.includes(marker) ? opts.body : `${marker}\n${opts.body}`;
  const base = { owner: opts.owner, repo: opts.repo };

  const listOurs = async (self: SelfIdentity): Promise<ApiComment[]> => {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      ...base,
      issue_number: opts.issueNumber,
      per_page: 100,
    });
    return comments
      .filter((c) => isAuthoredBy(c.user, self) && (c.body ?? "").includes(marker))
      .sort(oldestFirst);
  };
  const removeAll = async (comments: ApiComment[]): Promise<number> => {
    let removed = 0;
    for (const c of comments.slice(0, MAX_DUPLICATE_DELETES)) {
      try {
        await octokit.rest.issues.deleteComment({ ...base, comment_id: c.id });
        removed++;
      } catch (error) {
        // 404: the other run deleted it first
        if (errorStatus(error) !== 404) throw error;
      }
    }
    return removed;
  };
  const write = async (
    keep: ApiComment,
    duplicates: ApiComment[],
    unchanged: PostedComment["action"],
  ): Promise<PostedComment> => {
    const duplicatesRemoved = duplicates.length > 0 ? await removeAll(duplicates) : undefined;
    const extra = duplicatesRemoved === undefined ? {} : { duplicatesRemoved };
    if (keep.body === body) return { action: unchanged, url: keep.html_url, id: keep.id, ...extra };
    const { data } = await octokit.rest.issues.updateComment({ ...base, comment_id: keep.id, body });
    return { action: "updated", url: data.html_url, id: data.id, ...extra };
  };

  const ours = await listOurs(toSelf(opts.self));
  if (ours.length > 0) return write(ours[0]!, ours.slice(1), "unchanged");
  if (opts.createIfMissing === false) return { action: "skipped", url: null, id: null };

  const { data: created } = await octokit.rest.issues.createComment({
    ...base,
    issue_number: opts.issueNumber,
    body,
  });
  const posted: PostedComment = { action: "created", url: created.html_url, id: created.id };
  // The author of our own new comment is who we are, whatever resolveSelf guessed.
  const author: SelfIdentity = created.user
    ? { login: created.user.login, id: created.user.id, source: "rest" }
    : toSelf(opts.self);
  try {
    const after = await listOurs(author);
    const keep = after[0];
    if (!keep || keep.id === created.id) return posted;
    // A concurrent run created one first: write into the oldest, delete ours.
    const result = await write(
      { ...keep, body: keep.body ?? "" },
      [{ ...created, body: created.body ?? null }],
      "updated",
    );
    return { ...result, action: "updated" };
  } catch (error) {
    return {
      ...posted,
      warning: `the comment was posted, but the check for a duplicate from a concurrent run failed (${errorStatus(error) ?? "network"}: ${(error as Error).message})`,
    };
  }
}

const VIEWER_QUERY = "query { viewer { login databaseId } }";

/**
 * The token's own account, for the author check: GraphQL `viewer` (works for GITHUB_TOKEN, App
 * installation tokens and PATs), else REST GET /user (a GitHub Enterprise Server without GraphQL), else
 * the assumption github-actions[bot] when /user is 403 (installation tokens). Other REST errors propagate.
 */
export async function resolveSelf(octokit: GitHubClient): Promise<SelfIdentity> {
  try {
    const data = await unthrottledGraphqlQuery<{ viewer?: { login?: unknown; databaseId?: unknown } }>(
      octokit,
      VIEWER_QUERY,
    );
    const login = data.viewer?.login;
    const id = data.viewer?.databaseId;
    if (typeof login === "string" && login !== "")
      return { login, id: typeof id === "number" ? id : null, source: "graphql" };
  } catch {
    // fall through to REST
  }
  try {
    const { data } = await octokit.rest.users.getAuthenticated();
    return { login: data.login, id: data.id, source: "rest" };
  } catch (error) {
    if (errorStatus(error) === 403) return ASSUMED_GITHUB_ACTIONS;
    throw error;
  }
}
