import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareReports } from "../../src/report/compare.js";
import { MAX_DF, PRIOR } from "../../src/report/noise.js";
import { studentTQuantile } from "../../src/report/stats.js";
import { baseHistory, makeReport } from "./make-report.js";

/** One sampling interval (1 s) of energy at makeReport's 40 W, Wh. */
const ONE_INTERVAL_WH = 40 / 3_600;

describe("compareReports", () => {
  it("without base runs says no-baseline everywhere", () => {
    const c = compareReports(makeReport(), []);
    expect(c.verdict).toBe("no-baseline");
    expect(c.base).toBeNull();
    expect(c.baseRunsUsed).toEqual([]);
    expect(c.phases.map((p) => p.verdict)).toEqual(["no-baseline", "no-baseline"]);
    expect(c.total.deltaEnergyWh).toBeNull();
    expect(c.total.verdictWords).toBe("no base run to compare with");
  });

  it("computes deltas in energy, emissions and duration per phase and in total", () => {
    const base = makeReport({ phases: { train: 10, eval: 2 } });
    const head = makeReport({ phases: { train: 15, eval: 2 } });
    const c = compareReports(head, [base]);
    const train = c.phases.find((p) => p.name === "train");
    expect(train?.deltaEnergyWh).toBeCloseTo(5);
    expect(train?.deltaEnergyPercent).toBeCloseTo(50);
    expect(train?.deltaEmissionsPercent).toBeCloseTo(50);
    expect(train?.deltaDurationS).toBeCloseTo((5 / 40) * 3_600);
    expect(c.total.deltaEnergyWh).toBeCloseTo(5);
    expect(c.total.deltaEnergyPercent).toBeCloseTo((5 / 12) * 100);
    // One base run, nothing else on the base branch: run-to-run noise not measured yet, so the range is the
    // model part per component (cpu 4.5 Wh at 0.8×…1.25×, memory 0.5 Wh at 0.5×…1.5×); totals read from
    // counters have no resolution term.
    expect(c.total.deltaNoiseWh).toBeNull();
    expect(c.total.deltaEnergyLowWh).toBeCloseTo(5 - 4.5 * 0.2 - 0.5 * 0.5, 9);
    expect(c.total.deltaEnergyHighWh).toBeCloseTo(5 + 4.5 * 0.25 + 0.5 * 0.5, 9);
    // Same region, intensity and PUE: the emissions delta scales the same way, times the carbon factors'
    // own range (emissions 0.7×…1.4× over energy 0.8×…1.25×).
    const gPerWh = (380 * 1.18) / 1_000;
    expect(c.total.deltaEmissionsLowG).toBeCloseTo((5 - 1.15) * gPerWh * (0.7 / 0.8), 9);
    expect(c.total.deltaEmissionsHighG).toBeCloseTo((5 + 1.375) * gPerWh * (1.4 / 1.25), 9);
    expect(c.phases.find((p) => p.name === "eval")?.verdict).toBe("within-noise");
  });

  it("a report compared with itself gives a delta of 0 with a range of about 0", () => {
    const r = makeReport({ phases: { train: 12, eval: 3 } });
    const c = compareReports(r, [r]);
    expect(c.total.deltaEnergyWh).toBe(0);
    // the total comes from counters read at the exact start and end: no resolution term, nothing changed
    expect(c.total.deltaEnergyLowWh).toBe(0);
    expect(c.total.deltaEnergyHighWh).toBe(0);
    expect(c.total.deltaEmissionsG).toBe(0);
    expect(Math.abs(c.total.deltaEmissionsLowG ?? NaN)).toBeLessThan(0.01);
    expect(c.verdict).toBe("within-noise");
    for (const p of c.phases) {
      expect(p.deltaEnergyWh).toBe(0);
      // the boundary between train and eval fell between two ticks: half an interval per run
      expect(p.deltaEnergyHighWh).toBeCloseTo(ONE_INTERVAL_WH, 12);
    }
  });

  it("self-compare is 0 ± at most two sampling intervals of energy (a middle phase, head + base) (property)", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 8 }),
          fc.double({ min: 0.001, max: 1e6, noNaN: true }),
          {
            minKeys: 1,
            maxKeys: 5,
          },
        ),
        fc.integer({ min: 1, max: 5 }),
        (phases, copies) => {
          const r = makeReport({ phases });
          const c = compareReports(
            r,
            Array.from({ length: copies }, () => r),
          );
          for (const row of [c.total, ...c.phases]) {
            // the mean of identical runs may differ from each in the last bits
            const tiny = 1e-12 * (row.head?.energyWh ?? 0);
            expect(Math.abs(row.deltaEnergyWh ?? NaN)).toBeLessThanOrEqual(tiny);
            expect(row.verdict).toBe("within-noise");
            // half an interval per boundary between ticks, for the head and for the base
            const bound = (row.isTotal ? 0 : 2 * ONE_INTERVAL_WH) * 1.000001 + 2 * tiny;
            expect(-(row.deltaEnergyLowWh ?? NaN)).toBeLessThanOrEqual(bound);
            expect(row.deltaEnergyHighWh ?? NaN).toBeLessThanOrEqual(bound);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("a real change keeps a range that excludes zero (shared factors do not widen it around zero)", () => {
    const base = makeReport({ phases: { train: 100 } });
    const head = makeReport({ phases: { train: 120 } });
    const c = compareReports(head, [base]);
    expect(c.total.deltaEnergyLowWh).toBeGreaterThan(15);
    expect(c.total.deltaEnergyHighWh).toBeLessThan(26);
  });

  it("one base run: the prior (our assumption) sets the noise, said in the verdict's words", () => {
    const base = makeReport({ phases: { train: 100 } });
    const within = compareReports(makeReport({ phases: { train: 109 } }), [base]);
    expect(within.verdict).toBe("within-noise");
    // one row (the phase is the whole job): the total alone, at 95 %: t(0.975, ν₀) · σ₀ · √2
    const expected = studentTQuantile(0.975, PRIOR.df) * PRIOR.cvPercent * Math.SQRT2;
    expect(within.total.band).toMatchObject({ method: "predictive", noiseKnown: false, n: 1, sd: null });
    expect(within.total.bandPercent).toBeCloseTo(expected, 9);
    expect(within.total.verdictWords).toMatch(/the 4\.0 % prior \(our assumption\)/);
    expect(within.total.verdictWords).not.toMatch(/assumed|unknown/);
    expect(compareReports(makeReport({ phases: { train: 100 + expected + 0.5 } }), [base]).verdict).toBe(
      "increase",
    );
    expect(compareReports(makeReport({ phases: { train: 100 - expected - 0.5 } }), [base]).verdict).toBe(
      "decrease",
    );
    expect(
      compareReports(makeReport({ phases: { train: 109 } }), [base], { priorNoisePercent: 2 }).verdict,
    ).toBe("increase");
    expect(within.noiseRule).toMatch(/our assumption/);
  });

  it("n ≥ 2: the predictive interval from the row's own spread and the prior, Holm-corrected with its phases", () => {
    // base train [100, 92, 108, 95, 105] + eval 2 each: the eval rows are identical (no pool entry)
    const noisy = baseHistory([100, 92, 108, 95, 105]);
    const head = makeReport({ phases: { train: 110, eval: 2 } });
    const c = compareReports(head, noisy);
    expect(c.baseRuns).toBe(5);
    const band = c.total.band!;
    const m = 102;
    const cv2 = 44.5 / m ** 2;
    const df = PRIOR.df + 4;
    const sigma2 = (PRIOR.df * (PRIOR.cvPercent / 100) ** 2 + 4 * cv2) / df;
    expect(band.noiseKnown).toBe(true);
    expect(band.mean).toBeCloseTo(m, 9);
    expect(band.sd).toBeCloseTo(Math.sqrt(44.5), 9);
    expect(band.noise.df).toBe(df);
    expect(band.noise.sigmaPercent).toBeCloseTo(Math.sqrt(sigma2) * 100, 9);
    // total + train + eval: the total carries α/2 = 2.5 %
    expect(band.familySize).toBe(3);
    expect(band.confidence).toBeCloseTo(0.975, 12);
    // the total keeps its ν; the phase rows use a t with at most MAX_DF (heavy tails)
    expect(band.df).toBe(df);
    expect(band.t).toBeCloseTo(studentTQuantile(0.9875, df), 9);
    expect(c.phases.find((p) => p.name === "train")!.band!.df).toBe(MAX_DF);
    expect(band.halfWidth).toBeCloseTo(band.t * Math.sqrt(sigma2 * 1.2) * m, 9);
    expect(c.verdict).toBe("within-noise");
    expect(c.total.verdictWords).toMatch(/inside the 97\.5 % prediction interval/);
    expect(c.total.verdictWords).toMatch(/Holm-corrected over 3 rows/);
    const quiet = baseHistory([100, 100.5, 99.5, 100.2, 99.8]);
    const q = compareReports(head, quiet);
    expect(q.verdict).toBe("increase");
    expect(q.total.verdictWords).toMatch(/^increase: energy \+9\.8 % is outside/);
  });

  it("identical base runs say nothing about noise: the prior stands, never a false increase", () => {
    const flat = baseHistory([100, 100, 100]);
    const c = compareReports(makeReport({ phases: { train: 100.06, eval: 2 } }), flat);
    expect(c.total.band?.noise.identical).toBe(true);
    const train = c.phases.find((p) => p.name === "train")!;
    expect(train.band?.noise.identical).toBe(true);
    expect(train.band?.noise.ownDf).toBe(0);
    expect(train.verdict).toBe("within-noise");
    expect(train.verdictWords).toMatch(/3 identical base runs \(their spread counts for nothing\)/);
    expect(c.verdict).toBe("within-noise");
  });

  it("the floor is the sampling resolution of phase boundaries between ticks; totals from counters have none", () => {
    // a 2 s middle phase: its two boundaries fell between 1 s ticks
    const run = (warm: number) => makeReport({ phases: { train: 100, warm: (40 * warm) / 3_600, eval: 2 } });
    const c = compareReports(run(2.2), [run(2), run(2.02), run(1.98)]);
    const warm = c.phases.find((p) => p.name === "warm")!;
    expect(warm.band!.floor).toBeCloseTo(2 * (40 / 3_600), 9); // half an interval per boundary, head + base
    expect(warm.band!.halfWidth).toBe(warm.band!.floor);
    expect(warm.verdict).toBe("within-noise");
    expect(warm.verdictWords).toMatch(/widened to the sampling resolution of its phase boundaries/);
    expect(c.total.band!.floor).toBe(0);
  });

  it("the confidence and the number of base runs used are options", () => {
    const history = baseHistory([100, 96, 104, 98, 102, 97, 103]);
    const c = compareReports(makeReport({ phases: { train: 100, eval: 2 } }), history, {
      history: 3,
      confidence: 0.9,
    });
    expect(c.baseRuns).toBe(3);
    expect(c.baseRunsUsed.map((r) => r.sha)).toEqual(history.slice(0, 3).map((r) => r.identity.sha));
    expect(c.confidence).toBe(0.9);
    // the total carries half of α = 10 %: judged at 95 %, with ν = ν₀ + 2
    expect(c.total.band?.confidence).toBeCloseTo(0.95, 12);
    expect(c.total.band?.t).toBeCloseTo(studentTQuantile(0.975, PRIOR.df + 2), 9);
  });

  it("hardware is matched per base run: other runs are skipped and listed, not fatal", () => {
    const matching = baseHistory([100, 101, 99]);
    const other = makeReport({
      phases: { train: 300, eval: 2 },
      cpu: "Intel Xeon Platinum 8370C CPU @ 2.80GHz",
      createdAt: "2026-11-21T00:00:00.000Z",
      sha: "f".repeat(40),
    });
    const c = compareReports(makeReport({ phases: { train: 100, eval: 2 } }), [other, ...matching]);
    expect(c.verdict).toBe("within-noise");
    expect(c.baseRuns).toBe(3);
    expect(c.hardwareDifferences).toEqual([]);
    expect(c.base?.sha).toBe(matching[0]!.identity.sha);
    expect(c.baseRunsSkipped).toEqual([
      {
        sha: "f".repeat(40),
        runId: "1001",
        createdAt: "2026-11-21T00:00:00.000Z",
        hardwareDifferences: [
          "CPU: Intel Xeon Platinum 8370C CPU @ 2.80GHz → AMD EPYC 7763 64-Core Processor",
        ],
      },
    ]);
  });

  it("only when no base run matches is the verdict different-hardware, with the differences listed", () => {
    const base = makeReport({ phases: { train: 10 } });
    const head = makeReport({
      phases: { train: 30 },
      gpus: ["NVIDIA A10G"],
      threads: 8,
      cpu: "Intel Xeon 8370C",
    });
    const c = compareReports(head, [base, base]);
    expect(c.verdict).toBe("different-hardware");
    expect(c.phases[0]?.verdict).toBe("different-hardware");
    expect(c.baseRuns).toBe(0);
    expect(c.baseRunsSkipped).toHaveLength(2);
    expect(c.hardwareDifferences).toEqual([
      "CPU: AMD EPYC 7763 64-Core Processor → Intel Xeon 8370C",
      "vCPUs: 4 → 8",
      "GPU count: 0 → 1",
    ]);
    expect(c.total.deltaEnergyWh).toBeCloseTo(20);
    expect(c.total.band).toBeNull();
    expect(c.total.verdictWords).toMatch(/^different hardware/);
    const gpuModel = compareReports(makeReport({ gpus: ["NVIDIA H100"] }), [
      makeReport({ gpus: ["NVIDIA A100"] }),
    ]);
    expect(gpuModel.hardwareDifferences).toEqual(["GPU model: NVIDIA A100 → NVIDIA H100"]);
  });

  it("judges the total per 1k work units when both count the same unit", () => {
    const base = makeReport({ phases: { train: 10 }, work: { samples: 10_000, steps: 100 } });
    const head = makeReport({ phases: { train: 20 }, work: { samples: 20_000 } });
    const c = compareReports(head, [base]);
    expect(c.total.basis).toBe("energy-per-work");
    expect(c.total.work).toMatchObject({ unit: "samples", baseWhPer1k: 1, headWhPer1k: 1 });
    expect(c.total.deltaEnergyPercent).toBeCloseTo(100);
    expect(c.verdict).toBe("within-noise");
    expect(c.total.verdictWords).toMatch(/energy per 1k samples \+0\.0 %/);
    // A phase without its own counts is judged on energy: with the workload doubled that says nothing
    // about the code, so it is not comparable (never a false increase) and says why.
    expect(c.phases[0]?.verdict).toBe("not-comparable");
    expect(c.phases[0]?.verdictWords).toBe(
      "not comparable on energy: the job's work changed (samples 20000 vs 10000 in the base); the total is judged per 1k samples",
    );
    // the same work: phases are judged on energy as usual
    const same = compareReports(makeReport({ phases: { train: 20 }, work: { samples: 10_000 } }), [base]);
    expect(same.phases[0]?.verdict).toBe("increase");
  });

  it("judges a phase that reports work per unit, and the others on energy", () => {
    const withWork = (trainWh: number, evalWh: number, samples: number) => {
      const r = makeReport({ phases: { train: trainWh, eval: evalWh } });
      r.phases[1] = {
        ...r.phases[1]!,
        work: { units: { samples }, whPer1k: { samples: (evalWh / samples) * 1_000 } },
      };
      return r;
    };
    // eval doubles its samples and its energy: per sample, nothing changed
    const c = compareReports(withWork(10, 4, 400), [withWork(10, 2, 200)]);
    const evalRow = c.phases.find((p) => p.name === "eval")!;
    expect(evalRow.basis).toBe("energy-per-work");
    expect(evalRow.work).toMatchObject({ unit: "samples", baseWhPer1k: 10, headWhPer1k: 10 });
    expect(evalRow.verdict).toBe("within-noise");
    expect(evalRow.deltaEnergyPercent).toBeCloseTo(100, 9);
    expect(c.phases.find((p) => p.name === "train")!.basis).toBe("energy");
  });

  it("marks added and removed phases", () => {
    const c = compareReports(makeReport({ phases: { train: 10, export: 1 } }), [
      makeReport({ phases: { train: 10, eval: 2 } }),
    ]);
    expect(c.phases.map((p) => [p.name, p.presence, p.verdict])).toEqual([
      ["train", "both", "within-noise"],
      ["export", "added", "no-baseline"],
      ["eval", "removed", "decrease"],
    ]);
    const removed = c.phases[2]!;
    expect(removed.deltaEnergyLowWh).toBeLessThan(removed.deltaEnergyHighWh!);
    expect(removed.deltaEnergyHighWh).toBeLessThan(0);
  });

  it("emissions in another region: the two ranges are independent", () => {
    const base = makeReport({ phases: { train: 10 }, intensity: 300 });
    const head = makeReport({ phases: { train: 10 }, intensity: 100 });
    const c = compareReports(head, [base]);
    expect(c.total.deltaEmissionsLowG).toBeCloseTo(
      head.carbon!.emissions.lowG - base.carbon!.emissions.highG,
      9,
    );
    expect(c.total.deltaEmissionsHighG).toBeCloseTo(
      head.carbon!.emissions.highG - base.carbon!.emissions.lowG,
      9,
    );
  });

  it("is plain data (survives a JSON round trip unchanged)", () => {
    const c = compareReports(makeReport({ phases: { train: 110, eval: 2 } }), baseHistory([100, 92, 108]));
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
  });

  it("swapping base and head flips the sign of the energy and emissions deltas (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1e5, noNaN: true }),
        fc.double({ min: 0.01, max: 1e5, noNaN: true }),
        (a, b) => {
          const ra = makeReport({ phases: { train: a } });
          const rb = makeReport({ phases: { train: b } });
          const ab = compareReports(rb, [ra]);
          const ba = compareReports(ra, [rb]);
          expect(ab.total.deltaEnergyWh).toBeCloseTo(-(ba.total.deltaEnergyWh ?? NaN), 6);
          expect(ab.total.deltaEmissionsG).toBeCloseTo(-(ba.total.deltaEmissionsG ?? NaN), 6);
          const flipped = {
            increase: "decrease",
            decrease: "increase",
            "within-noise": "within-noise",
          } as const;
          // With one base run the band is symmetric in percent of the base, so only the direction must flip.
          if (ab.verdict !== "within-noise" && ba.verdict !== "within-noise") {
            expect(ba.verdict).toBe(flipped[ab.verdict as keyof typeof flipped]);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
