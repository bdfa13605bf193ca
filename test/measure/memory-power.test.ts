import { describe, expect, it } from "vitest";
import { InputError } from "../../src/model/units.js";
import {
  CCF_WATTS_PER_GB,
  CODECARBON_WATTS_PER_GB,
  GREEN_ALGORITHMS_WATTS_PER_GB,
  memoryPowerModel,
} from "../../src/measure/memory-power.js";

describe("memoryPowerModel", () => {
  it("uses CCF's 0.392 W/GB with a range spanning the other published figures", () => {
    const model = memoryPowerModel(16);
    expect(model.w).toBeCloseTo(16 * 0.392, 12);
    expect(model.lowW).toBeLessThan(16 * Math.min(CODECARBON_WATTS_PER_GB, GREEN_ALGORITHMS_WATTS_PER_GB));
    expect(model.highW).toBeGreaterThan(16 * CCF_WATTS_PER_GB);
    expect(model.detail).toMatch(/16 GB x 0.392 W\/GB \(Cloud Carbon Footprint/);
    expect(CODECARBON_WATTS_PER_GB).toBe(0.375);
  });

  it("adds only the memory the CPU figure does not already include, keeping all of it in the high end", () => {
    const model = memoryPowerModel(16, undefined, { includedGB: 4, includedBy: "CCF per-vCPU watts" });
    expect(model.w).toBeCloseTo(12 * 0.392, 12);
    expect(model.highW).toBeCloseTo(16 * 0.392 * 1.5, 12);
    expect(model.lowW).toBeLessThan(model.w);
    expect(model.detail).toMatch(/4 GB already in the CPU figure \(CCF per-vCPU watts\), 12 GB added/);
    // never negative when the CPU figure includes more than the machine has
    expect(memoryPowerModel(2, undefined, { includedGB: 8 }).w).toBe(0);
  });

  it("uses a user figure when given", () => {
    const model = memoryPowerModel(15.6, 0.5);
    expect(model.w).toBeCloseTo(7.8, 12);
    expect(model.lowW).toBeCloseTo(7.8 * 0.75, 12);
    expect(model.highW).toBeCloseTo(7.8 * 1.25, 12);
    expect(model.detail).toBe("15.6 GB x 0.5 W/GB (user override)");
  });

  it("is zero for zero memory and rejects bad values", () => {
    expect(memoryPowerModel(0)).toMatchObject({ w: 0, lowW: 0, highW: 0 });
    expect(() => memoryPowerModel(-1)).toThrow(RangeError);
    expect(() => memoryPowerModel(8, -0.1)).toThrow(InputError);
    expect(() => memoryPowerModel(8, Number.POSITIVE_INFINITY)).toThrow(/memory watts per GB: Infinity/);
  });
});
