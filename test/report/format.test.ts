import { describe, expect, it } from "vitest";
import {
  formatDelta,
  formatDuration,
  formatEnergy,
  formatMass,
  formatPercent,
  formatRange,
  formatSignedPercent,
} from "../../src/report/format.js";

describe("formatEnergy", () => {
  it.each([
    [12.34, "12.3 Wh"],
    [1_200, "1.20 kWh"],
    [0.95, "950 mWh"],
    [0, "0 Wh"],
    [612, "612 Wh"],
    [3_400_000, "3.40 MWh"],
    [0.0004, "0.400 mWh"],
    [Number.NaN, "n/a"],
  ])("%s Wh → %s", (wh, text) => expect(formatEnergy(wh)).toBe(text));
});

describe("formatMass", () => {
  it.each([
    [0.012, "12.0 mg"],
    [4.5, "4.50 g"],
    [1_200, "1.20 kg"],
    [3_000_000, "3.00 t"],
    [0, "0 g"],
  ])("%s g → %s", (g, text) => expect(formatMass(g)).toBe(text));
});

describe("percent and deltas", () => {
  it("formats shares and signed deltas", () => {
    expect(formatPercent(12.34)).toBe("12 %");
    expect(formatPercent(1.234)).toBe("1.2 %");
    expect(formatPercent(0.04)).toBe("0.0400 %");
    expect(formatSignedPercent(8)).toBe("+8.0 %");
    expect(formatSignedPercent(-22.4)).toBe("−22 %");
    expect(formatSignedPercent(0)).toBe("±0 %");
    expect(formatSignedPercent(null)).toBe("n/a");
  });
  it("shows absolute and percent together, as codecarbon's CI report does", () => {
    expect(formatDelta(1.2, 8, formatMass)).toBe("+1.20 g (+8.0 %)");
    expect(formatDelta(-50, -10, formatEnergy)).toBe("−50.0 Wh (−10 %)");
    expect(formatDelta(3, null, formatEnergy)).toBe("+3.00 Wh (n/a)");
  });
  it("formats ranges", () => {
    expect(formatRange(3.1, 6, formatMass)).toBe("3.10 g – 6.00 g");
  });
});

describe("formatDuration", () => {
  it.each([
    [0.85, "850 ms"],
    [0, "0 s"],
    [4.25, "4.3 s"],
    [42, "42 s"],
    [725, "12 min 5 s"],
    [600, "10 min"],
    [7_380, "2 h 3 min"],
    [-90, "−1 min 30 s"],
  ])("%s s → %s", (s, text) => expect(formatDuration(s)).toBe(text));
});
