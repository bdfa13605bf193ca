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
    /** dist/sampler.js as the action starts it, with the fake library; its samples file and a way to stop it. */
    function startSampler(extra: Record<string, string> = {}) {
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
            ...extra,
          },
          stdio: ["ignore", "ignore", "pipe"],
        },
      );
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on("close", (code, signal) => resolve({ code, signal })),
      );
      const samples = join(dir, SAMPLES_FILE);
      const text = () => {
        try {
          return readFileSync(samples, "utf8");
        } catch {
          return "";
        }
      };
      return { child, closed, text, stderr: () => stderr };
    }

    it("counter and power from the sampler process itself; SIGTERM ends it with its end line", async () => {
      const sampler = startSampler();
      const counted = () => (sampler.text().match(/"e":\d+\}/g) ?? []).length;
      try {
        await waitFor("6 counter readings (3 ticks × 2 GPUs)", () => counted() >= 6, 120_000);
      } finally {
        sampler.child.kill("SIGTERM");
      }
      expect(await sampler.closed).toEqual({ code: 0, signal: null });
      const lines = sampler.text().trim().split("\n");
      expect(JSON.parse(lines.at(-1)!)).toMatchObject({ t: "end" });
      const hw = lines.map((l) => JSON.parse(l) as { t: string; reader?: string }).find((l) => l.t === "hw");
      expect(hw?.reader).toBe("nvml");
      expect(sampler.stderr()).not.toMatch(/python3|nvidia-smi|NVML unavailable/);
    }, 240_000);

    it("an nvmlInit_v2 that never returns: CPU sampling goes on, the stream reads the GPUs after 15 s, SIGTERM still ends it", async () => {
      const sampler = startSampler({ FAKE_NVML_INIT_HANG: "1" });
      // The stream's rows: "w" without a counter reading, after the bound on opening NVML.
      const streamRows = () => (sampler.text().match(/"w":300,"u":[^}]*\}/g) ?? []).length;
      try {
        await waitFor("the nvidia-smi stream's readings", () => streamRows() >= 4, 120_000);
      } finally {
        sampler.child.kill("SIGTERM");
      }
      // ends although one of Koffi's worker threads is still inside nvmlInit_v2 (Node cannot exit while it is: the
      // sampler ends itself with SIGKILL once its end line is written)
      expect(await sampler.closed).toEqual({ code: null, signal: "SIGKILL" });
      const lines = sampler
        .text()
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { t: string; cpu?: unknown; e?: unknown });
      expect(lines.at(-1)).toMatchObject({ t: "end" });
      // ticks all along: many more samples than the stream's, none with a counter
      expect(lines.filter((l) => l.t === "s").length).toBeGreaterThan(100);
      expect(sampler.text()).not.toMatch(/"e":\d/);
      expect(sampler.stderr()).toContain(
        "NVML unavailable (nvmlInit_v2 did not return within 15 s (a wedged driver, or one without persistence mode initialising many GPUs))",
      );
    }, 240_000);
  },
);
