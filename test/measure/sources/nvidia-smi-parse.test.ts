import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  NVIDIA_SMI_QUERY,
  nvidiaSmiArgs,
  offersPowerAverage,
  parseNvidiaSmiLine,
} from "../../../src/measure/sources/nvidia-smi.js";
import type { NvidiaSmiRow } from "../../../src/measure/sources/nvidia-smi.js";

const FIXTURES = new URL("../../fixtures/nvidia-smi/", import.meta.url);

function fixtureRows(name: string): NvidiaSmiRow[] {
  return readFileSync(new URL(name, FIXTURES), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"))
    .map((line) => {
      const parsed = parseNvidiaSmiLine(line);
      if (!parsed.ok) throw new Error(`${name}: ${parsed.reason}: ${line}`);
      return parsed.row;
    });
}

function rowOf(line: string): NvidiaSmiRow {
  const parsed = parseNvidiaSmiLine(line);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.row;
}

describe("parseNvidiaSmiLine", () => {
  it("parses the documented example line", () => {
    expect(
      rowOf(
        "0, GPU-8f6c2b0e-5d1a-4c3b-9e7f-1a2b3c4d5e6f, NVIDIA A100-SXM4-40GB, 61.23, 400.00, 7, 12, 40960",
      ),
    ).toEqual({
      index: 0,
      uuid: "GPU-8f6c2b0e-5d1a-4c3b-9e7f-1a2b3c4d5e6f",
      name: "NVIDIA A100-SXM4-40GB",
      powerW: 61.23,
      powerLimitW: 400,
      utilization: 0.07,
      memoryUsedMiB: 12,
      memoryTotalMiB: 40960,
      powerField: "power.draw",
    });
  });

  it("with power.draw.average asked for: uses it, and power.draw where the GPU answers [N/A]", () => {
    const base = "0, GPU-x, NVIDIA H100 80GB HBM3, 301.5, 700.00, 90, 100, 81559";
    const averaged = parseNvidiaSmiLine(`${base}, 287.25`, true);
    expect(averaged.ok && averaged.row).toMatchObject({ powerW: 287.25, powerField: "power.draw.average" });
    const na = parseNvidiaSmiLine(`${base}, [N/A]`, true);
    expect(na.ok && na.row).toMatchObject({ powerW: 301.5, powerField: "power.draw" });
    expect(parseNvidiaSmiLine(base, true)).toMatchObject({ ok: false, reason: "expected 9 fields, got 8" });
    expect(nvidiaSmiArgs(1_000, true)[0]).toBe(`--query-gpu=${NVIDIA_SMI_QUERY},power.draw.average`);
  });

  it("finds power.draw.average in --help-query-gpu output, not a longer or shorter name", () => {
    expect(offersPowerAverage('"power.draw"\nLast measured.\n\n"power.draw.average"\nAverage.\n')).toBe(true);
    expect(offersPowerAverage('"power.draw"\n"power.draw.instant"\n')).toBe(false);
    expect(offersPowerAverage('"power.draw.averages"\n')).toBe(false);
  });

  it("turns [N/A], [Not Supported], [Unknown Error] and blanks into null", () => {
    const row = rowOf("3, [N/A], Tesla T4, [N/A], [Not Supported], [Unknown Error], , 15360");
    expect(row).toMatchObject({ index: 3, uuid: null, name: "Tesla T4", powerW: null, powerLimitW: null });
    expect(row.utilization).toBeNull();
    expect(row.memoryUsedMiB).toBeNull();
    expect(row.memoryTotalMiB).toBe(15360);
  });

  it("tolerates CRLF and keeps a name with a comma whole", () => {
    const row = rowOf("1, GPU-x, Weird, Name, 10.5, 70.00, 50, 100, 200\r");
    expect(row.name).toBe("Weird, Name");
    expect(row.powerW).toBe(10.5);
    expect(row.memoryTotalMiB).toBe(200);
  });

  it.each([
    ["", "empty line"],
    ["0, GPU-x, A100, 61.2", "expected 8 fields"],
    ["x, GPU-x, A100, 61.2, 400, 0, 0, 40960", "index"],
    ["0, GPU-x, A100, 61.2 W, 400, 0, 0, 40960", "power.draw"],
    ["0, GPU-x, A100, -1, 400, 0, 0, 40960", "power.draw"],
    ["0, GPU-x, A100, 61.2, 400, 101, 0, 40960", "above 100"],
    ["NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.", "fields"],
  ])("rejects %j (%s) instead of turning it into zeros", (line, reason) => {
    const parsed = parseNvidiaSmiLine(line);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });

  it("parses every fixture line", () => {
    const single = fixtureRows("a100-idle-load.csv");
    expect(single.map((r) => r.powerW)).toEqual([61.23, 88.71, 287.4, 301.95]);
    expect(single.map((r) => r.utilization)).toEqual([0, 0.12, 0.97, 1]);

    const eight = fixtureRows("h100x8.csv");
    expect(eight).toHaveLength(24);
    expect(new Set(eight.map((r) => r.index))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7]));
    expect(eight.every((r) => r.powerLimitW === 700 && r.memoryTotalMiB === 81559)).toBe(true);

    expect(
      fixtureRows("geforce-na-power.csv").every((r) => r.powerW === null && r.utilization !== null),
    ).toBe(true);
    const mig = fixtureRows("mig-not-supported.csv");
    expect(mig[0]?.utilization).toBeNull();
    expect(mig[1]?.powerLimitW).toBeNull();
    expect(mig[3]?.powerW).toBeNull();
  });
});

describe("nvidiaSmiArgs", () => {
  it("asks for one long-running CSV stream", () => {
    expect(nvidiaSmiArgs(500)).toEqual([
      `--query-gpu=${NVIDIA_SMI_QUERY}`,
      "--format=csv,noheader,nounits",
      "-lms",
      "500",
    ]);
    expect(NVIDIA_SMI_QUERY.split(",")).toHaveLength(8);
  });

  it("rejects a non-integer interval", () => {
    expect(() => nvidiaSmiArgs(0.5)).toThrow(/interval/);
  });
});
