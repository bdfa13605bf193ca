/**
 * One way to name what zod rejected: `path: message` for the first problems, root as "(root)". Used by every
 * reader of validated files (reports, samples, metrics, event payloads) so their messages read alike.
 */
import type * as z from "zod";

export function describeZodIssues(error: z.ZodError, max = 1): string {
  const parts = error.issues.slice(0, max).map((issue) => {
    const path = issue.path.length ? issue.path.map(String).join(".") : "(root)";
    return `${path}: ${issue.message}`;
  });
  const more = error.issues.length > max ? ` (and ${error.issues.length - max} more)` : "";
  return `${parts.join("; ")}${more}`;
}
