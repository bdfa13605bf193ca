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
});
