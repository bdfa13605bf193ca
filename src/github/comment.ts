/**
 * The sticky PR comment: one per PR and key, found by a hidden marker AND our own author, so a comment
 * someone else wrote (or pasted the marker into) is never edited. Unchanged bodies are not rewritten.
 */
import type { GitHubClient } from "./client.js";
import { errorStatus } from "./client.js";
import { commentMarker } from "../report/escape.js";

// One marker for the renderer and the API side, so the body we post is exactly the one we look for.
export { commentMarker };

/** Author of comments made with the workflow's GITHUB_TOKEN. */
export const GITHUB_ACTIONS_LOGIN = "github-actions[bot]";

export interface StickyCommentOptions {
  owner: string;
  repo: string;
  issueNumber: number;
  key: string;
  /** the body to post; the marker is prepended when absent */
  body: string;
  /** login of the token's user when known (GET /user); null/undefined → github-actions[bot] */
  selfLogin?: string | null;
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
}
/** "skipped": createIfMissing was false and there was no comment to update. */
export type StickyCommentResult = PostedComment | { action: "skipped"; url: null; id: null };

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
  const author = (opts.selfLogin ?? GITHUB_ACTIONS_LOGIN).toLowerCase();
  const base = { owner: opts.owner, repo: opts.repo };

  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    ...base,
    issue_number: opts.issueNumber,
    per_page: 100,
  });
  const ours = comments.find(
    (c) => c.user?.login.toLowerCase() === author && (c.body ?? "").includes(marker),
  );

  if (!ours && opts.createIfMissing === false) return { action: "skipped", url: null, id: null };
  if (!ours) {
    const { data } = await octokit.rest.issues.createComment({
      ...base,
      issue_number: opts.issueNumber,
      body,
    });
    return { action: "created", url: data.html_url, id: data.id };
  }
  if (ours.body === body) return { action: "unchanged", url: ours.html_url, id: ours.id };
  const { data } = await octokit.rest.issues.updateComment({ ...base, comment_id: ours.id, body });
  return { action: "updated", url: data.html_url, id: data.id };
}

/**
 * The token's own login, for the author check. Installation tokens (the GITHUB_TOKEN, GitHub Apps)
 * get 403 on GET /user: that means "github-actions[bot]" → null. Other errors propagate.
 */
export async function resolveSelfLogin(octokit: GitHubClient): Promise<string | null> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated();
    return data.login;
  } catch (error) {
    if (errorStatus(error) === 403) return null;
    throw error;
  }
}
