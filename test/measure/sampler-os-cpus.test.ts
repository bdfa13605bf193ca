/** macOS and Windows: no /proc, utilisation from os.cpus() times, through the Sampler and loadMachine. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Sampler } from "../../src/measure/sampler.js";
import { parseLine } from "../../src/measure/samples.js";
import { loadMachine } from "../../src/pipeline/machine.js";
import { fakeHost } from "../support/fake-host.js";

describe.each(["darwin", "win32"] as const)("%s: utilisation from os.cpus() times", (platform) => {
  it("the sampler reads busy and idle time per CPU; the machine is the host's", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlf-oscpus-"));
    const samplesPath = join(dir, "samples.ndjson");
    // Each CPU: 300 ms busy (user + sys + irq), 300 ms idle per reading.
    let reading = 0;
    const os = fakeHost(8, 16, 8, () => {
      const n = reading;
      return { user: 200 * n, nice: 0, sys: 50 * n, idle: 300 * n, irq: 50 * n };
    });
    let monoMs = 0;
    const sampler = new Sampler({
      samplesPath,
      intervalMs: 60_000,
      phase: "train",
      procRoot: join(dir, "no-proc"),
      sysRoot: join(dir, "no-sys"),
      platform,
      os,
      env: {},
      nvidiaSmi: null,
      powermetrics: null,
      now: () => 1_700_000_000_000,
      monotonicNow: () => monoMs,
    });
    await sampler.start();
    reading = 1;
    monoMs = 1_000;
    await sampler.stop();
    const samples = readFileSync(samplesPath, "utf8")
      .trim()
      .split("\n")
      .map((l) => parseLine(l))
      .flatMap((p) => (p.ok && p.line.t === "s" ? [p.line] : []));
    expect(samples.map((s) => s.cpu)).toEqual([null, 0.5]);
    const machine = await loadMachine({
      nvidiaSmi: null,
      platform,
      os,
      env: {},
      procRoot: join(dir, "no-proc"),
      systemInformation: () =>
        Promise.resolve({
          cpu: () => Promise.resolve({ manufacturer: "Apple", brand: "M2", physicalCores: 8 }),
        }),
    });
    expect(machine.cpu).toMatchObject({ brand: "Apple M2", cores: 8 });
    expect(machine.attribution).toMatchObject({ scope: "host", cpuSource: "os-cpus" });
    expect(machine.cpu.threads).toBe(8);
    expect(machine.memoryGB).toBe(16);
  });
});
