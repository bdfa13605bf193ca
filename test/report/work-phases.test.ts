import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { workByPhase } from "../../src/report/work.js";

const phases = [
  { name: "setup", energyWh: 5 },
  { name: "train", energyWh: 90 },
  { name: "eval", energyWh: 10 },
];

describe("workByPhase", () => {
  it("divides each phase's counts into that phase's energy only (eval's 200 samples, not the job's)", () => {
    const r = workByPhase(phases, { byPhase: new Map([["eval", [{ samples: 200 }]]]), job: null }, 105);
    expect(r.phases.get("eval")).toEqual({ units: { samples: 200 }, whPer1k: { samples: 50 } });
    expect(r.phases.has("train")).toBe(false);
    expect(r.job).toEqual({ units: { samples: 200 }, whPer1k: { samples: 50 } });
  });

  it("sums a unit over the phases that count it, on their energy; several files of a phase add up", () => {
    const r = workByPhase(
      phases,
      {
        byPhase: new Map<string, Record<string, number>[]>([
          ["train", [{ samples: 60_000, steps: 900 }, { steps: 38 }]],
          ["eval", [{ samples: 10_000 }]],
        ]),
        job: null,
      },
      105,
    );
    expect(r.phases.get("train")?.units).toEqual({ samples: 60_000, steps: 938 });
    expect(r.job?.units).toEqual({ samples: 70_000, steps: 938 });
    expect(r.job?.whPer1k.samples).toBeCloseTo((100 / 70_000) * 1_000, 12);
    expect(r.job?.whPer1k.steps).toBeCloseTo((90 / 938) * 1_000, 12);
  });

  it("job-level counts (a path the user set) cover the whole job, unless a phase counts the unit", () => {
    const r = workByPhase(
      phases,
      { byPhase: new Map([["eval", [{ samples: 200 }]]]), job: { samples: 999, tokens: 1_000 } },
      105,
    );
    expect(r.job?.units).toEqual({ samples: 200, tokens: 1_000 });
    expect(r.job?.whPer1k.tokens).toBeCloseTo(105, 12);
    expect(workByPhase(phases, { byPhase: new Map(), job: null }, 105).job).toBeNull();
  });

  it("keeps the planned epochs_total (the forecast reads it) but gives no Wh per 1k for a plan", () => {
    const r = workByPhase(
      phases,
      { byPhase: new Map([["train", [{ epochs: 1, epochs_total: 30 }]]]), job: { epochs_total: 30 } },
      105,
    );
    expect(r.phases.get("train")).toEqual({
      units: { epochs: 1, epochs_total: 30 },
      whPer1k: { epochs: 90_000 },
    });
    expect(r.job?.units).toEqual({ epochs: 1, epochs_total: 30 });
    expect(r.job?.whPer1k).toEqual({ epochs: 90_000 });
  });

  it("ignores counts for a phase that is not in the report, and zero counts", () => {
    const r = workByPhase(
      phases,
      {
        byPhase: new Map([
          ["gone", [{ samples: 5 }]],
          ["train", [{ samples: 0 }]],
        ]),
        job: null,
      },
      105,
    );
    expect(r.job).toBeNull();
  });

  it("the job's Wh per 1k is between the phases' figures for that unit (property)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            energyWh: fc.double({ min: 0, max: 1e4, noNaN: true }),
            count: fc.integer({ min: 1, max: 1e7 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        (parts) => {
          const ps = parts.map((p, i) => ({ name: `p${i}`, energyWh: p.energyWh }));
          const byPhase = new Map(parts.map((p, i) => [`p${i}`, [{ samples: p.count }]]));
          const r = workByPhase(ps, { byPhase, job: null }, 0);
          const each = [...r.phases.values()].map((w) => w.whPer1k.samples!);
          const job = r.job!.whPer1k.samples!;
          expect(job).toBeGreaterThanOrEqual(Math.min(...each) * (1 - 1e-12));
          expect(job).toBeLessThanOrEqual(Math.max(...each) * (1 + 1e-12));
        },
      ),
      { numRuns: 200 },
    );
  });
});
