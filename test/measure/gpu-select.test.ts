import { describe, expect, it } from "vitest";
import { InputError } from "../../src/model/units.js";
import {
  gpuSelectionFrom,
  parseGpusInput,
  resolveGpuSelection,
  type GpuSelection,
} from "../../src/measure/gpu-select.js";

const U0 = "GPU-aaaaaaaa-0000-4000-8000-000000000000";
const U1 = "GPU-abbbbbbb-0000-4000-8000-000000000001";
const gpus = [
  { index: 0, uuid: U0 },
  { index: 1, uuid: U1 },
];
const counted = (selection: GpuSelection, migParents?: Map<string, string>) =>
  [...resolveGpuSelection(selection, gpus, migParents).counted].sort();

describe("the job's GPUs", () => {
  it("takes the gpus input over CUDA_VISIBLE_DEVICES over NVIDIA_VISIBLE_DEVICES over all", () => {
    const env = { CUDA_VISIBLE_DEVICES: "1", NVIDIA_VISIBLE_DEVICES: "0" };
    expect(gpuSelectionFrom("0", env)).toMatchObject({ source: "gpus-input", value: "0" });
    expect(gpuSelectionFrom("", env)).toMatchObject({ source: "CUDA_VISIBLE_DEVICES", value: "1" });
    expect(gpuSelectionFrom(undefined, { NVIDIA_VISIBLE_DEVICES: "0" })).toMatchObject({
      source: "NVIDIA_VISIBLE_DEVICES",
    });
    expect(gpuSelectionFrom(undefined, {})).toMatchObject({ source: "all", ids: null });
    expect(gpuSelectionFrom("all", env).ids).toBeNull();
  });

  it.each([
    ["1", [1]],
    ["0,1", [0, 1]],
    [U1, [1]],
    ["GPU-abbb", [1]],
    ["gpu-AAAAAAAA", [0]],
    [`MIG-${U1}/1/0`, [1]],
  ])("CUDA_VISIBLE_DEVICES=%s counts %j", (value, expected) => {
    expect(counted(gpuSelectionFrom(undefined, { CUDA_VISIBLE_DEVICES: value }))).toEqual(expected);
  });

  it("follows CUDA: stops at the first invalid entry; empty hides every GPU", () => {
    expect(counted(gpuSelectionFrom(undefined, { CUDA_VISIBLE_DEVICES: "1,-1,0" }))).toEqual([1]);
    expect(counted(gpuSelectionFrom(undefined, { CUDA_VISIBLE_DEVICES: "" }))).toEqual([]);
    expect(counted(gpuSelectionFrom(undefined, { CUDA_VISIBLE_DEVICES: "-1" }))).toEqual([]);
  });

  it("maps an R470+ MIG id to its GPU where NVML names the parent, else counts all with a warning", () => {
    const mig = "MIG-11111111-2222-3333-4444-555555555555";
    const selection = gpuSelectionFrom(undefined, { CUDA_VISIBLE_DEVICES: mig });
    expect(counted(selection, new Map([[mig, U0]]))).toEqual([0]);
    const unresolved = resolveGpuSelection(selection, gpus);
    expect([...unresolved.counted].sort()).toEqual([0, 1]);
    expect(unresolved.warnings.join(" ")).toMatch(/could not be matched to its GPU/);
  });

  it("NVIDIA_VISIBLE_DEVICES: all, none, UUIDs; indices already applied by the container runtime", () => {
    const from = (v: string) => counted(gpuSelectionFrom(undefined, { NVIDIA_VISIBLE_DEVICES: v }));
    expect(from("all")).toEqual([0, 1]);
    expect(from("none")).toEqual([]);
    expect(from(U1)).toEqual([1]);
    // Inside a container started with NVIDIA_VISIBLE_DEVICES=2,3 nvidia-smi lists two GPUs, 0 and 1.
    expect(from("2,3")).toEqual([0, 1]);
    expect(from("1")).toEqual([1]); // on the host, where the variable is not enforced
  });

  it("warns about entries that match nothing, and about ambiguous UUID prefixes", () => {
    const r = resolveGpuSelection(parseGpusInput("3,GPU-a", "gpus"), gpus);
    expect([...r.counted]).toEqual([]);
    expect(r.warnings).toEqual([
      expect.stringMatching(/"3" matches no GPU present/),
      expect.stringMatching(/prefix of 2 GPUs/),
    ]);
  });

  it.each(["", "0,,1", "first", "0;1", "GPU_0", "-1"])(
    "rejects the gpus input %j naming the accepted forms",
    (v) => {
      expect(() => parseGpusInput(v, "gpus")).toThrow(InputError);
      expect(() => parseGpusInput(v, "gpus")).toThrow(/^gpus: .* accepted: all, or a comma-separated list/);
    },
  );
});
