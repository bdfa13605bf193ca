/**
 * Untrusted zip archives (report artifacts from other runs, possibly forks): unzip in memory with caps on
 * entry count and total uncompressed size (decompression bombs) and reject unsafe entry names (zip-slip).
 * Nothing is written to disk; the caller gets the bytes of the entries it asked for.
 */
import { unzipSync } from "fflate";

export interface UnzipLimits {
  /** most entries in the archive; default 100 */
  maxEntries?: number;
  /** most uncompressed bytes over all entries; default 20 MiB */
  maxTotalBytes?: number;
}

export class UnsafeArchiveError extends Error {
  override name = "UnsafeArchiveError";
}

/** Names that could escape a directory if someone ever extracted them: absolute, drive letters, `..`. */
export function isUnsafeEntryName(name: string): boolean {
  if (name === "" || name.includes("\0")) return true;
  if (name.startsWith("/") || name.startsWith("\\") || /^[A-Za-z]:/.test(name)) return true;
  return name.split(/[\\/]+/).some((part) => part === "..");
}

/**
 * Unzip `bytes`, keeping entries for which `want(name)` is true. Throws UnsafeArchiveError naming the
 * archive (`where`) on an unsafe name, too many entries or too many bytes, and on a corrupt archive.
 */
export function unzipUntrusted(
  bytes: Uint8Array,
  where: string,
  want: (name: string) => boolean,
  limits: UnzipLimits = {},
): Map<string, Uint8Array> {
  const maxEntries = limits.maxEntries ?? 100;
  const maxTotalBytes = limits.maxTotalBytes ?? 20 * 1024 * 1024;
  let entries = 0;
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      // Runs on the central directory before anything is inflated; fflate allocates `originalSize`
      // for an entry, so bounding the declared sizes bounds memory.
      filter(file) {
        entries += 1;
        if (entries > maxEntries)
          throw new UnsafeArchiveError(`${where}: more than ${maxEntries} zip entries`);
        if (isUnsafeEntryName(file.name))
          throw new UnsafeArchiveError(
            `${where}: unsafe zip entry name ${JSON.stringify(file.name.slice(0, 200))}`,
          );
        if (file.name.endsWith("/") || !want(file.name)) return false;
        total += file.originalSize;
        if (total > maxTotalBytes)
          throw new UnsafeArchiveError(`${where}: uncompressed size over ${maxTotalBytes} bytes`);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof UnsafeArchiveError) throw error;
    throw new UnsafeArchiveError(`${where}: not a readable zip archive (${(error as Error).message})`);
  }
  const out = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(files)) {
    // A lying header cannot smuggle more bytes than declared past the cap, but check what we got anyway.
    if (data.byteLength > maxTotalBytes)
      throw new UnsafeArchiveError(`${where}: entry ${name} over ${maxTotalBytes} bytes`);
    out.set(name, data);
  }
  return out;
}
