/**
 * The fake must answer like GitHub: every route's responses are validated against the response schemas
 * of GitHub's OpenAPI description (@octokit/openapi): required fields present, types right, enums kept.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeGitHub } from "../support/fake-github.js";
import { reportZip, makeReport } from "../support/report-fixture.js";

type Schema = Record<string, unknown>;
const require = createRequire(import.meta.url);
const spec = JSON.parse(
  readFileSync(require.resolve("@octokit/openapi/generated/api.github.com.json"), "utf8"),
) as {
  paths: Record<string, Record<string, { responses: Record<string, Schema> }>>;
  components: { examples: Record<string, { value: unknown }> };
};

function deref(s: Schema): Schema {
  let out = s;
  while (typeof out.$ref === "string") {
    out = (out.$ref as string)
      .slice(2)
      .split("/")
      .reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, spec as never) as Schema;
  }
  return out;
}

/** A small validator for the subset GitHub's description uses; returns problems with JSON paths. */
function validate(value: unknown, schema: Schema, path: string, problems: string[]): void {
  const s = deref(schema);
  if (value === null) {
    if (!(
      s.nullable === true ||
      (Array.isArray(s.type) && s.type.includes("null")) ||
      s.type === "null" ||
      s.anyOf ||
      s.oneOf
    ))
      problems.push(`${path}: null not allowed`);
    return;
  }
  for (const key of ["oneOf", "anyOf"] as const) {
    const options = s[key] as Schema[] | undefined;
    if (options) {
      const ok = options.some((o) => {
        const p: string[] = [];
        validate(value, o, path, p);
        return p.length === 0;
      });
      if (!ok) problems.push(`${path}: matches none of ${key}`);
      return;
    }
  }
  for (const part of (s.allOf as Schema[] | undefined) ?? []) validate(value, part, path, problems);
  const types = ([] as unknown[]).concat(s.type ?? []).filter((t) => t !== "null") as string[];
  const actual = Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;
  if (types.length && !types.some((t) => t === actual || (t === "number" && actual === "integer"))) {
    problems.push(`${path}: expected ${types.join("|")}, got ${actual}`);
    return;
  }
  if (Array.isArray(s.enum) && !s.enum.includes(value))
    problems.push(`${path}: ${JSON.stringify(value)} not in enum`);
  if (Array.isArray(value) && s.items)
    value.forEach((v, i) => validate(v, s.items as Schema, `${path}[${i}]`, problems));
  if (actual === "object" && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const req of (s.required as string[] | undefined) ?? [])
      if (!(req in obj)) problems.push(`${path}.${req}: required, missing`);
    const props = (s.properties as Record<string, Schema> | undefined) ?? {};
    for (const [k, v] of Object.entries(obj)) if (props[k]) validate(v, props[k], `${path}.${k}`, problems);
  }
}

let fake: FakeGitHub;
const HEAD = "e".repeat(40);
const MB = "c".repeat(40);

beforeAll(async () => {
  fake = await new FakeGitHub().start();
  fake.tokenKind = "user";
  fake.botLogin = "footprint-bot";
  fake.addHistory("a".repeat(40), MB);
  fake.mergeBases.set(`main...${HEAD}`, MB);
  const run = fake.addRun({ headSha: MB });
  fake.addArtifact({ name: "ml-footprint-train", runId: run.id, zip: reportZip(makeReport()) });
  fake.addComment(1, "hello");
  fake.pulls.push({
    number: 1,
    state: "open",
    headRef: "f",
    headSha: HEAD,
    headOwner: "octo-org",
    headRepositoryId: fake.repositoryId,
    baseRef: "main",
  });
});
afterAll(() => fake.stop());

const cases: Array<[string, string, string, string, unknown?]> = [
  ["/user", "get", "200", "/user"],
  ["/repos/{owner}/{repo}/compare/{basehead}", "get", "200", `/compare/main...${HEAD}`],
  ["/repos/{owner}/{repo}/commits", "get", "200", `/commits?sha=${MB}&per_page=5`],
  ["/repos/{owner}/{repo}/commits/{commit_sha}/pulls", "get", "200", `/commits/${HEAD}/pulls`],
  ["/repos/{owner}/{repo}/pulls", "get", "200", "/pulls?head=octo-org:f&state=open"],
  [
    "/repos/{owner}/{repo}/actions/artifacts",
    "get",
    "200",
    "/actions/artifacts?name=ml-footprint-train&per_page=100",
  ],
  ["/repos/{owner}/{repo}/actions/runs/{run_id}/artifacts", "get", "200", "/actions/runs/RUN/artifacts"],
  ["/repos/{owner}/{repo}/actions/runs", "get", "200", "/actions/runs?branch=main&status=success&event=push"],
  ["/repos/{owner}/{repo}/issues/{issue_number}/comments", "get", "200", "/issues/1/comments?per_page=1"],
  [
    "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    "post",
    "201",
    "/issues/1/comments",
    { body: "new" },
  ],
  [
    "/repos/{owner}/{repo}/issues/comments/{comment_id}",
    "patch",
    "200",
    "/issues/comments/COMMENT",
    { body: "edited" },
  ],
];

describe("the fake GitHub API matches GitHub's OpenAPI description", () => {
  it.each(cases)("%s %s → %s", async (path, method, status, suffix, body) => {
    const url =
      (suffix === "/user" ? fake.url : `${fake.url}/repos/octo-org/octo-repo`) +
      suffix.replace("RUN", String(fake.runs[0]!.id)).replace("COMMENT", String(fake.comments[0]!.id));
    const res = await fetch(url, {
      method: method.toUpperCase(),
      headers: { authorization: "token t" },
      body: body ? JSON.stringify(body) : undefined,
    });
    expect(res.status).toBe(Number(status));
    const response = deref(spec.paths[path]![method]!.responses[status]!);
    const schema = (response.content as Record<string, { schema: Schema }>)["application/json"]!.schema;
    const problems: string[] = [];
    validate(await res.json(), schema, "$", problems);
    expect(problems).toEqual([]);
  });

  it("redirects the zip download (302 + Location) and serves the zip there", async () => {
    const spec302 =
      spec.paths["/repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}"]!.get!.responses;
    expect(Object.keys(spec302)).toContain("302");
    const res = await fetch(
      `${fake.url}/repos/octo-org/octo-repo/actions/artifacts/${fake.artifacts[0]!.id}/zip`,
      { headers: { authorization: "token t" }, redirect: "manual" },
    );
    expect(res.status).toBe(302);
    const blob = await fetch(res.headers.get("location")!);
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(fake.artifacts[0]!.zip);
  });

  it("the validator catches a missing required field (it can fail)", () => {
    const problems: string[] = [];
    validate({ id: 1 }, { $ref: "#/components/schemas/issue-comment" }, "$", problems);
    expect(problems.join("\n")).toMatch(/\$\.node_id: required/);
  });

  it("the stored examples are still GitHub's current examples", () => {
    const stored = JSON.parse(
      readFileSync(new URL("../fixtures/github/openapi-examples.json", import.meta.url), "utf8"),
    ) as Record<string, unknown>;
    for (const [name, value] of Object.entries(stored)) {
      if (name !== "source") expect(value, name).toEqual(spec.components.examples[name]!.value);
    }
  });
});
