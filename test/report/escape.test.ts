import { describe, expect, it } from "vitest";
import {
  clip,
  commentMarker,
  escapeMarkdown,
  mermaidLabel,
  sanitizeMarkerKey,
} from "../../src/report/escape.js";

describe("escapeMarkdown", () => {
  it("turns HTML, comments and markers into inert text", () => {
    const out = escapeMarkdown("<!-- ml-footprint:x --><script>alert(1)</script>", 500);
    expect(out).not.toMatch(/<|>/);
    expect(out).not.toContain("<!--");
    expect(out).not.toContain("-->");
    expect(out).toContain("&lt;script&gt;");
  });
  it("escapes table pipes, code, emphasis and link syntax", () => {
    expect(escapeMarkdown("a|b")).toBe("a\\|b");
    expect(escapeMarkdown("`x` *y* _z_")).toBe("\\`x\\` \\*y\\* \\_z\\_");
    expect(escapeMarkdown("[a](javascript:alert(1))")).toBe("\\[a\\]\\(javascript:alert\\(1\\)\\)");
    expect(escapeMarkdown("a\\|b")).toBe("a\\\\\\|b");
  });
  it("neutralises mentions, newlines and URL autolinks", () => {
    expect(escapeMarkdown("@everyone")).toBe("@\u200Deveryone");
    expect(escapeMarkdown("a\nb\r\nc\u2028d")).toBe("a b c d");
    expect(escapeMarkdown("see https://evil.example")).not.toContain("://");
  });
  it("clips long labels by code point", () => {
    const long = "😀".repeat(200);
    const out = escapeMarkdown(long, 10);
    expect(Array.from(out)).toHaveLength(10);
    expect(out.endsWith("…")).toBe(true);
    expect(clip("short")).toBe("short");
  });
});

describe("marker keys", () => {
  it("cannot close the comment or carry markup", () => {
    expect(sanitizeMarkerKey("a --> b <!-- c")).toBe("a-b-c");
    expect(sanitizeMarkerKey("train/mnist (py3.12)")).toBe("train/mnist-py3.12");
    expect(sanitizeMarkerKey("---")).toBe("default");
    expect(sanitizeMarkerKey("x".repeat(300))).toHaveLength(100);
    expect(commentMarker("wf/job --> <b>")).toBe("<!-- ml-footprint:wf/job-b -->");
  });
});

describe("mermaidLabel", () => {
  it("keeps only a safe character set", () => {
    expect(mermaidLabel('a"]\n```evil')).toBe("a evil");
    expect(mermaidLabel("")).toBe("?");
  });
});
