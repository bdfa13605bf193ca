/**
 * Who measured what: the job's key (artifact name suffix and comment section) and its report identity.
 *
 * A key must be unique per matrix combination and stable across runs: it names the artifact a later PR
 * compares with. Slugging alone is lossy (non-ASCII becomes `-`, so `日本語` and `中文` collide; values
 * are cut at 100 characters), so a job with a matrix, or whose names the slug changed, gets a readable
 * slug plus the first 10 hex digits of the SHA-256 of its canonical JSON (workflow, job, matrix with
 * sorted keys). Plain ASCII jobs without a matrix keep the bare slug, so their existing baselines still match.
 */
import { createHash } from "node:crypto";
import type { ActionsContext } from "../github/context.js";
import type { Identity } from "../model/report.js";

/** Longest key (the `key` input's limit; the artifact name adds the `ml-footprint-` prefix). */
const MAX_KEY = 100;
/** 40 bits: two of 10,000 combinations collide with probability ~5e-5 (birthday bound n²/2^41). */
const HASH_HEX = 10;
/** The report schema's limits on matrix names and values (model/report.ts). */
const MAX_MATRIX_NAME = 200;
const MAX_MATRIX_VALUE = 500;

/** JSON with object keys sorted at every level: the same matrix always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

const slug = (parts: string[]): string =>
  parts
    .join("-")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");

/** Default key: workflow + job + matrix values (sorted by name), slugged; hash-suffixed when needed. */
export function defaultKey(ctx: ActionsContext, matrix: Record<string, string> | null): string {
  const sorted = Object.entries(matrix ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const parts = [ctx.workflow, ctx.job, ...sorted.map(([, v]) => v)].filter(Boolean);
  const readable = slug(parts);
  const lossless = sorted.length === 0 && readable === parts.join("-") && readable.length <= MAX_KEY;
  if (lossless) return readable || "job";
  const hash = createHash("sha256")
    .update(canonicalJson({ workflow: ctx.workflow, job: ctx.job, matrix: Object.fromEntries(sorted) }))
    .digest("hex")
    .slice(0, HASH_HEX);
  const head = readable.slice(0, MAX_KEY - HASH_HEX - 1).replace(/-$/, "");
  return head ? `${head}-${hash}` : hash;
}

const clip = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

/** The matrix as the report stores it: names and values clipped to the schema's limits (the key keeps them apart). */
export function reportMatrix(matrix: Record<string, string> | null): Record<string, string> | null {
  if (!matrix) return null;
  return Object.fromEntries(
    Object.entries(matrix).map(([k, v]) => [clip(k, MAX_MATRIX_NAME), clip(v, MAX_MATRIX_VALUE)]),
  );
}

export function identityFrom(
  ctx: ActionsContext,
  key: string,
  matrix: Record<string, string> | null,
): Identity {
  return {
    repository: ctx.repository,
    sha: ctx.prHeadSha ?? ctx.sha,
    ref: ctx.ref,
    baseRef: ctx.baseRef,
    headRef: ctx.headRef,
    eventName: ctx.eventName,
    workflow: ctx.workflow,
    job: ctx.job,
    matrix: reportMatrix(matrix),
    runId: ctx.runId,
    runAttempt: ctx.runAttempt,
    prNumber: ctx.prNumber,
    key,
  };
}
