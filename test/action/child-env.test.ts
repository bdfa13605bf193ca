import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { samplerEnv } from "../../src/action/child-env.js";

describe("the detached sampler's environment", () => {
  it("keeps what the NVML counter helper needs (PATH, LD_LIBRARY_PATH, ML_FOOTPRINT_PYTHON) and no token", () => {
    const env = samplerEnv({
      PATH: "/usr/bin",
      LD_LIBRARY_PATH: "/usr/local/nvidia/lib64",
      ML_FOOTPRINT_PYTHON: "/usr/bin/python3",
      FAKE_NVML_CONFIG: "/tmp/devices.txt",
      "INPUT_GITHUB-TOKEN": "ghs_secret",
      ACTIONS_RUNTIME_TOKEN: "runtime",
      MY_JOB_VAR: "x",
      PYTHONPATH: "/somewhere",
    });
    expect(env).toEqual({
      PATH: "/usr/bin",
      LD_LIBRARY_PATH: "/usr/local/nvidia/lib64",
      ML_FOOTPRINT_PYTHON: "/usr/bin/python3",
      FAKE_NVML_CONFIG: "/tmp/devices.txt",
    });
  });

  it("keeps every variable the sampler process reads: the GPU selection (AMD's too) and the tool paths", () => {
    const read = {
      CUDA_VISIBLE_DEVICES: "0",
      ROCR_VISIBLE_DEVICES: "1",
      HIP_VISIBLE_DEVICES: "2",
      NVIDIA_VISIBLE_DEVICES: "all",
      ML_FOOTPRINT_NVIDIA_SMI: "/opt/nvidia-smi",
      ML_FOOTPRINT_AMD_SMI: "/opt/rocm/bin/amd-smi",
      ML_FOOTPRINT_POWERMETRICS: "/usr/local/bin/powermetrics-wrapper",
      ML_FOOTPRINT_PYTHON: "/usr/bin/python3",
      ML_FOOTPRINT_GPU_START_WAIT_MS: "60000",
      ML_FOOTPRINT_PROC_ROOT: "/tmp/proc",
      ML_FOOTPRINT_SYS_ROOT: "/tmp/sys",
    };
    expect(samplerEnv({ ...read, ML_FOOTPRINT_ELECTRICITY_MAPS_TOKEN: "em-secret" })).toEqual(read);
  });

  it("keeps every ML_FOOTPRINT_ variable that the sampler's code names (src/measure, src/sampler.ts), found by scanning it", () => {
    const files = [
      "src/sampler.ts",
      ...readdirSync("src/measure", { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".ts"))
        .map((f) => join("src/measure", f)),
    ];
    const named = new Set(
      files.flatMap((f) => readFileSync(f, "utf8").match(/ML_FOOTPRINT_[A-Z0-9_]+/g) ?? []),
    );
    expect(named.size).toBeGreaterThanOrEqual(8);
    const env = Object.fromEntries([...named].map((k) => [k, "x"]));
    expect(Object.keys(samplerEnv(env)).sort()).toEqual([...named].sort());
  });
});
