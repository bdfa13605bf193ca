/**
 * The action's detached sampler (dist/sampler.js, started with the action's node options) reads NVML inside its
 * own process through the vendored Koffi binary, on whatever Node runs this file: CI runs test/contract on
 * Node 20 and again on Node 24, the runtime action.yml declares (Koffi is a Node-API module, one binary for
 * both). No python3 (the helper cannot be the reader) and the fake libnvidia-ml.so.1 found by its soname
 * through LD_LIBRARY_PATH, the way the driver's library is found on a runner.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SAMPLER_NODE_FLAGS, SAMPLES_FILE } from "../../src/measure/background.js";
import { distEntry } from "../support/dist.js";
import { buildFakeNvml, STEADY_UUIDS } from "../support/fake-nvml.js";
import { waitFor } from "../reliability/helpers.js";

const built = buildFakeNvml();
const onKoffiPlatform = process.platform === "linux" && ["x64", "arm64"].includes(process.arch);

describe.skipIf(built.fake === null || !onKoffiPlatform)(
  `the detached sampler reads NVML in process on Node ${process.versions.node} ${built.skipReason ?? ""}`,
  () => {
    it("counter and power from the sampler process itself; SIGTERM ends it with its end line", async () => {
      const fake = built.fake!;
      const dir = mkdtempSync(join(tmpdir(), "mlf-nvml-inproc-"));
      const child = spawn(
        process.execPath,
        [
          ...SAMPLER_NODE_FLAGS,
          distEntry("sampler.js"),
          "sampler",
          "run",
          "--dir",
          dir,
          "--interval",
          "100ms",
        ],
        {
          env: {
            PATH: process.env.PATH,
            ML_FOOTPRINT_NVIDIA_SMI: join(process.cwd(), "test", "fixtures", "bin", "nvidia-smi"),
            FAKE_NVIDIA_SMI_FIXTURE: join(
              process.cwd(),
              "test",
              "fixtures",
              "nvidia-smi",
              "steady-300-150.csv",
            ),
            ML_FOOTPRINT_PYTHON: "/nonexistent/python3",
            LD_LIBRARY_PATH: fake.libDir,
            FAKE_NVML_CONFIG: fake.config([`${STEADY_UUIDS[0]} 400000 ok`, `${STEADY_UUIDS[1]} 150000 ok`]),
          },
          stdio: ["ignore", "ignore", "pipe"],
        },
      );
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
      const samples = join(dir, SAMPLES_FILE);
      const counted = () => {
        try {
          return (readFileSync(samples, "utf8").match(/"e":\d+\}/g) ?? []).length;
        } catch {
          return 0;
        }
      };
      try {
        await waitFor("6 counter readings (3 ticks × 2 GPUs)", () => counted() >= 6, 120_000);
      } finally {
        child.kill("SIGTERM");
      }
      expect(await closed).toBe(0);
      const lines = readFileSync(samples, "utf8").trim().split("\n");
      expect(JSON.parse(lines.at(-1)!)).toMatchObject({ t: "end" });
      const hw = lines.map((l) => JSON.parse(l) as { t: string; reader?: string }).find((l) => l.t === "hw");
      expect(hw?.reader).toBe("nvml");
      expect(stderr).not.toMatch(/python3|nvidia-smi|NVML unavailable/);
    }, 240_000);
  },
);
