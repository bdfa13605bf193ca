// The network deadline (src/action/network.ts): work that settles first wins; a deadline that passes first
// aborts the signal, abandons the work (a late rejection is swallowed) and marks the process for exit.
import { describe, expect, it } from "vitest";
import {
  deadlineWarning,
  NetworkProgress,
  networkWorkAbandoned,
  startNetworkDeadline,
} from "../../src/action/network.js";

describe("startNetworkDeadline", () => {
  it("work that settles first: its value, the signal untouched", async () => {
    const deadline = startNetworkDeadline(60);
    await expect(deadline.race(async () => 42)).resolves.toEqual({ done: true, value: 42 });
    expect(deadline.signal.aborted).toBe(false);
  });

  it("work that fails first: its error is thrown (the caller warns)", async () => {
    const deadline = startNetworkDeadline(60);
    await expect(deadline.race(async () => Promise.reject(new Error("403")))).rejects.toThrow("403");
  });

  it("work that never settles: done: false, the signal aborted, a late rejection swallowed", async () => {
    const deadline = startNetworkDeadline(1);
    let rejectLate: (error: Error) => void = () => undefined;
    const outcome = await deadline.race(
      () => new Promise<never>((_resolve, reject) => (rejectLate = reject)),
    );
    expect(outcome).toEqual({ done: false });
    expect(deadline.signal.aborted).toBe(true);
    expect(networkWorkAbandoned()).toBe(true);
    rejectLate(new Error("aborted")); // no unhandled rejection: vitest would report it
  });
});

describe("what a timeout warning names", () => {
  it("the stages not done, in order", () => {
    const progress = new NetworkProgress(["report artifact upload", "base-branch comparison", "PR comment"]);
    progress.done("report artifact upload");
    expect(progress.skipped()).toEqual(["base-branch comparison", "PR comment"]);
    expect(deadlineWarning(60, progress.skipped(), "the report is at r.json")).toBe(
      "ml-footprint: the GitHub network part did not finish within network-timeout (60 s); skipped: base-branch comparison, PR comment; the report is at r.json (raise network-timeout if the API is slow)",
    );
  });
});
