import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync, strFromU8 } from "fflate";
import { artifactNameForKey, uploadReportArtifact } from "../../src/github/artifacts.js";
import { FakeResultsService, fakeRuntimeToken } from "../support/fake-results.js";

// @actions/artifact reads these at call time; vitest isolates each test file's process env.
const ENV_KEYS = [
  "ACTIONS_RUNTIME_TOKEN",
  "ACTIONS_RESULTS_URL",
  "GITHUB_WORKSPACE",
  "GITHUB_SERVER_URL",
  "ACTIONS_ARTIFACT_UPLOAD_TIMEOUT_MS",
];
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
let fake: FakeResultsService;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "mlf-artifact-"));
  writeFileSync(join(dir, "report.json"), '{"schema":"ml-footprint/report@1"}\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await fake?.stop();
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

async function startFake(): Promise<FakeResultsService> {
  fake = await new FakeResultsService().start();
  process.env.ACTIONS_RUNTIME_TOKEN = fakeRuntimeToken();
  process.env.ACTIONS_RESULTS_URL = `${fake.url}/`;
  process.env.GITHUB_WORKSPACE = dir;
  process.env.ACTIONS_ARTIFACT_UPLOAD_TIMEOUT_MS = "10000";
  delete process.env.GITHUB_SERVER_URL;
  return fake;
}

describe("uploadReportArtifact with the real @actions/artifact client", () => {
  it("creates, uploads the zip to blob storage and finalizes", async () => {
    await startFake();
    const result = await uploadReportArtifact({
      name: "ml-footprint-train",
      files: [join(dir, "report.json")],
      rootDir: dir,
      retentionDays: 7,
    });
    expect(result.warning).toBeNull();
    expect(result.id).toBe(123);
    expect(fake.created[0]).toMatchObject({
      workflow_run_backend_id: "run-backend-1",
      workflow_job_run_backend_id: "job-backend-1",
      name: "ml-footprint-train",
      version: 7,
    });
    expect(fake.created[0]!.expires_at).toBeDefined();
    expect(fake.finalized[0]).toMatchObject({ name: "ml-footprint-train" });
    expect(String(fake.finalized[0]!.hash)).toMatch(/^sha256:[0-9a-f]{64}$/);
    const zip = unzipSync(new Uint8Array(fake.blob!));
    expect(strFromU8(zip["report.json"]!)).toContain("ml-footprint/report@1");
    expect(
      fake.log.map(
        (r) =>
          `${r.method} ${r.path.split("/").pop()}${r.query.includes("comp=") ? ` ${new URLSearchParams(r.query).get("comp")}` : ""}`,
      ),
    ).toMatchSnapshot();
  });

  it("returns a warning, not an exception, when the service refuses", async () => {
    await startFake();
    fake.createStatus = 403;
    const result = await uploadReportArtifact({
      name: "ml-footprint-train",
      files: [join(dir, "report.json")],
      rootDir: dir,
      retentionDays: 7,
    });
    expect(result).toMatchObject({ id: null, size: null });
    expect(result.warning).toMatch(
      /Could not upload the report artifact ml-footprint-train: .*CreateArtifact/,
    );
  });

  it("returns a warning outside Actions (no runtime token)", async () => {
    await startFake();
    delete process.env.ACTIONS_RUNTIME_TOKEN;
    const result = await uploadReportArtifact({
      name: "ml-footprint-train",
      files: [join(dir, "report.json")],
      rootDir: dir,
      retentionDays: 7,
    });
    expect(result.warning).toMatch(/ACTIONS_RUNTIME_TOKEN/);
  });

  it("passes an injected client through", async () => {
    const calls: unknown[] = [];
    const client = { uploadArtifact: async (...args: unknown[]) => (calls.push(args), { id: 5, size: 10 }) };
    const result = await uploadReportArtifact({
      name: "n",
      files: ["/x"],
      rootDir: "/",
      retentionDays: 1,
      client: client as never,
    });
    expect(result).toEqual({ id: 5, size: 10, warning: null });
    expect(calls).toEqual([["n", ["/x"], "/", { retentionDays: 1 }]]);
  });
});

describe("artifactNameForKey", () => {
  it("prefixes and replaces every character upload-artifact rejects", () => {
    expect(artifactNameForKey('train/linux: "a"<b>|c*?d\\e\r\nf')).toBe(
      "ml-footprint-train_linux_ _a__b__c__d_e__f",
    );
    expect(artifactNameForKey("   ")).toBe("ml-footprint-default");
    expect(artifactNameForKey("x".repeat(500))).toHaveLength(200);
  });
});
