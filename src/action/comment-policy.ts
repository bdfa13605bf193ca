/**
 * When the PR comment is written: one rule for measure, report and publish modes.
 * - `always` (the default; `auto` is the same, kept for workflows written before 1.0): one sticky comment on
 *   every pull request, created on the first run and updated on every push, whatever the verdict — a decrease
 *   or a change within noise is news too.
 * - `on-change`: for repositories that want quiet: a comment is started only for an increase or a decrease
 *   (the total or any row the comment shows) or a budget over; an existing comment is still updated, so it
 *   never shows stale numbers.
 * - `never`: the job summary only, not one comment API call.
 */
import type { BudgetResult } from "../report/budgets.js";
import type { Verdict } from "../report/compare.js";

export const COMMENT_MODES = ["always", "on-change", "never"] as const;
export type CommentMode = (typeof COMMENT_MODES)[number];
/** Accepted spellings: the modes and `auto`, the default's old name. */
export const COMMENT_INPUT_VALUES = [...COMMENT_MODES, "auto"] as const;

export function parseCommentMode(value: (typeof COMMENT_INPUT_VALUES)[number]): CommentMode {
  return value === "auto" ? "always" : value;
}

/** Whether a comment that does not exist yet is started (an existing one is always updated, except with never). */
export function shouldCreateComment(
  mode: CommentMode,
  verdicts: readonly Verdict[],
  budgets: readonly BudgetResult[],
): boolean {
  if (mode === "never") return false;
  if (mode === "always") return true;
  return verdicts.some((v) => v === "increase" || v === "decrease") || budgets.some((b) => b.over);
}

/** The log line when no comment was started. */
export function skippedCommentLine(verdict: Verdict): string {
  return `ml-footprint: no PR comment (comment: on-change and the change is ${verdict}, no budget over); the numbers are in the job summary`;
}
