import { describe, expect, it } from "vitest";
import { jobDetails } from "../../src/report/render-details.js";
import { renderTextSummary } from "../../src/report/render-text.js";
import type { Report } from "../../src/model/report.js";
import { makeReport } from "./make-report.js";

const withAttribution = (scope: "cgroup" | "host"): Report => {
  const report = makeReport();
  report.hardware.attribution = {
    scope,
    reason:
      scope === "cgroup"
        ? "cgroup v2 /kubepods/pod1/c_1: CPU quota 2 cores (cpu.max) → 2 vCPUs of 64 host CPUs"
        : "cgroup v2 / is the root cgroup: the runner owns the machine; host-wide /proc/stat",
    cpuSource: scope === "cgroup" ? "cgroup-usage" : "proc-stat",
    memorySource: scope === "cgroup" ? "memory.max" : "installed",
    hostCpus: 64,
    hostMemoryGB: 512,
    cgroup: null,
  };
  return report;
};

describe("the job's cgroup share in the rendered report", () => {
  it("the text summary and the comment's details name it, escaped; a host's own figures need no line", () => {
    const cgroup = withAttribution("cgroup");
    expect(renderTextSummary(cgroup)).toContain("share — the job's cgroup: cgroup v2 /kubepods/pod1/c_1");
    const details = JSON.stringify(jobDetails(cgroup, null, false, new Set()));
    expect(details).toContain("Share: the job's cgroup, not the whole host");
    expect(details).toContain("c\\\\_1"); // markdown-escaped
    const host = withAttribution("host");
    expect(renderTextSummary(host)).not.toContain("share —");
    expect(JSON.stringify(jobDetails(host, null, false, new Set()))).not.toContain("Share:");
  });
});
