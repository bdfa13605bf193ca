import { describe, expect, it } from "vitest";
import { commentMarker as apiMarker } from "../../src/github/comment.js";
import { buildCommentModel } from "../../src/report/render-model.js";
import { renderComment } from "../../src/report/render-markdown.js";
import { makeReport } from "../report/make-report.js";

describe("one marker for the renderer and the sticky-comment lookup", () => {
  it.each(["train", "ci-train+gpu", "a--b-->c", "matrix/py3.11 (cuda)"])(
    "key %j: the rendered body carries the marker the API side looks for, once",
    (key) => {
      const body = renderComment(
        buildCommentModel({
          key,
          reports: [{ head: makeReport(), comparison: null, history: [] }],
          budgets: [],
          baseRef: "main",
          baseSha: null,
          toolVersion: "test",
        }),
      );
      const marker = apiMarker(key);
      expect(body.startsWith(marker)).toBe(true);
      expect(body.split("<!-- ml-footprint:").length - 1).toBe(1);
    },
  );
});
