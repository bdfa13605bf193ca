import { describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { strToU8, zipSync } from "fflate";
import type { FakeGitHub } from "../../support/fake-github.js";
import { reportZip } from "../../support/report-fixture.js";
import { inspectMarkdown } from "../../report/render-check.js";
import { createGitHubClient } from "../../../src/github/client.js";
import { downloadRunReports } from "../../../src/github/run-artifacts.js";
import { HEAD, fakeGitHubPerTest, jobReport, pullRequestEvent, runPost } from "./harness.js";

let fake: FakeGitHub;
const PR = 5;
/** a file name an escaping entry would create, checked afterwards */
const EVIL = `mlf-evil-${process.pid}.json`;

fakeGitHubPerTest((f) => (fake = f));

const HOSTILE_KEY =
  "<img src=x onerror=alert(1)> **bold** | x | [link](https://evil.example) @octocat <!-- ml-footprint:report --> -->";

function maliciousRun() {
  const run = fake.addRun({ headSha: HEAD, headBranch: "feature", event: "pull_request" });
  const valid = jobReport("good", { train: 5 });
  const add = (name: string, zip: Uint8Array) =>
    fake.addArtifact({ name: `ml-footprint-${name}`, runId: run.id, zip });
  add("good", reportZip(valid));
  // oversized: 100 kB of incompressible bytes, over a 64 kB per-artifact cap
  add("oversized", zipSync({ "report.json": randomBytes(100_000) }, { level: 0 }));
  // a decompression bomb: 12 MiB of zeros compress to a few kB, over the 10 MiB report cap
  add("bomb", zipSync({ "report.json": new Uint8Array(12 * 1024 * 1024) }, { level: 9 }));
  add("zip-slip", zipSync({ [`../../${EVIL}`]: strToU8(JSON.stringify(valid)) }));
  add("absolute", zipSync({ [`/tmp/${EVIL}`]: strToU8(JSON.stringify(valid)) }));
  add("invalid-json", reportZip("{ this is not json"));
  add("wrong-schema", reportZip({ schema: "ml-footprint/report@2", energyWh: 1e9 }));
  add("not-a-zip", strToU8("PK but not really a zip"));
  const hostile = jobReport("hostile", { "<script>alert(1)</script> | eval": 3 });
  add(
    "hostile",
    reportZip({
      ...hostile,
      identity: { ...hostile.identity, key: HOSTILE_KEY, headRef: "<b>branch</b>" },
      hardware: { ...hostile.hardware, cpu: { ...hostile.hardware.cpu, brand: "</details><h1>pwned</h1>" } },
      warnings: ["<!-- ml-footprint:report -->", "[click](javascript:alert(1))"],
    }),
  );
  // not ours: ignored without a download
  fake.addArtifact({ name: "other-tool-report", runId: run.id, zip: reportZip(valid) });
  return run;
}

describe("untrusted report artifacts", () => {
  it("skips every malicious artifact with a warning naming it; the comment stays intact", async () => {
    const run = maliciousRun();
    const { core } = await runPost(fake, {
      inputs: { mode: "report" },
      event: pullRequestEvent(PR),
      eventName: "pull_request",
      runId: run.id,
      limits: { maxArtifactBytes: 64 * 1024 },
    });
    const warnings = core.warnings.join("\n");
    const skipped = (name: string, why: RegExp) =>
      expect(warnings).toMatch(new RegExp(`skipped report artifact "ml-footprint-${name}": .*${why.source}`));
    skipped("oversized", /over the 65536-byte limit per artifact/);
    skipped("bomb", /uncompressed size over 10485760 bytes/);
    skipped("zip-slip", /unsafe zip entry name "\.\.\/\.\.\/mlf-evil/);
    skipped("absolute", /unsafe zip entry name "\/tmp\/mlf-evil/);
    skipped("invalid-json", /is not valid JSON/);
    skipped("wrong-schema", /is not a valid ml-footprint\/report@1 report: schema/);
    skipped("not-a-zip", /not a whole zip archive/);
    expect(core.warnings.filter((w) => w.startsWith("ml-footprint: skipped"))).toHaveLength(7);
    expect(warnings).not.toContain("other-tool-report");
    expect(core.failed).toEqual([]);

    // the two valid reports (one hostile) make one intact comment
    expect(fake.comments).toHaveLength(1);
    const body = fake.comments[0]!.body;
    const inspection = inspectMarkdown(body);
    expect(inspection.markers).toBe(1);
    expect(body.startsWith("<!-- ml-footprint:report -->\n")).toBe(true);
    expect(inspection.foreignHtml).toEqual([]);
    expect(inspection.links).toEqual([]);
    expect(inspection.brokenRows).toEqual([]);
    expect(inspection.unneutralisedMentions).toBe(0);
    expect(body).not.toMatch(/<img|<script|<h1|<b>|<\/details><h1/);
    expect(body).toContain("| **total** |");
    expect(body).toContain("⚠️ The totals are incomplete: 7 report artifact(s) could not be read");
    expect(core.outputs["missing-reports"]).toBe("7");
    expect(inspection.tables[0]!.rows).toHaveLength(3); // a row per job, then the total
  });

  it("nothing reaches the disk outside the work directory", async () => {
    const run = maliciousRun();
    const { workDir } = await runPost(fake, {
      inputs: { mode: "report" },
      event: pullRequestEvent(PR),
      eventName: "pull_request",
      runId: run.id,
    });
    for (const dir of [tmpdir(), "/tmp", resolve(workDir, ".."), resolve(workDir, "../.."), process.cwd()])
      expect(existsSync(join(dir, EVIL))).toBe(false);
    // the work directory holds the event file and our own total report, nothing named by an artifact
    const files = readdirSync(workDir, { recursive: true }).map(String).sort();
    expect(files).toEqual([
      "event.json",
      "ml-footprint",
      "ml-footprint/report",
      "ml-footprint/report/ml-footprint-total.json",
    ]);
  });

  it("caps the total download and skips expired artifacts", async () => {
    const run = fake.addRun({ headSha: HEAD });
    for (let i = 0; i < 5; i++)
      fake.addArtifact({
        name: `ml-footprint-j${i}`,
        runId: run.id,
        zip: reportZip(jobReport(`j${i}`, { train: 1 })),
      });
    fake.addArtifact({
      name: "ml-footprint-old",
      runId: run.id,
      expired: true,
      zip: reportZip(jobReport("old", { train: 1 })),
    });
    const size = fake.artifacts[0]!.zip.byteLength;
    const gh = createGitHubClient({ token: "t", baseUrl: fake.url, retryBaseMs: 1 });
    const result = await downloadRunReports(gh, {
      owner: fake.owner,
      repo: fake.repo,
      runId: run.id,
      limits: { maxTotalBytes: size * 3 + 10 },
    });
    expect(result.reports.map((r) => r.artifactName)).toEqual([
      "ml-footprint-j0",
      "ml-footprint-j1",
      "ml-footprint-j2",
    ]);
    expect(result.skipped).toEqual(
      [
        { artifactName: "ml-footprint-j3", reason: expect.stringMatching(/total limit/) },
        { artifactName: "ml-footprint-j4", reason: expect.stringMatching(/total limit/) },
        { artifactName: "ml-footprint-old", reason: "the artifact has expired" },
      ].sort((a, b) => a.artifactName.localeCompare(b.artifactName)),
    );
    expect(fake.requests.filter((r) => r.route === "BLOB")).toHaveLength(3);
  });
});
