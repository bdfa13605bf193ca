/**
 * A loopback fake of the GitHub REST API endpoints ml-footprint uses (node:http on 127.0.0.1, port 0).
 * Payloads start from GitHub's documented examples (test/fixtures/github/openapi-examples.json, extracted
 * from @octokit/openapi) with our state overlaid; test/github/fake-github.test.ts validates every route's
 * responses against the OpenAPI response schemas so the fake cannot drift from the real API.
 * Fault injection per route (status queue, delays) and a request log for counting API calls.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createGitHubClient, type GitHubClient } from "../../src/github/client.js";

const examples = JSON.parse(
  readFileSync(new URL("../fixtures/github/openapi-examples.json", import.meta.url), "utf8"),
) as Record<string, Record<string, unknown>>;
const ex = (name: string): Record<string, unknown> => structuredClone(examples[name] ?? {});

export interface FakeComment {
  id: number;
  issueNumber: number;
  body: string;
  login: string;
  /** the author's account id (REST `user.id`) */
  userId: number;
  createdAt: string;
  updatedAt: string;
}
export interface FakeRun {
  id: number;
  headSha: string;
  headBranch: string;
  headRepositoryId: number;
  event: string;
  conclusion: "success" | "failure";
}
export interface FakeArtifact {
  id: number;
  name: string;
  runId: number;
  expired: boolean;
  zip: Uint8Array;
  createdAt: string;
  /** serve the blob chunked, without content-length (so only a reading cap can stop it) */
  chunked?: boolean;
  /**
   * the next `times` downloads send only the first half of the zip: with the whole zip's Content-Length
   * and a dropped connection (`declareLength`), or chunked and ended cleanly (only a zip check sees it)
   */
  cutShort?: { times: number; declareLength: boolean };
}
export interface FakePull {
  number: number;
  state: "open" | "closed";
  headRef: string;
  headSha: string;
  headOwner: string;
  headRepositoryId: number;
  baseRef: string;
}
/** "pass": answer this request normally (to fault a later one in the queue). */
export type Fault =
  number | "pass" | { status: number; message?: string; headers?: Record<string, string>; delayMs?: number };
export interface LoggedRequest {
  method: string;
  /** route template, e.g. "GET /repos/{owner}/{repo}/issues/{issue_number}/comments", or "BLOB" */
  route: string;
  path: string;
  at: number;
}

/** A secondary rate limit answer as GitHub sends it (403 + retry-after). */
export function secondaryRateLimit(retryAfterS = 0): Fault {
  return {
    status: 403,
    message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
    headers: { "retry-after": String(retryAfterS) },
  };
}

type Handler = (m: string[], q: URLSearchParams, req: IncomingMessage, body: unknown) => Reply;
interface Reply {
  status: number;
  json?: unknown;
  headers?: Record<string, string>;
  raw?: Uint8Array;
}

export class FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  repositoryId = 1296269;
  /**
   * Who the token is. "installation" (the workflow's GITHUB_TOKEN) and "app" (a GitHub App installation
   * token): GET /user answers 403, GraphQL `viewer` names the bot without the `[bot]` suffix REST adds.
   * "user" (a PAT): both answer the user's login.
   */
  tokenKind: "user" | "installation" | "app" = "installation";
  /** the token's login as REST spells it on the comments it writes (bots end in `[bot]`) */
  botLogin = "github-actions[bot]";
  /** the token's account id (REST `user.id`, GraphQL `databaseId`); 41898282 is github-actions[bot] */
  botId = 41898282;
  comments: FakeComment[] = [];
  runs: FakeRun[] = [];
  artifacts: FakeArtifact[] = [];
  pulls: FakePull[] = [];
  /** child sha → first-parent sha */
  parents = new Map<string, string>();
  /** "base...head" → merge-base sha */
  mergeBases = new Map<string, string>();
  readonly requests: LoggedRequest[] = [];
  private faults = new Map<string, Fault[]>();
  private barriers = new Map<string, { count: number; waiting: Array<() => void> }>();
  private delays = new Map<string, number>();
  private nextId = 1000;
  private server: Server | null = null;
  url = "";

  constructor(owner = "octo-org", repo = "octo-repo") {
    this.owner = owner;
    this.repo = repo;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Answer the next requests to `route` with these faults first, in order. */
  fault(route: string, ...faults: Fault[]): void {
    this.faults.set(route, [...(this.faults.get(route) ?? []), ...faults]);
  }
  /** Delay every answer to `route` by `ms` (for timeout tests). */
  delay(route: string, ms: number): void {
    this.delays.set(route, ms);
  }
  /**
   * Hold the first `count` requests to `route` until all `count` have arrived, then answer them all
   * (a readiness signal for race tests: two runs are guaranteed to have listed before either writes).
   */
  barrier(route: string, count: number): void {
    this.barriers.set(route, { count, waiting: [] });
  }
  apiCalls(): LoggedRequest[] {
    return this.requests.filter((r) => r.route !== "BLOB");
  }

  // --- state helpers -------------------------------------------------------------------------------
  id(): number {
    return ++this.nextId;
  }
  addComment(
    issueNumber: number,
    body: string,
    login = this.botLogin,
    userId = this.userIdFor(login),
  ): FakeComment {
    const now = new Date(Date.UTC(2024, 0, 1, 0, 0, this.comments.length)).toISOString();
    const c = { id: this.id(), issueNumber, body, login, userId, createdAt: now, updatedAt: now };
    this.comments.push(c);
    return c;
  }
  /** A linear history: each sha's first parent is the one before it (oldest first). */
  addHistory(...shas: string[]): void {
    for (let i = 1; i < shas.length; i++) this.parents.set(shas[i]!, shas[i - 1]!);
  }
  addRun(run: Partial<FakeRun> & { headSha: string }): FakeRun {
    const r: FakeRun = {
      id: this.id(),
      headBranch: "main",
      headRepositoryId: this.repositoryId,
      event: "push",
      conclusion: "success",
      ...run,
    };
    this.runs.push(r);
    return r;
  }
  addArtifact(a: Partial<FakeArtifact> & { name: string; runId: number; zip: Uint8Array }): FakeArtifact {
    const id = a.id ?? this.id();
    const art: FakeArtifact = {
      expired: false,
      createdAt: new Date(Date.UTC(2024, 0, 1) + id * 1000).toISOString(),
      ...a,
      id,
    };
    this.artifacts.push(art);
    return art;
  }

  /** The token's own id for its login; a stable made-up id for anyone else. */
  userIdFor(login: string): number {
    if (login === this.botLogin) return this.botId;
    let h = 7;
    for (const ch of login) h = (h * 31 + ch.charCodeAt(0)) % 1_000_000;
    return 1_000_000 + h;
  }

  // --- HTTP ----------------------------------------------------------------------------------------
  private routes: Array<[string, RegExp, Handler]> = [
    ["GET /user", /^\/user$/, () => this.getUser()],
    ["POST /graphql", /^\/graphql$/, (_m, _q, _r, body) => this.graphql(body)],
    [
      "GET /repos/{owner}/{repo}/compare/{basehead}",
      /^\/repos\/[^/]+\/[^/]+\/compare\/(.+)$/,
      (m) => this.compare(m[0]!),
    ],
    [
      "GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls",
      /^\/repos\/[^/]+\/[^/]+\/commits\/([^/]+)\/pulls$/,
      (m) =>
        // like GitHub for fork heads: the base repository's commit lookup does not see fork PRs
        this.ok(
          this.pulls
            .filter((p) => p.headSha === m[0] && p.headRepositoryId === this.repositoryId)
            .map((p) => this.pull(p)),
        ),
    ],
    ["GET /repos/{owner}/{repo}/commits", /^\/repos\/[^/]+\/[^/]+\/commits$/, (_m, q) => this.commits(q)],
    ["GET /repos/{owner}/{repo}/pulls", /^\/repos\/[^/]+\/[^/]+\/pulls$/, (_m, q) => this.listPulls(q)],
    [
      "GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}",
      /^\/repos\/[^/]+\/[^/]+\/actions\/artifacts\/(\d+)\/zip$/,
      (m) => this.download(Number(m[0])),
    ],
    [
      "GET /repos/{owner}/{repo}/actions/artifacts",
      /^\/repos\/[^/]+\/[^/]+\/actions\/artifacts$/,
      (_m, q, req) => {
        const name = q.get("name");
        const list = this.sortedArtifacts().filter((a) => name === null || a.name === name);
        return this.page(list, q, req, (items) => ({
          total_count: list.length,
          artifacts: items.map((a) => this.artifact(a)),
        }));
      },
    ],
    [
      "GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts",
      /^\/repos\/[^/]+\/[^/]+\/actions\/runs\/(\d+)\/artifacts$/,
      (m, q, req) => {
        const list = this.sortedArtifacts().filter((a) => a.runId === Number(m[0]));
        return this.page(list, q, req, (items) => ({
          total_count: list.length,
          artifacts: items.map((a) => this.artifact(a)),
        }));
      },
    ],
    [
      "GET /repos/{owner}/{repo}/actions/runs",
      /^\/repos\/[^/]+\/[^/]+\/actions\/runs$/,
      (_m, q, req) => {
        const list = [...this.runs]
          .reverse()
          .filter((r) => (q.get("branch") ?? r.headBranch) === r.headBranch)
          .filter((r) => (q.get("event") ?? r.event) === r.event)
          .filter((r) => (q.get("status") ?? r.conclusion) === r.conclusion);
        return this.page(list, q, req, (items) => ({
          total_count: list.length,
          workflow_runs: items.map((r) => this.run(r)),
        }));
      },
    ],
    [
      "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
      /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/,
      (m, q, req) => {
        const list = this.comments.filter((c) => c.issueNumber === Number(m[0]));
        return this.page(list, q, req, (items) => items.map((c) => this.comment(c)));
      },
    ],
    [
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
      /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/,
      (m, _q, _r, body) => {
        const c = this.addComment(Number(m[0]), String((body as { body?: unknown }).body ?? ""));
        return { status: 201, json: this.comment(c) };
      },
    ],
    [
      "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
      /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/,
      (m, _q, _r, body) => {
        const c = this.comments.find((x) => x.id === Number(m[0]));
        if (!c) return this.error(404, "Not Found");
        if (c.login !== this.botLogin) return this.error(403, "Resource not accessible by integration");
        c.body = String((body as { body?: unknown }).body ?? "");
        c.updatedAt = new Date(Date.parse(c.updatedAt) + 1000).toISOString();
        return this.ok(this.comment(c));
      },
    ],
    [
      "DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}",
      /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/,
      (m) => {
        const c = this.comments.find((x) => x.id === Number(m[0]));
        if (!c) return this.error(404, "Not Found");
        if (c.login !== this.botLogin) return this.error(403, "Resource not accessible by integration");
        this.comments = this.comments.filter((x) => x !== c);
        return { status: 204 };
      },
    ],
  ];

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const blob = /^\/_blob\/(\d+)$/.exec(url.pathname);
    if (blob) {
      this.requests.push({ method: req.method ?? "", route: "BLOB", path: url.pathname, at: Date.now() });
      const art = this.artifacts.find((a) => a.id === Number(blob[1]));
      if (art?.cutShort && art.cutShort.times > 0) {
        art.cutShort.times -= 1;
        const half = art.zip.subarray(0, Math.floor(art.zip.byteLength / 2));
        if (!art.cutShort.declareLength) {
          res.writeHead(200, { "content-type": "application/zip" });
          return void res.end(half);
        }
        res.writeHead(200, {
          "content-type": "application/zip",
          "content-length": String(art.zip.byteLength),
        });
        return void res.write(half, () => res.destroy());
      }
      if (art?.chunked) {
        res.writeHead(200, { "content-type": "application/zip" });
        for (let i = 0; i < art.zip.byteLength; i += 1024) res.write(art.zip.subarray(i, i + 1024));
        return void res.end();
      }
      return this.send(
        res,
        art
          ? { status: 200, raw: art.zip, headers: { "content-type": "application/zip" } }
          : this.error(404, "BlobNotFound"),
      );
    }
    const method = req.method ?? "GET";
    const hit = this.routes.find(([r, re]) => r.startsWith(`${method} `) && re.test(url.pathname));
    const route = hit?.[0] ?? `${method} ${url.pathname}`;
    this.requests.push({ method, route, path: url.pathname + url.search, at: Date.now() });
    const barrier = this.barriers.get(route);
    if (barrier && barrier.count > 0) {
      barrier.count -= 1;
      await new Promise<void>((resolve) => {
        barrier.waiting.push(resolve);
        if (barrier.count === 0) for (const release of barrier.waiting.splice(0)) release();
      });
    }
    const delayMs = this.delays.get(route) ?? 0;
    const queued = this.faults.get(route)?.shift();
    const fault = queued === "pass" ? undefined : queued;
    const extraDelay = typeof fault === "object" ? (fault.delayMs ?? 0) : 0;
    if (delayMs + extraDelay > 0) await new Promise((r) => setTimeout(r, delayMs + extraDelay));
    if (fault !== undefined) {
      const f = typeof fault === "number" ? { status: fault } : fault;
      return this.send(res, {
        ...this.error(f.status, f.message ?? `Injected ${f.status}`),
        headers: f.headers,
      });
    }
    if (!req.headers.authorization) return this.send(res, this.error(401, "Requires authentication"));
    if (!hit) return this.send(res, this.error(404, "Not Found"));
    let body: unknown = {};
    if (text) body = JSON.parse(text);
    this.send(res, hit[2](hit[1].exec(url.pathname)!.slice(1), url.searchParams, req, body));
  }

  private send(res: ServerResponse, reply: Reply): void {
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.raw) {
      res.writeHead(reply.status, { "content-length": String(reply.raw.byteLength), ...headers });
      res.end(reply.raw);
      return;
    }
    const payload = reply.json === undefined ? "" : JSON.stringify(reply.json);
    if (payload) headers["content-type"] = "application/json; charset=utf-8";
    res.writeHead(reply.status, headers);
    res.end(payload);
  }

  private ok(json: unknown, headers?: Record<string, string>): Reply {
    return { status: 200, json, headers };
  }
  private error(status: number, message: string): Reply {
    return { status, json: { message, documentation_url: "https://docs.github.com/rest" } };
  }

  /** GitHub-style pagination: per_page (default 30, max 100), page, Link header with next/last. */
  private page<T>(list: T[], q: URLSearchParams, req: IncomingMessage, wrap: (items: T[]) => unknown): Reply {
    const perPage = Math.min(100, Math.max(1, Number(q.get("per_page") ?? 30) || 30));
    const page = Math.max(1, Number(q.get("page") ?? 1) || 1);
    const last = Math.max(1, Math.ceil(list.length / perPage));
    const links: string[] = [];
    const link = (p: number, rel: string): void => {
      const u = new URL(req.url ?? "/", this.url);
      u.searchParams.set("page", String(p));
      u.searchParams.set("per_page", String(perPage));
      links.push(`<${u.href}>; rel="${rel}"`);
    };
    if (page < last) {
      link(page + 1, "next");
      link(last, "last");
    }
    if (page > 1) {
      link(1, "first");
      link(page - 1, "prev");
    }
    return this.ok(
      wrap(list.slice((page - 1) * perPage, page * perPage)),
      links.length ? { link: links.join(", ") } : {},
    );
  }

  private getUser(): Reply {
    if (this.tokenKind !== "user") return this.error(403, "Resource not accessible by integration");
    return this.ok({
      ...ex("public-user-default-response"),
      login: this.botLogin,
      id: this.botId,
      type: "User",
    });
  }

  /** GraphQL: only `viewer { login databaseId }`; bots are named without REST's `[bot]` suffix. */
  private graphql(body: unknown): Reply {
    const query = String((body as { query?: unknown } | null)?.query ?? "");
    if (!/\bviewer\b/.test(query))
      return this.ok({ errors: [{ message: "the fake answers only `viewer` queries" }] });
    const login = this.tokenKind === "user" ? this.botLogin : this.botLogin.replace(/\[bot\]$/, "");
    return this.ok({ data: { viewer: { login, databaseId: this.botId } } });
  }

  private compare(basehead: string): Reply {
    const [base, head] = decodeURIComponent(basehead).split("...");
    const mb = this.mergeBases.get(`${base}...${head}`);
    if (!mb) return this.error(404, "Not Found");
    return this.ok({
      ...ex("commit-comparison"),
      merge_base_commit: this.commit(mb),
      base_commit: this.commit(base!),
      commits: [],
      files: [],
    });
  }

  private commits(q: URLSearchParams): Reply {
    const perPage = Math.min(100, Number(q.get("per_page") ?? 30) || 30);
    let sha: string | undefined = q.get("sha") ?? undefined;
    const out: unknown[] = [];
    while (sha !== undefined && out.length < perPage) {
      out.push(this.commit(sha));
      sha = this.parents.get(sha);
    }
    return this.ok(out);
  }

  private listPulls(q: URLSearchParams): Reply {
    const head = q.get("head");
    const state = q.get("state") ?? "open";
    const list = this.pulls.filter(
      (p) =>
        (head === null || `${p.headOwner}:${p.headRef}` === head) && (state === "all" || p.state === state),
    );
    return this.ok(list.map((p) => this.pull(p)));
  }

  private download(id: number): Reply {
    const art = this.artifacts.find((a) => a.id === id);
    if (!art) return this.error(404, "Not Found");
    if (art.expired) return this.error(410, "Artifact has expired");
    return { status: 302, headers: { location: `${this.url}/_blob/${id}` } };
  }

  private sortedArtifacts(): FakeArtifact[] {
    return [...this.artifacts].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
  }

  // --- payload builders (documented examples + our state) --------------------------------------------
  private repoUrl(): string {
    return `${this.url}/repos/${this.owner}/${this.repo}`;
  }
  private commit(sha: string): unknown {
    const parent = this.parents.get(sha);
    const c = ex("commit");
    return {
      ...c,
      sha,
      url: `${this.repoUrl()}/commits/${sha}`,
      parents: parent ? [{ sha: parent, url: `${this.repoUrl()}/commits/${parent}` }] : [],
      files: [],
    };
  }
  private comment(c: FakeComment): unknown {
    const user = {
      ...ex("simple-user"),
      login: c.login,
      id: c.userId,
      type: c.login.endsWith("[bot]") ? "Bot" : "User",
    };
    return {
      ...ex("issue-comment"),
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `${this.repoUrl()}/issues/comments/${c.id}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/${c.issueNumber}#issuecomment-${c.id}`,
      issue_url: `${this.repoUrl()}/issues/${c.issueNumber}`,
      body: c.body,
      user,
      created_at: c.createdAt,
      updated_at: c.updatedAt,
    };
  }
  private run(r: FakeRun): unknown {
    const base = ex("workflow-run");
    const repo = {
      ...(base.repository as object),
      id: this.repositoryId,
      full_name: `${this.owner}/${this.repo}`,
    };
    const headRepo = { ...(base.head_repository as object), id: r.headRepositoryId };
    return {
      ...base,
      id: r.id,
      head_sha: r.headSha,
      head_branch: r.headBranch,
      event: r.event,
      status: "completed",
      conclusion: r.conclusion,
      repository: repo,
      head_repository: headRepo,
      pull_requests: [],
    };
  }
  private artifact(a: FakeArtifact): unknown {
    const run = this.runs.find((r) => r.id === a.runId);
    return {
      ...ex("artifact"),
      id: a.id,
      node_id: `A_${a.id}`,
      name: a.name,
      size_in_bytes: a.zip.byteLength,
      url: `${this.repoUrl()}/actions/artifacts/${a.id}`,
      archive_download_url: `${this.repoUrl()}/actions/artifacts/${a.id}/zip`,
      expired: a.expired,
      created_at: a.createdAt,
      updated_at: a.createdAt,
      workflow_run: run
        ? {
            id: run.id,
            repository_id: this.repositoryId,
            head_repository_id: run.headRepositoryId,
            head_branch: run.headBranch,
            head_sha: run.headSha,
          }
        : null,
    };
  }
  private pull(p: FakePull): unknown {
    const base = ex("pull-request-simple");
    const side = base.head as Record<string, unknown>;
    const repo = side.repo as Record<string, unknown>;
    return {
      ...base,
      number: p.number,
      state: p.state,
      // GitHub's own example lists a team without the schema-required `type`; we request no reviewers.
      requested_teams: [],
      url: `${this.repoUrl()}/pulls/${p.number}`,
      head: {
        ...side,
        ref: p.headRef,
        sha: p.headSha,
        label: `${p.headOwner}:${p.headRef}`,
        repo: { ...repo, id: p.headRepositoryId, full_name: `${p.headOwner}/${this.repo}` },
      },
      base: {
        ...side,
        ref: p.baseRef,
        label: `${this.owner}:${p.baseRef}`,
        repo: { ...repo, id: this.repositoryId },
      },
    };
  }
}

export async function startFakeGitHub(owner?: string, repo?: string): Promise<FakeGitHub> {
  return new FakeGitHub(owner, repo).start();
}

/** A started fake and a client on it with fast retries (1 ms backoff), the set-up most GitHub tests share. */
export async function startFakeGitHubWithClient(): Promise<{ fake: FakeGitHub; gh: GitHubClient }> {
  const fake = await new FakeGitHub().start();
  return { fake, gh: createGitHubClient({ token: "t", baseUrl: fake.url, retryBaseMs: 1 }) };
}
