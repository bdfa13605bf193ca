/** A small valid `ml-footprint/report@1` report for tests that need one; override what the test is about. */
import { zipSync, strToU8 } from "fflate";
import { REPORT_SCHEMA_ID, type Report } from "../../src/model/report.js";

export function makeReport(overrides: Partial<Report> = {}): Report {
  return {
    schema: REPORT_SCHEMA_ID,
    tool: { name: "ml-footprint", version: "0.1.0" },
    createdAt: "2024-01-01T00:00:00.000Z",
    identity: {
      repository: "octo-org/octo-repo",
      sha: "a".repeat(40),
      ref: "refs/heads/main",
      baseRef: "",
      headRef: "",
      eventName: "push",
      workflow: "train",
      job: "train",
      matrix: null,
      runId: "1",
      runAttempt: "1",
      prNumber: null,
      key: "train",
    },
    runner: { os: "linux", arch: "x64", githubHosted: true, name: "GitHub Actions 1" },
    hardware: { cpu: { brand: "AMD EPYC 7763", threads: 4, cores: 2 }, memoryGB: 16, gpus: [] },
    command: null,
    exitCode: 0,
    signal: null,
    intervalMs: 1000,
    startedAt: "2024-01-01T00:00:00.000Z",
    durationS: 60,
    energyWh: 1.5,
    lowWh: 1.2,
    highWh: 1.9,
    samples: 60,
    phases: [],
    carbon: null,
    work: null,
    warnings: [],
    ...overrides,
  };
}

/** A report artifact zip as actions/upload-artifact makes it: one JSON file at the root. */
export function reportZip(report: unknown, name = "report.json"): Uint8Array {
  const text = typeof report === "string" ? report : JSON.stringify(report);
  return zipSync({ [name]: strToU8(text) });
}
