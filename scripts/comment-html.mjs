// The PR comment as GitHub shows it, for `npm run demo` (out/comment.html) and `npm run render:comment`
// (the pictures in docs/): markdown → HTML with marked (GFM), styled with github-markdown-css, Mermaid
// blocks drawn in the page by the mermaid package, all from node_modules (nothing fetched). The comment sits
// in a box as wide as a comment in a pull request's conversation (about 880 px).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { marked } from "marked";

const require = createRequire(import.meta.url);
/** A comment box in GitHub's conversation view is about 880 px wide, its text about 846 px. */
export const COMMENT_WIDTH_PX = 880;

export function cssPath() {
  return require.resolve("github-markdown-css/github-markdown-light.css");
}

export function mermaidPath() {
  return join(dirname(require.resolve("mermaid/package.json")), "dist", "mermaid.min.js");
}

/** The comment's markdown as HTML, as GitHub renders GFM (raw HTML such as <details> passes through). */
export function commentBodyHtml(markdown) {
  return marked.parse(markdown, { gfm: true, async: false });
}

/**
 * A whole page: the comment in a box with a header like GitHub's. `scriptSrc` is how the page loads
 * mermaid: a path relative to the page (for a file a reader opens) or a file:// address.
 */
export function commentPage(
  markdown,
  { title = "ml-footprint PR comment", scriptSrc, openDetails = [] } = {},
) {
  const css = readFileSync(cssPath(), "utf8");
  const body = commentBodyHtml(markdown);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>${css}
body { margin: 0; background: #fff; font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Apple Color Emoji", "Noto Color Emoji"; }
.frame { padding: 16px; width: ${COMMENT_WIDTH_PX}px; box-sizing: border-box; }
.comment { border: 1px solid #d1d9e0; border-radius: 6px; }
.comment-header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; border-radius: 6px 6px 0 0; padding: 8px 16px; font-size: 14px; color: #59636e; }
.comment-header b { color: #1f2328; }
.markdown-body { padding: 16px; font-size: 14px; }
.markdown-body pre.mermaid { background: #fff; text-align: center; }
</style></head>
<body><div class="frame"><div class="comment">
<div class="comment-header"><b>github-actions</b> <span class="bot">bot</span> commented</div>
<div class="markdown-body" id="comment">
${body}
</div></div></div>
<script src="${scriptSrc ?? mermaidPath()}"></script>
<script>
  const open = ${JSON.stringify(openDetails)};
  for (const d of document.querySelectorAll("details")) {
    const s = d.querySelector("summary");
    if (s && open.some((t) => s.textContent.startsWith(t))) d.open = true;
  }
  for (const code of document.querySelectorAll("pre > code.language-mermaid")) {
    const pre = document.createElement("pre");
    pre.className = "mermaid";
    pre.textContent = code.textContent;
    code.parentElement.replaceWith(pre);
  }
  window.renderDone = (async () => {
    if (window.mermaid) {
      mermaid.initialize({ startOnLoad: false, theme: "default" });
      await mermaid.run({ querySelector: "pre.mermaid" });
    }
    document.body.dataset.rendered = "true";
  })().catch((e) => { document.body.dataset.rendered = "error: " + e; });
</script>
</body></html>
`;
}

/** The page for a file at `htmlPath` that a reader opens (mermaid loaded from node_modules, relatively). */
export function commentPageFor(htmlPath, markdown, options = {}) {
  const rel = relative(dirname(htmlPath), mermaidPath()).split("\\").join("/");
  return commentPage(markdown, { ...options, scriptSrc: rel });
}

export function fileUrl(path) {
  return pathToFileURL(path).href;
}
