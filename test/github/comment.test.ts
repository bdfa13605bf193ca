import { describe, expect, it as base } from "vitest";
import { createGitHubClient, type GitHubClient } from "../../src/github/client.js";
import { errorStatus } from "../../src/github/errors.js";
import { commentMarker, resolveSelf, upsertStickyComment } from "../../src/github/comment.js";
import { FakeGitHub, secondaryRateLimit } from "../support/fake-github.js";

const COMMENTS = "GET /repos/{owner}/{repo}/issues/{issue_number}/comments";
const CREATE = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
const UPDATE = "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}";
const DELETE = "DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}";

const target = { owner: "octo-org", repo: "octo-repo", issueNumber: 7, key: "train/linux" };

/** The fake answers as for a GitHub App installation token: its bot is footprint-app[bot], id 9001. */
function asAppInstallation(fake: FakeGitHub): void {
  fake.tokenKind = "app";
  fake.botLogin = "footprint-app[bot]";
  fake.botId = 9_001;
}

// A GitHub fake and a client of its own per test, so the cases can run concurrently: most of their time is
// Octokit's write spacing (1 s between writes) and retry waits, not CPU.
const it = base.extend<{ fake: FakeGitHub; warnings: string[]; gh: GitHubClient }>({
  // eslint-disable-next-line no-empty-pattern -- vitest fixtures take their dependencies by destructuring
  fake: async ({}, use) => {
    const fake = await new FakeGitHub().start();
    await use(fake);
    await fake.stop();
  },
  // eslint-disable-next-line no-empty-pattern
  warnings: async ({}, use) => use([]),
  gh: async ({ fake, warnings }, use) =>
    use(
      createGitHubClient({
        token: "ghs_secret",
        baseUrl: fake.url,
        retryBaseMs: 1,
        requestTimeoutMs: 2_000,
        log: { warn: (m) => warnings.push(m) },
      }),
    ),
});

describe.concurrent("upsertStickyComment", () => {
  it("creates once, then updates in place without a duplicate", async ({ fake, gh }) => {
    const first = await upsertStickyComment(gh, { ...target, body: "energy 10 Wh" });
    expect(first.action).toBe("created");
    const second = await upsertStickyComment(gh, { ...target, body: "energy 12 Wh" });
    expect(second).toMatchObject({ action: "updated", id: first.id });
    expect(fake.comments).toHaveLength(1);
    expect(fake.comments[0]!.body).toBe(`${commentMarker(target.key)}\nenergy 12 Wh`);
    expect(second.url).toContain(`#issuecomment-${first.id}`);
  });

  it("skips the write when the body is unchanged", async ({ fake, gh }) => {
    await upsertStickyComment(gh, { ...target, body: "same" });
    const before = fake.requests.length;
    const again = await upsertStickyComment(gh, { ...target, body: "same" });
    expect(again.action).toBe("unchanged");
    expect(fake.requests.slice(before).map((r) => r.method)).toEqual(["GET"]);
  });

  it("leaves someone else's comment that contains our marker alone", async ({ fake, gh }) => {
    const theirs = fake.addComment(7, `${commentMarker(target.key)}\nI copied your marker`, "mallory");
    const result = await upsertStickyComment(gh, { ...target, body: "ours" });
    expect(result.action).toBe("created");
    expect(fake.comments.find((c) => c.id === theirs.id)!.body).toContain("I copied your marker");
    expect(fake.comments).toHaveLength(2);
  });

  it("with createIfMissing: false updates an existing comment but never starts one", async ({ fake, gh }) => {
    const skipped = await upsertStickyComment(gh, { ...target, body: "quiet", createIfMissing: false });
    expect(skipped).toEqual({ action: "skipped", url: null, id: null });
    expect(fake.comments).toHaveLength(0);
    expect(fake.requests.map((r) => r.method)).toEqual(["GET"]);
    const created = await upsertStickyComment(gh, { ...target, body: "loud" });
    const updated = await upsertStickyComment(gh, { ...target, body: "quiet", createIfMissing: false });
    expect(updated).toMatchObject({ action: "updated", id: created.id });
    expect(fake.comments[0]!.body).toContain("quiet");
  });

  it("does not take our own comment for another key", async ({ fake, gh }) => {
    fake.addComment(7, `${commentMarker("eval")}\nother key`);
    expect((await upsertStickyComment(gh, { ...target, body: "x" })).action).toBe("created");
  });

  it("uses the token's login when known (a PAT or app user)", async ({ fake, gh }) => {
    fake.botLogin = "footprint-bot";
    fake.addComment(7, `${commentMarker(target.key)}\nold`, "footprint-bot");
    expect((await upsertStickyComment(gh, { ...target, body: "new", self: "footprint-bot" })).action).toBe(
      "updated",
    );
  });

  it("pages through more than 250 comments to find ours", async ({ fake, gh }) => {
    for (let i = 0; i < 260; i++) fake.addComment(7, `chatter ${i}`, "someone");
    const ours = fake.addComment(7, `${commentMarker(target.key)}\nold`);
    const result = await upsertStickyComment(gh, { ...target, body: "new" });
    expect(result).toMatchObject({ action: "updated", id: ours.id });
    expect(fake.requests.filter((r) => r.route === COMMENTS)).toHaveLength(3);
    expect(fake.requests.find((r) => r.route === COMMENTS)!.path).toContain("per_page=100");
  });

  it("retries 500 then 502, then succeeds", async ({ fake, gh }) => {
    fake.fault(COMMENTS, 500, 502);
    expect((await upsertStickyComment(gh, { ...target, body: "x" })).action).toBe("created");
    // three tries, then the duplicate check after the create
    expect(fake.requests.filter((r) => r.route === COMMENTS)).toHaveLength(4);
  });

  it("gives up after the bounded number of retries", async ({ fake, gh }) => {
    fake.fault(COMMENTS, 500, 500, 500, 500, 500);
    const err = await upsertStickyComment(gh, { ...target, body: "x" }).catch((e: unknown) => e);
    expect(errorStatus(err)).toBe(500);
    expect(fake.requests.filter((r) => r.route === COMMENTS)).toHaveLength(4);
  });

  it("surfaces a 403 on create to the caller with its status, without retrying", async ({ fake, gh }) => {
    fake.fault(CREATE, { status: 403, message: "Resource not accessible by integration" });
    const err = await upsertStickyComment(gh, { ...target, body: "x" }).catch((e: unknown) => e);
    expect(errorStatus(err)).toBe(403);
    expect(String(err)).toContain("Resource not accessible by integration");
    expect(fake.requests.filter((r) => r.route === CREATE)).toHaveLength(1);
    expect(String(err)).not.toContain("ghs_secret");
  });

  it("retries a secondary rate limit (403 + retry-after) and says so", async ({ fake, gh, warnings }) => {
    await upsertStickyComment(gh, { ...target, body: "a" });
    fake.fault(UPDATE, secondaryRateLimit(0));
    expect((await upsertStickyComment(gh, { ...target, body: "b" })).action).toBe("updated");
    expect(fake.requests.filter((r) => r.route === UPDATE)).toHaveLength(2);
    expect(warnings.join("\n")).toMatch(/secondary rate limit/);
    expect(warnings.join("\n")).not.toContain("ghs_secret");
  });

  it("stops retrying a secondary rate limit whose retry-after is over the cap", async ({
    fake,
    warnings,
  }) => {
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

  it("times out a slow response and retries it within bounds", async ({ fake }) => {
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

describe.concurrent("two runs commenting at once (issue 13)", () => {
  it("both list before either creates: one comment remains, the oldest, with a body from one of them", async ({
    fake,
    gh,
  }) => {
    fake.barrier(COMMENTS, 2); // neither list is answered until both runs have asked
    const [a, b] = await Promise.all([
      upsertStickyComment(gh, { ...target, body: "run A" }),
      upsertStickyComment(gh, { ...target, body: "run B" }),
    ]);
    expect(fake.requests.filter((r) => r.route === CREATE)).toHaveLength(2);
    expect(fake.comments).toHaveLength(1);
    const kept = fake.comments[0]!;
    expect(Math.min(a.id, b.id)).toBe(kept.id);
    expect(a.id).toBe(b.id); // both report the comment that remains
    expect(kept.body).toMatch(/run [AB]$/);
    expect(fake.requests.filter((r) => r.route === DELETE)).toHaveLength(1);
    expect([a.duplicatesRemoved, b.duplicatesRemoved]).toContain(1);
    // the next run finds exactly one and updates it
    expect(await upsertStickyComment(gh, { ...target, body: "run C" })).toMatchObject({
      action: "updated",
      id: kept.id,
    });
  });

  it("duplicates left by an earlier race are deleted on the next update; the oldest is kept", async ({
    fake,
    gh,
  }) => {
    const oldest = fake.addComment(7, `${commentMarker(target.key)}\nfirst`);
    fake.addComment(7, `${commentMarker(target.key)}\nstale duplicate`);
    fake.addComment(7, `${commentMarker(target.key)}\nmine, but copied`, "mallory");
    const result = await upsertStickyComment(gh, { ...target, body: "fresh" });
    expect(result).toMatchObject({ action: "updated", id: oldest.id, duplicatesRemoved: 1 });
    expect(fake.comments.map((c) => c.body)).toEqual([
      `${commentMarker(target.key)}\nfresh`,
      `${commentMarker(target.key)}\nmine, but copied`,
    ]);
  });

  it("a failed duplicate check after a create is a warning on the result, not an error", async ({
    fake,
    gh,
  }) => {
    fake.fault(COMMENTS, "pass", 404); // the list before the create works, the one after fails
    const result = await upsertStickyComment(gh, { ...target, body: "x" });
    expect(result).toMatchObject({ action: "created", warning: expect.stringMatching(/duplicate.*404/) });
    expect(fake.comments).toHaveLength(1);
  });
});

describe.concurrent("whose comments are ours: GITHUB_TOKEN, App installation tokens, PATs (issue 13)", () => {
  it("GITHUB_TOKEN: GraphQL viewer says github-actions (no [bot]); REST comments say github-actions[bot]", async ({
    fake,
    gh,
  }) => {
    const self = await resolveSelf(gh);
    expect(self).toEqual({ login: "github-actions", id: 41898282, source: "graphql" });
    const existing = fake.addComment(7, `${commentMarker(target.key)}\nold`);
    expect(await upsertStickyComment(gh, { ...target, body: "new", self })).toMatchObject({
      action: "updated",
      id: existing.id,
    });
    expect(fake.requests.some((r) => r.route === "GET /user")).toBe(false);
  });

  it("an App installation token (GET /user is 403) updates its comment instead of posting a new one each run", async ({
    fake,
    gh,
  }) => {
    asAppInstallation(fake);
    for (let run = 0; run < 3; run++) {
      const self = await resolveSelf(gh);
      await upsertStickyComment(gh, { ...target, body: `run ${run}`, self });
    }
    expect(fake.comments).toHaveLength(1);
    expect(fake.comments[0]!.body).toContain("run 2");
  });

  it("a PAT: the user's login and id", async ({ fake, gh }) => {
    fake.tokenKind = "user";
    fake.botLogin = "octocat";
    fake.botId = 583_231;
    expect(await resolveSelf(gh)).toEqual({ login: "octocat", id: 583_231, source: "graphql" });
  });

  it("a human whose login equals the App's slug is not us: ids decide, not names", async ({ fake, gh }) => {
    asAppInstallation(fake);
    const theirs = fake.addComment(7, `${commentMarker(target.key)}\nlookalike`, "footprint-app", 77);
    const result = await upsertStickyComment(gh, { ...target, body: "ours", self: await resolveSelf(gh) });
    expect(result.action).toBe("created");
    expect(fake.comments.find((c) => c.id === theirs.id)!.body).toContain("lookalike");
  });

  it("no GraphQL (an old GitHub Enterprise Server): falls back to GET /user, then to github-actions[bot]", async ({
    fake,
    gh,
  }) => {
    fake.fault("POST /graphql", 404);
    fake.tokenKind = "user";
    fake.botLogin = "footprint-bot";
    fake.botId = 5;
    expect(await resolveSelf(gh)).toEqual({ login: "footprint-bot", id: 5, source: "rest" });
    fake.fault("POST /graphql", 404);
    fake.tokenKind = "installation";
    expect(await resolveSelf(gh)).toMatchObject({ login: "github-actions[bot]", source: "assumed" });
  });

  it("even with a wrong guess of who we are, a second comment of ours is merged into the first", async ({
    fake,
    gh,
  }) => {
    asAppInstallation(fake);
    const first = fake.addComment(7, `${commentMarker(target.key)}\nfirst`);
    // self unknown → assumed github-actions[bot] → the list misses ours, so we create, then see both
    const result = await upsertStickyComment(gh, { ...target, body: "second", self: null });
    expect(result).toMatchObject({ action: "updated", id: first.id, duplicatesRemoved: 1 });
    expect(fake.comments).toHaveLength(1);
  });
});
