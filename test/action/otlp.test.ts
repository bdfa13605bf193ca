// The action's opt-in OTLP export: with otlp-endpoint set, the owner's post step sends the job's footprint to a
// loopback OTLP receiver; the otlp-headers value reaches the receiver and is masked in the step's log.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAST, readReport, startWorld, type World } from "./world.js";
import { RunnerJob } from "../support/runner.js";
import { pointsOf, startOtlpReceiver, type OtlpReceiver } from "../support/otlp-receiver.js";

let world: World;
let receiver: OtlpReceiver;
beforeAll(async () => {
  world = await startWorld({ inProcess: true });
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await world.stop();
  await receiver.close();
});

describe("otlp-endpoint", () => {
  it(
    "sends the job's energy and emissions from the post step; the header value is masked",
    { timeout: 180_000 },
    async () => {
      const job = world.job();
      const first = await job.step({
        ...FAST,
        phase: "train",
        "otlp-endpoint": receiver.url,
        "otlp-headers": "x-api-key=hunter2-otlp",
      });
      expect(first.code).toBe(0);
      const owner = RunnerJob.owner(await job.finish());
      expect(owner.code).toBe(0);
      const report = readReport(owner);
      expect(receiver.requests).toHaveLength(1);
      const [request] = receiver.requests;
      expect(request!.path).toBe("/v1/metrics");
      expect(request!.headers["x-api-key"]).toBe("hunter2-otlp");
      const rm = request!.resourceMetrics[0]!;
      const energy = pointsOf(rm, "ml_footprint.energy").reduce((s, p) => s + p.value, 0);
      expect(energy).toBeCloseTo(report.energyWh, 9);
      expect(pointsOf(rm, "ml_footprint.emissions").length).toBeGreaterThan(0);
      expect(owner.stdout).toMatch(/sent \d+ metric point\(s\) over OTLP\/HTTP/);
      // Registered as a secret (the runner then hides it), and never printed otherwise.
      const log = `${first.stdout}${owner.stdout}`.split("\n");
      expect(log).toContain("::add-mask::hunter2-otlp");
      expect(log.filter((l) => !l.startsWith("::add-mask::") && l.includes("hunter2-otlp"))).toEqual([]);
    },
  );
});
