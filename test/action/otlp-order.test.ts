// The network part's order: the artifact and the comment come first, the optional OTLP export uses what is
// left of network-timeout; a successful send names the collector without its query string.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAST, PR, startWorld, visible, type World } from "./world.js";
import { RunnerJob } from "../support/runner.js";
import { startOtlpReceiver, type OtlpReceiver } from "../support/otlp-receiver.js";

let world: World;
let receiver: OtlpReceiver;
let blackhole: Server;
let blackholeUrl: string;
beforeAll(async () => {
  world = await startWorld({ inProcess: true });
  receiver = await startOtlpReceiver();
  // accepts the connection and the request, never answers
  blackhole = createServer(() => undefined);
  await new Promise<void>((resolve) => blackhole.listen(0, "127.0.0.1", resolve));
  blackholeUrl = `http://127.0.0.1:${(blackhole.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await world.stop();
  await receiver.close();
  blackhole.closeAllConnections();
  await new Promise<void>((resolve) => blackhole.close(() => resolve()));
});

describe("OTLP after the artifact and the comment", () => {
  it(
    "a blackholed collector costs only the OTLP export (network-timeout 8)",
    { timeout: 180_000 },
    async () => {
      const job = world.job();
      const first = await job.step({ ...FAST, "otlp-endpoint": blackholeUrl, "network-timeout": "8" });
      expect(first.code).toBe(0);
      const owner = RunnerJob.owner(await job.finish());
      expect(owner.code).toBe(0);
      expect(world.results.blob).toBeDefined();
      expect(world.gh.comments.filter((c) => c.issueNumber === PR)).toHaveLength(1);
      expect(owner.stdout).toMatch(/did not finish within network-timeout \(8 s\); skipped: OTLP export;/);
    },
  );

  it("a successful send logs the endpoint without its query string", { timeout: 180_000 }, async () => {
    const job = world.job();
    const first = await job.step({ ...FAST, "otlp-endpoint": `${receiver.url}?api-key=q-secret-7731` });
    expect(first.code).toBe(0);
    const owner = RunnerJob.owner(await job.finish());
    expect(owner.code).toBe(0);
    expect(receiver.requests.length).toBeGreaterThan(0);
    expect(owner.stdout).toMatch(
      /sent \d+ metric point\(s\) over OTLP\/HTTP to http:\/\/127\.0\.0\.1:\d+\/v1\/metrics/,
    );
    expect(visible(owner)).not.toContain("q-secret-7731");
  });
});
