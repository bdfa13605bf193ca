/**
 * Small kernel files read at every tick (/proc/stat, RAPL energy_uj, a cgroup's cpu.stat) kept open between ticks:
 * one pread at offset 0 reads each afresh (procfs, sysfs and cgroupfs regenerate a read from the file's start), one
 * system call per file and tick instead of readFileSync's five (open, fstat, two reads, close). Only the file's
 * first `bytes` are read. close() when sampling ends; a later read opens the file again.
 */
import { closeSync, openSync, readSync } from "node:fs";

export class HeadFiles {
  private readonly fds = new Map<string, number>();
  private readonly buffer: Buffer;

  constructor(bytes: number) {
    this.buffer = Buffer.alloc(bytes);
  }

  /** The file's head as latin1 text; throws where it cannot be opened or read (then reopened next time). */
  read(path: string): string {
    let fd = this.fds.get(path);
    if (fd === undefined) {
      fd = openSync(path, "r");
      this.fds.set(path, fd);
    }
    try {
      const bytes = readSync(fd, this.buffer, 0, this.buffer.length, 0);
      return this.buffer.toString("latin1", 0, bytes);
    } catch (error) {
      // Reopened next time (a driver reload replaces the file).
      this.fds.delete(path);
      closeQuietly(fd);
      throw error;
    }
  }

  close(): void {
    for (const fd of this.fds.values()) closeQuietly(fd);
    this.fds.clear();
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}
