import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient, errorStatus, type GitHubClient } from "../../src/github/client.js";
import { commentMarker, resolveSelfLogin, upsertStickyComment } from "../../src/github/comment.js";
import { FakeGitHub, secondaryRateLimit } from "../support/fake-github.js";

const COMMENTS = "GET /repos/{owner}/{repo}/issues/{issue_number}/comments";
const CREATE = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
const UPDATE = "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}";

let fake: FakeGitHub;
let gh: GitHubClient;
const warnings: string[] = [];
const target = { owner: "octo-org", repo: "octo-repo", issueNumber: 7, key: "train/linux" };

beforeEach(async () => {
  fake = await new FakeGitHub().start();
  warnings.length = 0;
  gh = createGitHubClient({
    token: "ghs_secret",
    baseUrl: fake.url,
    retryBaseMs: 1,
    requestTimeoutMs: 2_000,
    log: { warn: (m) => warnings.push(m) },
  });
});
afterEach(() => fake.stop());

describe("upsertStickyComment", () => {
  it("creates once, then updates in place without a duplicate", async () => {
    const first = await upsertStickyComment(gh, { ...target, body: "energy 10 Wh" });
    expect(first.action).toBe("created");
    const second = await upsertStickyComment(gh, { ...target, body: "energy 12 Wh" });
    expect(second).toMatchObject({ action: "updated", id: first.id });
    expect(fake.comments).toHaveLength(1);
    expect(fake.comments[0]!.body).toBe(`${commentMarker(target.key)}\nenergy 12 Wh`);
    expect(second.url).toContain(`#issuecomment-${first.id}`);
  });

  it("skips the write when the body is unchanged", async () => {
    await upsertStickyComment(gh, { ...target, body: "same" });
    const before = fake.requests.length;
    const again = await upsertStickyComment(gh, { ...target, body: "same" });
    expect(again.action).toBe("unchanged");
    expect(fake.requests.slice(before).map((r) => r.method)).toEqual(["GET"]);
  });

  it("leaves someone else's comment that contains our marker alone", async () => {
    const theirs = fake.addComment(7, `${commentMarker(target.key)}\nI copied your marker`, "mallory");
    const result = await upsertStickyComment(gh, { ...target, body: "ours" });
    expect(result.action).toBe("created");
    expect(fake.comments.find((c) => c.id === theirs.id)!.body).toContain("I copied your marker");
    expect(fake.comments).toHaveLength(2);
  });

  it("with createIfMissing: false updates an existing comment but never starts one", async () => {
    const skipped = await upsertStickyComment(gh, { ...target, body: "quiet", createIfMissing: false });
    expect(skipped).toEqual({ action: "skipped", url: null, id: null });
    expect(fake.comments).toHaveLength(0);
    expect(fake.requests.map((r) => r.method)).toEqual(["GET"]);
    const created = await upsertStickyComment(gh, { ...target, body: "loud" });
    const updated = await upsertStickyComment(gh, { ...target, body: "quiet", createIfMissing: false });
    expect(updated).toMatchObject({ action: "updated", id: created.id });
    expect(fake.comments[0]!.body).toContain("quiet");
  });

  it("does not take our own comment for another key", async () => {
    fake.addComment(7, `${commentMarker("eval")}\nother key`);
    expect((await upsertStickyComment(gh, { ...target, body: "x" })).action).toBe("created");
  });

  it("uses selfLogin when known (a PAT or app user)", async () => {
    fake.botLogin = "footprint-bot";
    fake.addComment(7, `${commentMarker(target.key)}\nold`, "footprint-bot");
    expect(
      (await upsertStickyComment(gh, { ...target, body: "new", selfLogin: "footprint-bot" })).action,
    ).toBe("updated");
  });

  it("pages through more than 250 comments to find ours", async () => {
    for (let i = 0; i < 260; i++) fake.addComment(7, `chatter ${i}`, "someone");
    const ours = fake.addComment(7, `${commentMarker(target.key)}\nold`);
    const result = await upsertStickyComment(gh, { ...target, body: "new" });
    expect(result).toMatchObject({ action: "updated", id: ours.id });
    expect(fake.requests.filter((r) => r.route === COMMENTS)).toHaveLength(3);
    expect(fake.requests.find((r) => r.route === COMMENTS)!.path).toContain("per_page=100");
  });

  it("retries 500 then 502, then succeeds", async () => {
    fake.fault(COMMENTS, 500, 502);
    expect((await upsertStickyComment(gh, { ...target, body: "x" })).action).toBe("created");
    expect(fake.requests.filter((r) => r.route === COMMENTS)).toHaveLength(3);
  });

  it("gives up after the bounded number of retries", async () => {
    fake.fault(COMMENTS, 500, 500, 500, 500, 500);
    const err = await upsertStickyComment(gh, { ...target, body: "x" }).catch((e: unknown) => e);
    expect(errorStatus(err)).toBe(500);
    expect(fake.requests.filter((r) => r.route === COMMENTS)).toHaveLength(4);
  });

  it("surfaces a 403 on create to the caller with its status, without retrying", async () => {
    fake.fault(CREATE, { status: 403, message: "Resource not accessible by integration" });
    const err = await upsertStickyComment(gh, { ...target, body: "x" }).catch((e: unknown) => e);
    expect(errorStatus(err)).toBe(403);
    expect(String(err)).toContain("Resource not accessible by integration");
    expect(fake.requests.filter((r) => r.route === CREATE)).toHaveLength(1);
    expect(String(err)).not.toContain("ghs_secret");
  });

  it("retries a secondary rate limit (403 + retry-after) and says so", async () => {
    await upsertStickyComment(gh, { ...target, body: "a" });
    fake.fault(UPDATE, secondaryRateLimit(0));
    expect((await upsertStickyComment(gh, { ...target, body: "b" })).action).toBe("updated");
    expect(fake.requests.filter((r) => r.route === UPDATE)).toHaveLength(2);
    expect(warnings.join("\n")).toMatch(/secondary rate limit/);
    expect(warnings.join("\n")).not.toContain("ghs_secret");
  });

  it("stops retrying a secondary rate limit whose retry-after is over the cap", async () => {
    const capped = createGitHubClient({
      token: "t",
      baseUrl: fake.url,
      retryBaseMs: 1,
      maxRetryAfterS: 5,
      log: { warn: (m) => warnings.push(m) },
    });
    fake.fault(COMMENTS, secondaryRateLimit(3600));
    const err = await upsertStickyComment(capped, { ...target, body: "x" }).catch((e: unknown) => e);
    expect(errorStatus(err)).toBe(403);
    expect(warnings.join("\n")).toMatch(/giving up/);
  });

  it("times out a slow response and retries it within bounds", async () => {
    const quick = createGitHubClient({
      token: "t",
      baseUrl: fake.url,
      retryBaseMs: 1,
      retries: 1,
      requestTimeoutMs: 100,
    });
    fake.delay(COMMENTS, 1_000);
    const err = await upsertStickyComment(quick, { ...target, body: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(fake.requests.filter((r) => r.route === COMMENTS)).toHaveLength(2);
  });
});

describe("commentMarker", () => {
  it("keeps the key inside one inert HTML comment", () => {
    expect(commentMarker("train/linux")).toBe("<!-- ml-footprint:train/linux -->");
    const m = commentMarker("a --> <b>x</b> <!-- y");
    expect(m.match(/-->/g)).toHaveLength(1);
    expect(m).not.toContain("<b>");
  });
});

describe("resolveSelfLogin", () => {
  it("returns the login for a user token", async () => {
    fake.tokenKind = "user";
    fake.botLogin = "footprint-bot";
    expect(await resolveSelfLogin(gh)).toBe("footprint-bot");
  });
  it("returns null for an installation token (403 on /user)", async () => {
    fake.tokenKind = "installation";
    expect(await resolveSelfLogin(gh)).toBeNull();
  });
});
