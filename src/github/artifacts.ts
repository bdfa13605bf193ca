/**
 * Store the report as a workflow artifact with @actions/artifact (v6, the results service + blob
 * storage). Loaded lazily: it brings the Azure storage SDK, which a measurement start never needs.
 * A failed upload is a warning, never an exception: the report file is already on disk.
 */
import type { ArtifactClient } from "@actions/artifact";

export interface UploadReportOptions {
  name: string;
  /** absolute paths under rootDir */
  files: string[];
  rootDir: string;
  retentionDays: number;
  /** injected for tests; default DefaultArtifactClient (reads ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL) */
  client?: ArtifactClient;
}

export interface UploadReportResult {
  id: number | null;
  size: number | null;
  warning: string | null;
}

export async function uploadReportArtifact(opts: UploadReportOptions): Promise<UploadReportResult> {
  try {
    const client = opts.client ?? new (await import("@actions/artifact")).DefaultArtifactClient();
    const result = await client.uploadArtifact(opts.name, opts.files, opts.rootDir, {
      retentionDays: opts.retentionDays,
    });
    return { id: result.id ?? null, size: result.size ?? null, warning: null };
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    return {
      id: null,
      size: null,
      warning: `Could not upload the report artifact ${opts.name}: ${message}. The report is still in the job summary; a base-branch comparison for later PRs needs this artifact.`,
    };
  }
}

/** Characters upload-artifact rejects in names (@actions/artifact path-and-artifact-name-validation). */
const FORBIDDEN = /[":<>|*?\\/\r\n]/g;
export const ARTIFACT_PREFIX = "ml-footprint-";
/** Artifact names are limited in practice; keep well inside (GitHub docs on artifact names, 2024). */
const MAX_NAME = 200;

/** `ml-footprint-<key>` with forbidden characters replaced by `_`, at most 200 characters. */
export function artifactNameForKey(key: string): string {
  const cleaned = key
    .replace(FORBIDDEN, "_")
    // other control characters are not forbidden by the client but make useless names
    .replace(/\p{Cc}/gu, "_")
    .trim();
  const body = cleaned === "" ? "default" : cleaned;
  return `${ARTIFACT_PREFIX}${body}`.slice(0, MAX_NAME);
}
