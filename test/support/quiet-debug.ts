/**
 * A quiet test run: code under test that runs in-process (the artifact client, @actions/core) writes
 * `::debug::` workflow commands straight to stdout, hundreds per run. They are held back per test and
 * printed only when that test fails, where they help (vitest setupFiles; installed once per worker).
 */
import { beforeEach } from "vitest";

const INSTALLED = Symbol.for("ml-footprint.quiet-debug");
type Held = { lines: string[] };
const state = globalThis as typeof globalThis & { [INSTALLED]?: Held };

if (!state[INSTALLED]) {
  const held: Held = { lines: [] };
  state[INSTALLED] = held;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    if (text.startsWith("::debug::")) {
      held.lines.push(text);
      const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      callback?.();
      return true;
    }
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
}

beforeEach(({ onTestFailed }) => {
  const held = state[INSTALLED]!;
  held.lines = [];
  onTestFailed(() => {
    if (held.lines.length === 0) return;
    process.stderr.write(
      `--- ${held.lines.length} debug line(s) of the failed test ---\n${held.lines.join("")}`,
    );
  });
});
