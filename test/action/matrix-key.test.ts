/**
 * Issue 13: matrix keys unique per combination and stable across runs. Values that differed only after 100
 * characters or only in non-ASCII (`日本語` vs `中文`) gave one key, so two jobs shared one artifact, one
 * comment section and one baseline; an object-valued matrix failed the job at input and a value over 500
 * characters failed it at report time.
 */
import { describe, expect, it } from "vitest";
import { canonicalJson, defaultKey, identityFrom } from "../../src/action/identity.js";
import { parseMatrixInput } from "../../src/action/inputs.js";
import { readActionsContext } from "../../src/github/context.js";
import { artifactNameForKey } from "../../src/github/artifacts.js";
import { parseReportJson, serializeReport } from "../../src/model/report.js";
import { makeReport } from "../report/make-report.js";

const ctx = readActionsContext({
  GITHUB_REPOSITORY: "octo-org/octo-repo",
  GITHUB_WORKFLOW: "ci",
  GITHUB_JOB: "train",
  GITHUB_RUN_ID: "1",
  GITHUB_SHA: "a".repeat(40),
});
const key = (matrixJson: string): string => defaultKey(ctx, parseMatrixInput(matrixJson, "matrix"));

describe("matrix keys", () => {
  it("values that differ only in non-ASCII give different keys", () => {
    expect(key('{"lang":"日本語"}')).not.toBe(key('{"lang":"中文"}'));
  });

  it("values that differ only after 100 characters give different keys", () => {
    const long = "m".repeat(150);
    expect(key(`{"model":"${long}a"}`)).not.toBe(key(`{"model":"${long}b"}`));
  });

  it("are stable: the same combination gives the same key in every run, whatever the JSON order", () => {
    const a = key('{"os":"ubuntu","py":"3.12","cfg":{"lr":0.1,"bs":32}}');
    const b = key('{"cfg":{"bs":32,"lr":0.1},"py":"3.12","os":"ubuntu"}');
    expect(a).toBe(b);
    // pinned: a change here renames every matrix job's artifact, and PRs lose their baselines once.
    // printf '%s' '{"job":"train","matrix":{"cfg":"{\"bs\":32,\"lr\":0.1}","os":"ubuntu","py":"3.12"},"workflow":"ci"}' | sha256sum
    expect(a).toBe("ci-train-bs-32-lr-0.1-ubuntu-3.12-28ef3e104f");
  });

  it("stay readable and valid as a key and artifact name, at most 100 characters", () => {
    for (const json of [
      '{"lang":"日本語"}',
      `{"v":"${"x".repeat(700)}"}`,
      '{"a":"/\\\\:*?<>|"}',
      '{"a":""}',
    ]) {
      const k = key(json);
      expect(k).toMatch(/^[A-Za-z0-9._-]{1,100}$/);
      expect(artifactNameForKey(k)).toBe(`ml-footprint-${k}`);
    }
    expect(key('{"python":"3.12"}')).toMatch(/^ci-train-3\.12-[0-9a-f]{10}$/);
  });

  it("a job without a matrix keeps its plain key (existing baselines still match)", () => {
    expect(defaultKey(ctx, null)).toBe("ci-train");
  });
});

describe("matrix values GitHub allows never fail the job", () => {
  it("an object-valued matrix is read as canonical JSON", () => {
    expect(parseMatrixInput('{"cfg":{"lr":0.1,"bs":[1,2]},"n":3,"ok":true}', "matrix")).toEqual({
      cfg: '{"bs":[1,2],"lr":0.1}',
      n: "3",
      ok: "true",
    });
    expect(canonicalJson({ b: 1, a: { d: null, c: "x" } })).toBe('{"a":{"c":"x","d":null},"b":1}');
  });

  it("a value over 500 characters (and a name over 200) is clipped in a report that validates", () => {
    const matrix = parseMatrixInput(`{"${"n".repeat(250)}":"${"v".repeat(600)}"}`, "matrix");
    const identity = identityFrom(ctx, defaultKey(ctx, matrix), matrix);
    const report = { ...makeReport(), identity };
    const read = parseReportJson(serializeReport(report), "report");
    const [[name, value]] = Object.entries(read.identity.matrix ?? {}) as [[string, string]];
    expect(name).toHaveLength(200);
    expect(value).toHaveLength(500);
    expect(value.endsWith("…")).toBe(true);
  });
});
