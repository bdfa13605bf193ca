/**
 * Properties of the energy integration (src/measure/integrate.ts) over generated sample streams:
 * additive over phases, invariant to splitting a trace, never negative even for adversarial streams.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EnergyIntegrator, integrateEnergy } from "../../src/measure/integrate.js";
import type { PowerModels } from "../../src/measure/power-model.js";
import { parseLine, type SamplesFileLine } from "../../src/measure/samples.js";

const models: PowerModels = {
  cpu: {
    powerW: (u) => ({ w: 10 + 90 * u, lowW: 8 + 70 * u, highW: 12 + 110 * u }),
    detail: "test curve",
    provenance: "modelled",
  },
  memory: { w: 3, lowW: 1, highW: 5, detail: "test memory" },
  other: { w: 5, lowW: 4, highW: 6, detail: "test other" },
};

const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);
const INTERVAL = 1_000;
const MAX_UJ = 262_143_328_850;
const meta: SamplesFileLine = {
  t: "meta",
  v: 1,
  startMs: T0,
  intervalMs: INTERVAL,
  raplMaxUj: { "package-0": MAX_UJ },
};

/** A well-formed trace: increasing timestamps (some gaps), CPU, RAPL counters with wraps, two GPUs. */
const trace = fc
  .array(
    fc.record({
      stepMs: fc.oneof(fc.integer({ min: 200, max: 2_000 }), fc.integer({ min: 3_001, max: 20_000 })),
      cpu: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
      raplStepUj: fc.integer({ min: 0, max: 300_000_000 }),
      gpuW: fc.array(fc.option(fc.double({ min: 0, max: 700, noNaN: true }), { nil: null }), {
        minLength: 0,
        maxLength: 2,
      }),
    }),
    { minLength: 2, maxLength: 60 },
  )
  .chain((steps) =>
    fc.tuple(fc.constant(steps), fc.nat({ max: MAX_UJ - 1 }), fc.boolean()).map(([s, start, withRapl]) => {
      let ts = T0;
      let counter = start;
      return s.map((step, i): Extract<SamplesFileLine, { t: "s" }> => {
        if (i > 0) ts += step.stepMs;
        counter = (counter + step.raplStepUj) % MAX_UJ;
        return {
          t: "s",
          ts,
          cpu: i === 0 ? null : step.cpu,
          ...(withRapl ? { rapl: { "package-0": counter } } : {}),
          gpu: step.gpuW.map((w, idx) => ({ i: idx, w, u: 0.5, mem: 10 })),
        };
      });
    }),
  );

const RUNS = 150;

describe("integrateEnergy (property)", () => {
  it("is additive over phases: markers anywhere split the energy but never change the total", () => {
    fc.assert(
      fc.property(
        trace,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
        (samples, cuts) => {
          const first = samples[0]!.ts;
          const last = samples[samples.length - 1]!.ts;
          const whole = integrateEnergy([meta, ...samples], { models });
          const markers: SamplesFileLine[] = cuts.map((f, i) => ({
            t: "phase",
            ts: Math.round(first + f * (last - first)),
            name: `p${i}`,
          }));
          const lines = [meta, ...samples, ...markers].sort(
            (a, b) => ("ts" in a ? a.ts : 0) - ("ts" in b ? b.ts : 0) || (a.t === "phase" ? -1 : 1),
          );
          const split = integrateEnergy(lines, { models });
          expect(split.energyWh).toBeCloseTo(whole.energyWh, 6);
          const phaseSum = split.phases.reduce((s, p) => s + p.energyWh, 0);
          expect(phaseSum).toBeCloseTo(split.energyWh, 9);
          for (const phase of split.phases) {
            const componentSum = phase.components.reduce((s, c) => s + c.energyWh, 0);
            expect(componentSum).toBeCloseTo(phase.energyWh, 9);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("is invariant to splitting a trace into two files that share the boundary sample", () => {
    fc.assert(
      fc.property(trace, fc.double({ min: 0, max: 1, noNaN: true }), (generated, f) => {
        const k = Math.min(generated.length - 1, Math.max(1, Math.floor(f * generated.length)));
        // The GPU edge rule joins a GPU's readings across stretches without one (held at the ends, bridged
        // inside), so two files only add up to the whole when the shared sample reads every GPU.
        const indices = [...new Set(generated.flatMap((s) => (s.gpu ?? []).map((g) => g.i)))];
        const samples = generated.map((s, i) => {
          if (i !== k) return s;
          const gpu = indices.map((idx) => {
            const own = s.gpu?.find((g) => g.i === idx);
            return { i: idx, w: own?.w ?? 100, u: 0.5, mem: 10 };
          });
          return { ...s, gpu };
        });
        const whole = integrateEnergy([meta, ...samples], { models });
        const a = integrateEnergy([meta, ...samples.slice(0, k + 1)], { models });
        const b = integrateEnergy([meta, ...samples.slice(k)], { models });
        expect(a.energyWh + b.energyWh).toBeCloseTo(whole.energyWh, 6);
        expect(a.lowWh + b.lowWh).toBeCloseTo(whole.lowWh, 6);
        expect(a.highWh + b.highWh).toBeCloseTo(whole.highWh, 6);
      }),
      { numRuns: RUNS },
    );
  });

  it("never gives negative, non-finite or inverted ranges for adversarial streams", () => {
    const ts = fc.integer({ min: T0 - 100_000, max: T0 + 100_000 });
    const line: fc.Arbitrary<unknown> = fc.oneof(
      fc.record({
        t: fc.constant("s"),
        ts,
        cpu: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
        rapl: fc.dictionary(
          fc.constantFrom("package-0", "dram-0", "package-1"),
          fc.double({ min: 0, max: 1e12, noNaN: true }),
        ),
        gpu: fc.array(
          fc.record({
            i: fc.integer({ min: 0, max: 3 }),
            w: fc.option(fc.double({ min: 0, max: 1e4, noNaN: true }), { nil: null }),
            u: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
            mem: fc.constant(null),
          }),
          { maxLength: 4 },
        ),
      }),
      fc.record({ t: fc.constant("phase"), ts, name: fc.string({ minLength: 1, maxLength: 10 }) }),
      fc.record({
        t: fc.constant("gap"),
        ts,
        source: fc.constant("x"),
        reason: fc.string({ maxLength: 10 }),
      }),
      fc.record({ t: fc.constant("end"), ts }),
      fc.record({
        t: fc.constant("meta"),
        v: fc.constant(1),
        startMs: ts,
        intervalMs: fc.integer({ min: 100, max: 60_000 }),
        raplMaxUj: fc.dictionary(
          fc.constantFrom("package-0", "dram-0"),
          fc.double({ min: 1, max: 1e12, noNaN: true }),
        ),
      }),
      // garbage: whatever JSON, rejected by the schema like the file reader does
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 80 }), (values) => {
        const integrator = new EnergyIntegrator({ models });
        for (const value of values) {
          const parsed = parseLine(JSON.stringify(value) ?? "null");
          if (parsed.ok) integrator.push(parsed.line);
        }
        const r = integrator.finish();
        for (const x of [r.energyWh, r.lowWh, r.highWh, r.durationS]) {
          expect(Number.isFinite(x)).toBe(true);
          expect(x).toBeGreaterThanOrEqual(0);
        }
        expect(r.lowWh).toBeLessThanOrEqual(r.energyWh + 1e-9);
        expect(r.highWh).toBeGreaterThanOrEqual(r.energyWh - 1e-9);
        for (const phase of r.phases) {
          expect(phase.durationS).toBeGreaterThanOrEqual(0);
          for (const c of phase.components) {
            expect(c.energyWh).toBeGreaterThanOrEqual(0);
            expect(c.lowWh).toBeGreaterThanOrEqual(0);
            expect(c.lowWh).toBeLessThanOrEqual(c.energyWh);
            expect(c.highWh).toBeGreaterThanOrEqual(c.energyWh);
            expect(Number.isFinite(c.meanPowerW)).toBe(true);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
