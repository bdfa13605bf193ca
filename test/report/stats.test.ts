import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mean, sampleSd, studentTCdf, studentTQuantile } from "../../src/report/stats.js";

describe("Student's t", () => {
  // NIST/SEMATECH e-Handbook of Statistical Methods, table 1.3.6.7.2 (upper critical values).
  const table: [number, number, number][] = [
    [0.975, 1, 12.706],
    [0.975, 2, 4.303],
    [0.975, 3, 3.182],
    [0.975, 4, 2.776],
    [0.975, 9, 2.262],
    [0.975, 30, 2.042],
    [0.975, 100, 1.984],
    [0.95, 5, 2.015],
    [0.995, 10, 3.169],
    [0.9, 20, 1.325],
  ];
  it.each(table)("quantile(%s, df %s) = %s", (p, df, t) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(t, 3);
  });

  it("the CDF is symmetric and inverts the quantile (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        fc.integer({ min: 1, max: 200 }),
        (p, df) => {
          const t = studentTQuantile(p, df);
          expect(studentTCdf(t, df)).toBeCloseTo(p, 8);
          expect(studentTCdf(-t, df)).toBeCloseTo(1 - p, 8);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("rejects a p below one half or a non-positive df", () => {
    expect(() => studentTQuantile(0.4, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(0.975, 0)).toThrow(RangeError);
  });
});

describe("mean and sampleSd", () => {
  it("are the mean and the n−1 standard deviation, NaN where undefined", () => {
    expect(mean([90, 110])).toBe(100);
    expect(sampleSd([90, 110])).toBeCloseTo(Math.SQRT2 * 10, 9);
    expect(mean([])).toBeNaN();
    expect(sampleSd([3])).toBeNaN();
  });
});
