import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { GitHubClient } from "../../src/github/client.js";
import {
  downloadArtifactZip,
  hasEndOfCentralDirectory,
  IncompleteDownloadError,
} from "../../src/github/baseline.js";
import { type FakeGitHub, startFakeGitHubWithClient } from "../support/fake-github.js";
import { makeReport, reportZip } from "../support/report-fixture.js";

let fake: FakeGitHub;
let gh: GitHubClient;
beforeEach(async () => {
  ({ fake, gh } = await startFakeGitHubWithClient());
});
afterEach(() => fake.stop());

function artifact(cutShort?: { times: number; declareLength: boolean }) {
  const run = fake.addRun({ headSha: "a".repeat(40), headBranch: "main" });
  return fake.addArtifact({
    name: "ml-footprint-train",
    runId: run.id,
    zip: reportZip(makeReport()),
    cutShort,
  });
}
const download = (id: number) =>
  downloadArtifactZip(gh, { owner: fake.owner, repo: fake.repo }, id, 1e7, `artifact "ml-footprint-train"`);
const blobs = () => fake.requests.filter((r) => r.route === "BLOB").length;

describe("downloadArtifactZip: a body cut short is never a smaller artifact", () => {
  it("keeps the response alive until its body is read (a GC between them used to give 0 bytes)", () => {
    const script = fileURLToPath(new URL("../fixtures/scripts/download-after-gc.mts", import.meta.url));
    const out = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", script], {
      encoding: "utf8",
      timeout: 120_000,
    });
    const m = /bytes (\d+) of (\d+)/.exec(out);
    expect(m, out).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0);
    expect(m![1]).toBe(m![2]);
  });

  it("retries a body that ends before its Content-Length, and returns the whole zip", async () => {
    const a = artifact({ times: 2, declareLength: true });
    const zip = await download(a.id);
    expect(zip).toEqual(a.zip);
    expect(blobs()).toBe(3);
  });

  it("retries a chunked body that is not a whole zip (no end-of-central-directory record)", async () => {
    const a = artifact({ times: 1, declareLength: false });
    const zip = await download(a.id);
    expect(zip).toEqual(a.zip);
    expect(blobs()).toBe(2);
  });

  it("names the artifact when every try was cut short", async () => {
    const a = artifact({ times: 10, declareLength: false });
    const error = await download(a.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IncompleteDownloadError);
    expect((error as Error).message).toMatch(/artifact "ml-footprint-train".*not a whole zip.*3 tries/);
    expect(blobs()).toBe(3);
  });

  it("recognises a zip's end record, with or without a comment", () => {
    const zip = reportZip(makeReport());
    expect(hasEndOfCentralDirectory(zip)).toBe(true);
    expect(hasEndOfCentralDirectory(zip.subarray(0, zip.byteLength - 1))).toBe(false);
    expect(hasEndOfCentralDirectory(new Uint8Array())).toBe(false);
    const withComment = new Uint8Array([...zip.subarray(0, zip.byteLength - 2), 3, 0, 1, 2, 3]);
    expect(hasEndOfCentralDirectory(withComment)).toBe(true);
  });
});
