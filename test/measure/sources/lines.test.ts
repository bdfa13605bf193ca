import { describe, expect, it } from "vitest";
import { lineSplitter } from "../../../src/measure/sources/lines.js";

describe("lineSplitter", () => {
  it("joins a line split across chunks and keeps the unterminated tail for takeRest", () => {
    const seen: string[] = [];
    const lines = lineSplitter((line) => seen.push(line));
    lines.push("a,1\nb,");
    lines.push("2\nc");
    expect(seen).toEqual(["a,1", "b,2"]);
    expect(lines.takeRest()).toBe("c");
    expect(lines.takeRest()).toBe("");
  });

  it("cuts an overlong tail to its last characters, or drops it", () => {
    const kept: string[] = [];
    const tail = lineSplitter((line) => kept.push(line), 4, "keep-tail");
    tail.push("abcdefgh");
    tail.push("ij\n");
    expect(kept).toEqual(["efghij"]);
    const dropped: string[] = [];
    const drop = lineSplitter((line) => dropped.push(line), 4, "drop");
    drop.push("abcdefgh");
    drop.push("ij\n");
    expect(dropped).toEqual(["ij"]);
  });
});
