import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { zipSync, strToU8 } from "fflate";
import type { GitHubClient } from "../../src/github/client.js";
import {
  BaseLookupShared,
  chooseBaseArtifacts,
  findBaseReports,
  type ArtifactInfo,
} from "../../src/github/baseline.js";
import { type FakeGitHub, startFakeGitHubWithClient } from "../support/fake-github.js";
import { makeReport, reportZip } from "../support/report-fixture.js";

const NAME = "ml-footprint-train";
const sha = (c: string): string => c.repeat(40);
const [A, B, C, D, HEAD] = [sha("a"), sha("b"), sha("c"), sha("d"), sha("e")];

let fake: FakeGitHub;
let gh: GitHubClient;
const logged: string[] = [];
const log = { warn: (m: string) => logged.push(m) };

beforeEach(async () => {
  ({ fake, gh } = await startFakeGitHubWithClient());
  logged.length = 0;
  fake.addHistory(A, B, C, D); // main: A ← B ← C ← D (newest)
  fake.mergeBases.set(`main...${HEAD}`, C);
});
afterEach(() => fake.stop());

const find = (extra: Partial<Parameters<typeof findBaseReports>[1]> = {}) =>
  findBaseReports(gh, {
    owner: fake.owner,
    repo: fake.repo,
    repositoryId: fake.repositoryId,
    baseRef: "main",
    headSha: HEAD,
    artifactName: NAME,
    history: 5,
    log,
    ...extra,
  });

/** A base-branch run at `headSha` with a report whose durationS tags it. */
function baseRun(
  headSha: string,
  tag: number,
  opts: { fork?: boolean; expired?: boolean; branch?: string; zip?: Uint8Array } = {},
) {
  const run = fake.addRun({
    headSha,
    headBranch: opts.branch ?? "main",
    headRepositoryId: opts.fork ? 999 : fake.repositoryId,
  });
  return fake.addArtifact({
    name: NAME,
    runId: run.id,
    expired: opts.expired ?? false,
    zip: opts.zip ?? reportZip(makeReport({ durationS: tag })),
  });
}
const tags = (r: { reports: { durationS: number }[] }) => r.reports.map((x) => x.durationS);

describe("findBaseReports against the fake API", () => {
  it("prefers the merge-base run over newer base runs, then keeps older ones for noise", async () => {
    baseRun(A, 1);
    baseRun(C, 3);
    baseRun(D, 4); // newer than the merge-base: not in this PR
    const r = await find();
    expect(r).toMatchObject({ mergeBaseSha: C, chosenFrom: "merge-base", warnings: [] });
    expect(tags(r)).toEqual([3, 1]);
    // compare + list + 2 downloads, no ancestor walk needed
    expect(fake.apiCalls().map((c) => c.route.split(" ")[1])).toEqual([
      "/repos/{owner}/{repo}/compare/{basehead}",
      "/repos/{owner}/{repo}/actions/artifacts",
      "/repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}",
      "/repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}",
    ]);
  });

  it("with a hardware matcher, reads on past base runs on other hardware until `history` match", async () => {
    const other = makeReport({ durationS: 0 });
    const hw = (brand: string, tag: number) =>
      reportZip(
        makeReport({
          durationS: tag,
          hardware: { ...other.hardware, cpu: { ...other.hardware.cpu, brand } },
        }),
      );
    const runAt = (headSha: string, zip: Uint8Array) => baseRun(headSha, 0, { zip });
    runAt(A, hw("AMD EPYC 7763", 1));
    runAt(B, hw("Intel Xeon 8370C", 2));
    runAt(C, hw("Intel Xeon 8370C", 3));
    const matches = (r: { hardware: { cpu: { brand: string } } }) => r.hardware.cpu.brand === "AMD EPYC 7763";
    const r = await find({ history: 1, matches });
    // the merge-base (C) and B ran elsewhere: A, the one match, is read too; all three are returned
    expect(tags(r)).toEqual([3, 2, 1]);
    // without a matcher, history 1 stops at the first valid report
    expect(tags(await find({ history: 1 }))).toEqual([3]);
    // bounded: history + 3 + history artifacts at most
    const none = await find({ history: 1, matches: () => false });
    expect(none.reports).toHaveLength(3);
  });

  it("walks the merge-base's ancestors when it has no report", async () => {
    baseRun(A, 1);
    baseRun(B, 2);
    const r = await find({ history: 1 });
    expect(r.chosenFrom).toBe("ancestor");
    expect(tags(r)).toEqual([2]);
    expect(fake.requests.find((q) => q.route.endsWith("/commits"))!.path).toContain(`sha=${C}`);
  });

  it("falls back to the newest run on the base branch", async () => {
    baseRun(sha("9"), 7); // a main commit outside the walked history
    baseRun(sha("8"), 8, { branch: "feature" });
    const r = await find({ maxAncestors: 2 });
    expect(r.chosenFrom).toBe("latest-on-base");
    expect(tags(r)).toEqual([7]);
  });

  it("ignores fork runs and expired artifacts", async () => {
    baseRun(C, 66, { fork: true });
    baseRun(C, 77, { expired: true });
    baseRun(A, 1);
    const r = await find();
    expect(r.chosenFrom).toBe("ancestor");
    expect(tags(r)).toEqual([1]);
    expect(fake.requests.filter((q) => q.route === "BLOB")).toHaveLength(1);
  });

  it("reports none when nothing usable exists", async () => {
    baseRun(C, 66, { fork: true });
    expect(await find()).toMatchObject({ chosenFrom: "none", reports: [] });
  });

  it("skips an oversized zip with a warning, reading no more than the cap", async () => {
    baseRun(A, 1);
    baseRun(C, 3, { zip: reportZip({ pad: randomBytes(20_000).toString("hex"), ...makeReport() }) });
    const r = await find({ maxBytes: 4_000 });
    expect(tags(r)).toEqual([1]);
    expect(r.warnings.join("\n")).toMatch(/larger than the 4000-byte limit/);
  });

  it("stops reading a chunked download (no content-length) at the cap", async () => {
    const big = baseRun(C, 3, {
      zip: reportZip({ pad: randomBytes(20_000).toString("hex"), ...makeReport() }),
    });
    big.chunked = true;
    const r = await find({ maxBytes: 4_000 });
    expect(r.reports).toEqual([]);
    expect(r.warnings.join("\n")).toMatch(/larger than the 4000-byte limit/);
  });

  it("rejects a zip-slip entry", async () => {
    baseRun(C, 3, { zip: zipSync({ "../../evil.json": strToU8(JSON.stringify(makeReport())) }) });
    const r = await find();
    expect(r.reports).toEqual([]);
    expect(r.warnings.join("\n")).toMatch(/unsafe zip entry name "\.\.\/\.\.\/evil\.json"/);
  });

  it("rejects a decompression bomb by its declared size", async () => {
    baseRun(C, 3, { zip: zipSync({ "report.json": new Uint8Array(30 * 1024 * 1024) }, { level: 9 }) });
    const r = await find();
    expect(r.reports).toEqual([]);
    expect(r.warnings.join("\n")).toMatch(/uncompressed size over/);
  });

  it("skips invalid JSON and the wrong schema, naming the artifact and the zod path", async () => {
    baseRun(A, 1);
    baseRun(B, 2, { zip: reportZip("{not json") });
    baseRun(C, 3, { zip: reportZip({ ...makeReport(), energyWh: -5 }) });
    const r = await find();
    expect(tags(r)).toEqual([1]);
    const text = r.warnings.join("\n");
    expect(text).toMatch(
      new RegExp(`artifact ${NAME} \\(id \\d+, run \\d+\\) "report.json" is not valid JSON`),
    );
    expect(text).toMatch(/energyWh: /);
  });

  it("reads base artifacts with the same caps as a run's artifacts (one reportFromZip): 21 entries or 11 MiB are refused", async () => {
    const json = strToU8(JSON.stringify(makeReport({ durationS: 2 })));
    baseRun(A, 1);
    const entries = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`r${i}.json`, json]));
    baseRun(B, 2, { zip: zipSync(entries) });
    baseRun(C, 3, { zip: zipSync({ "report.json": new Uint8Array(11 * 1024 * 1024) }, { level: 9 }) });
    const r = await find();
    expect(tags(r)).toEqual([1]);
    const text = r.warnings.join("\n");
    expect(text).toContain("more than 20 zip entries");
    expect(text).toContain("uncompressed size over 10485760 bytes");
  });

  it("turns 403 on the artifact list into a warning naming actions: read", async () => {
    fake.fault("GET /repos/{owner}/{repo}/actions/artifacts", {
      status: 403,
      message: "Resource not accessible by integration",
    });
    const r = await find();
    expect(r).toMatchObject({ chosenFrom: "none", reports: [] });
    expect(r.warnings.join("\n")).toMatch(/actions: read/);
  });

  it("treats an artifact that expired after listing (410) as skipped, not fatal", async () => {
    baseRun(A, 1);
    const gone = baseRun(C, 3);
    fake.fault("GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}", {
      status: 410,
      message: "Artifact has expired",
    });
    const r = await find();
    expect(tags(r)).toEqual([1]);
    expect(r.warnings.join("\n")).toContain(`id ${gone.id}`);
  });
});

describe("chooseBaseArtifacts (pure)", () => {
  let next = 0;
  const art = (headSha: string, headBranch = "main", extra: Partial<ArtifactInfo> = {}): ArtifactInfo => {
    next += 1;
    return {
      id: next,
      name: NAME,
      expired: false,
      createdAt: new Date(Date.UTC(2024, 0, 1, 0, next)).toISOString(),
      sizeInBytes: 100,
      workflowRun: { id: 100 + next, headSha, headBranch, repositoryId: 1, headRepositoryId: 1 },
      ...extra,
    };
  };
  const opts = { mergeBaseSha: C, ancestors: [C, B, A], baseRef: "main", history: 2 };

  it("picks the merge-base, then older base runs (the caller reads until `history` are valid)", () => {
    const list = [art(A), art(B), art(C), art(D)];
    const r = chooseBaseArtifacts(list, opts);
    expect(r.chosenFrom).toBe("merge-base");
    expect(r.candidates.map((a) => a.workflowRun!.headSha)).toEqual([C, B, A]);
  });

  it("prefers the nearest ancestor, not the newest artifact", () => {
    const near = art(B);
    const far = art(A); // created later (a re-run) but further back in history
    expect(chooseBaseArtifacts([near, far], opts)).toMatchObject({
      chosenFrom: "ancestor",
      candidates: [near, far],
    });
  });

  it("skips runs whose head repository is not the repository (forks), and other repositories", () => {
    const fork = art(C, "main", {});
    fork.workflowRun!.headRepositoryId = 2;
    const other = art(C);
    other.workflowRun!.repositoryId = other.workflowRun!.headRepositoryId = 3;
    expect(chooseBaseArtifacts([fork, other], { ...opts, repositoryId: 1 }).chosenFrom).toBe("none");
  });

  it("never uses a PR branch run as the base", () => {
    expect(chooseBaseArtifacts([art(HEAD, "feature")], opts).chosenFrom).toBe("none");
  });
});

describe("base lookups of many jobs share one budget (issue 13)", () => {
  it("the ancestor list is read once; a spent budget stops the rest with one warning text", async () => {
    const shared = new BaseLookupShared(5);
    const texts: string[] = [];
    for (let job = 0; job < 4; job++) {
      const r = await findBaseReports(gh, {
        owner: fake.owner,
        repo: fake.repo,
        baseRef: "main",
        headSha: HEAD,
        artifactName: `ml-footprint-job${job}`,
        history: 3,
        shared,
        log: { warn: () => {} },
      });
      texts.push(...r.warnings);
    }
    const routes = fake.apiCalls().map((c) => c.route);
    expect(routes.filter((r) => r === "GET /repos/{owner}/{repo}/commits")).toHaveLength(1);
    expect(fake.apiCalls()).toHaveLength(5);
    expect(shared.exhausted).toBe(true);
    expect(new Set(texts).size).toBe(1);
    expect(texts[0]).toMatch(/base-branch lookups stopped: the cap of 5 API calls/);
  });
});
