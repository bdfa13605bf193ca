import { describe, expect, it } from "vitest";
import { getActionConfig, parseWattsPerVcpuInput } from "../../src/action/inputs.js";
import { Inputs } from "../../src/action/constants.js";
import { InputError } from "../../src/model/units.js";

const config = (inputs: Record<string, string>) => getActionConfig((name) => inputs[name] ?? "");

describe("CPU and live-intensity action inputs (issue #17)", () => {
  it("defaults: no CPU overrides, live intensity off", () => {
    const c = config({});
    expect(c.cpu).toEqual({ tdpW: null, threadsPerPackage: null, wattsPerVcpu: null });
    expect(c.liveIntensity).toBe(false);
  });

  it("reads a package TDP, its thread count and watts per vCPU", () => {
    const c = config({
      [Inputs.CpuTdp]: "280",
      [Inputs.CpuThreadsPerPackage]: "128",
      [Inputs.CpuWattsPerVcpu]: "0.45-2.02",
      [Inputs.LiveIntensity]: "true",
    });
    expect(c.cpu).toEqual({ tdpW: 280, threadsPerPackage: 128, wattsPerVcpu: { min: 0.45, max: 2.02 } });
    expect(c.liveIntensity).toBe(true);
    expect(parseWattsPerVcpuInput("3", "x")).toEqual({ min: 3, max: 3 });
    expect(parseWattsPerVcpuInput(" 0.5 – 4 ", "x")).toEqual({ min: 0.5, max: 4 });
  });

  it.each([
    [Inputs.CpuTdp, "280W", /cpu-tdp: "280W" is not valid; accepted: a positive number of watts/],
    [
      Inputs.CpuThreadsPerPackage,
      "0",
      /cpu-threads-per-package: "0" is not valid; accepted: a whole number from 1 to 4096/,
    ],
    [Inputs.CpuWattsPerVcpu, "2-1", /cpu-watts-per-vcpu: "2-1" has MIN above MAX; accepted: "MIN-MAX"/],
    [Inputs.CpuWattsPerVcpu, "fast", /cpu-watts-per-vcpu: "fast" is not valid; accepted: "MIN-MAX"/],
    [Inputs.LiveIntensity, "yes", /live-intensity: "yes" is not valid; accepted: true, false/],
  ])("rejects %s: %s with a message naming the input and the accepted forms", (name, value, message) => {
    expect(() => config({ [name]: value })).toThrow(InputError);
    expect(() => config({ [name]: value })).toThrow(message);
  });
});
