import { describe, expect, it } from "vitest";
import * as z from "zod";
import { describeZodIssues } from "../../src/model/zod-issues.js";

const Schema = z.object({ a: z.number().min(0), b: z.array(z.string()), c: z.string() });

describe("describeZodIssues", () => {
  it("names the path and zod's message of the first problem, and counts the rest", () => {
    const result = Schema.safeParse({ a: -1, b: [1], c: 2 });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(describeZodIssues(result.error)).toBe("a: Too small: expected number to be >=0 (and 2 more)");
    expect(describeZodIssues(result.error, 3)).toBe(
      "a: Too small: expected number to be >=0; b.0: Invalid input: expected string, received number; c: Invalid input: expected string, received number",
    );
  });

  it("names the root when the value itself is wrong", () => {
    const result = Schema.safeParse(7);
    if (result.success) throw new Error("7 parsed as an object");
    expect(describeZodIssues(result.error)).toBe("(root): Invalid input: expected object, received number");
  });
});
