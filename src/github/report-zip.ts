/**
 * The one way a report artifact zip becomes a Report (base-branch artifacts and the artifacts of an
 * aggregated or fork run alike): unzipped in memory with caps (unzip.ts), the first `.json` entry by
 * name, zod-validated. Throws naming the artifact and the entry.
 */
import { unzipUntrusted } from "./unzip.js";
import { parseReportJson, type Report } from "../model/report.js";

export interface ReportZipLimits {
  /** uncompressed bytes over the archive's .json entries; default 10 MiB, the CLI's MAX_REPORT_BYTES */
  maxReportBytes?: number;
  /** entries in the archive; default 20 (an upload holds one report) */
  maxEntries?: number;
}

export function reportFromZip(zip: Uint8Array, where: string, limits: ReportZipLimits = {}): Report {
  return sizedReportFromZip(zip, where, limits).report;
}

/** reportFromZip, with the uncompressed bytes of the report entry (for a cap over many artifacts). */
export function sizedReportFromZip(
  zip: Uint8Array,
  where: string,
  limits: ReportZipLimits = {},
): { report: Report; bytes: number } {
  const files = unzipUntrusted(zip, where, (name) => name.endsWith(".json"), {
    maxEntries: limits.maxEntries ?? 20,
    maxTotalBytes: limits.maxReportBytes ?? 10 * 1024 * 1024,
  });
  const [first] = [...files.keys()].sort();
  if (first === undefined) throw new Error(`${where} holds no .json report`);
  const bytes = files.get(first)!;
  return {
    report: parseReportJson(new TextDecoder().decode(bytes), `${where} ${JSON.stringify(first)}`),
    bytes: bytes.byteLength,
  };
}
