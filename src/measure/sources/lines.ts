/**
 * A child's stdout as lines: chunks may split a line, so the unterminated tail waits for the next chunk. A tail past
 * `maxChars` is cut, either to its last `maxChars` characters ("keep-tail") or dropped ("drop"), so a tool that never
 * prints a newline cannot grow memory without bound.
 */
export interface LineSplitter {
  push(chunk: string): void;
  /** the unterminated tail so far (e.g. at close), and forget it */
  takeRest(): string;
}

export function lineSplitter(
  onLine: (line: string) => void,
  maxChars = Number.POSITIVE_INFINITY,
  overlong: "keep-tail" | "drop" = "keep-tail",
): LineSplitter {
  let pending = "";
  return {
    push(chunk) {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      if (pending.length > maxChars) pending = overlong === "drop" ? "" : pending.slice(-maxChars);
      for (const line of lines) onLine(line);
    },
    takeRest() {
      const rest = pending;
      pending = "";
      return rest;
    },
  };
}
