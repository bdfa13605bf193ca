/**
 * Properties of the comparison and the renderers: swapping base and head flips every delta (per phase
 * too, and added ↔ removed), and neither the PR comment nor the job summary ever exceeds its cap, for
 * any number of jobs, phases, warnings or label lengths. test/report/compare.test.ts and
 * test/report/render.test.ts hold one-phase and many-job versions; these widen the shapes.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareReports } from "../../src/report/compare.js";
import {
  COMMENT_MAX_CHARS,
  renderComment,
  renderSummary,
  SUMMARY_MAX_BYTES,
  utf8Bytes,
} from "../../src/report/render-markdown.js";
import { buildCommentModel } from "../../src/report/render-model.js";
import { makeReport } from "./make-report.js";

const energy = fc.double({ min: 0.001, max: 1e6, noNaN: true });
const phases = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), energy, { minKeys: 1, maxKeys: 6 });

describe("compareReports (property)", () => {
  it("is antisymmetric: every phase and total delta flips sign, added ↔ removed", () => {
    fc.assert(
      fc.property(
        phases,
        phases,
        fc.option(fc.double({ min: 1, max: 900, noNaN: true }), { nil: null }),
        (pa, pb, intensity) => {
          const a = makeReport({ phases: pa, intensity });
          const b = makeReport({ phases: pb, intensity });
          const ab = compareReports(b, [a]);
          const ba = compareReports(a, [b]);
          const close = (x: number | null, y: number | null) => {
            if (x === null || y === null) return expect(x).toBe(y);
            expect(x + y).toBeCloseTo(0, 6);
          };
          close(ab.total.deltaEnergyWh, ba.total.deltaEnergyWh);
          close(ab.total.deltaEmissionsG, ba.total.deltaEmissionsG);
          close(ab.total.deltaDurationS, ba.total.deltaDurationS);
          const swap = { both: "both", added: "removed", removed: "added" } as const;
          for (const row of ab.phases) {
            const mirror = ba.phases.find((r) => r.name === row.name);
            expect(mirror).toBeDefined();
            expect(mirror!.presence).toBe(swap[row.presence]);
            if (row.presence === "both") {
              close(row.deltaEnergyWh, mirror!.deltaEnergyWh);
              close(row.deltaEmissionsG, mirror!.deltaEmissionsG);
              // the conservative range mirrors too: [lo, hi] ↔ [−hi, −lo]
              close(row.deltaEnergyLowWh, mirror!.deltaEnergyHighWh);
            }
          }
          expect(ab.phases.map((r) => r.name).sort()).toEqual(ba.phases.map((r) => r.name).sort());
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("renderComment / renderSummary length caps (property)", () => {
  it("never exceed their caps, keep the headline and exactly one marker, for any input size", () => {
    const longText = fc.string({ maxLength: 300 });
    const job = fc.record({
      key: fc.string({ maxLength: 120 }),
      phaseCount: fc.integer({ min: 1, max: 300 }),
      phaseName: fc.string({ maxLength: 150 }), // the schema caps a phase name at 200
      warnings: fc.array(fc.string({ maxLength: 2_000 }), { maxLength: 20 }),
      matrix: fc.dictionary(fc.string({ maxLength: 40 }), longText, { maxKeys: 6 }),
      base: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(job, { minLength: 1, maxLength: 12 }), longText, (specs, baseRef) => {
        const jobs = specs.map((s, i) => {
          const ph = Object.fromEntries(
            Array.from({ length: s.phaseCount }, (_, p) => [`${s.phaseName}${p}`, 1 + p]),
          );
          const head = makeReport({
            key: `${s.key}${i}`,
            phases: ph,
            warnings: s.warnings,
            matrix: s.matrix,
            job: s.phaseName || "job",
          });
          const history = s.base ? [makeReport({ key: `${s.key}${i}`, phases: { train: 5 } })] : [];
          return { head, history, comparison: history.length ? compareReports(head, history) : null };
        });
        const model = buildCommentModel({
          key: specs[0]!.key,
          reports: jobs,
          budgets: [],
          baseRef,
          baseSha: "abc1234",
          toolVersion: "0.1.0",
        });
        const comment = renderComment(model);
        const summary = renderSummary(model);
        expect(comment.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
        expect(utf8Bytes(summary)).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
        expect(comment.split("<!--").length - 1).toBe(1);
        expect(comment.split("\n")[1]).toMatch(/^### \S+ [^:]+: /);
        // a smaller cap is honoured too (the headline survives any cut)
        const small = renderComment(model, 4_000);
        expect(small.length).toBeLessThanOrEqual(4_000);
        expect(small.split("\n")[1]).toMatch(/^### \S+ [^:]+: /);
      }),
      {
        numRuns: 100,
        // one input far over the cap, whatever the generator's size bias: 12 jobs × 300 long-named phases
        examples: [
          [
            Array.from({ length: 12 }, (_, i) => ({
              key: `job${i}`,
              phaseCount: 300,
              phaseName: "p|<b>".repeat(30),
              warnings: ["w".repeat(2_000)],
              matrix: { python: "3.12" },
              base: true,
            })),
            "main",
          ],
        ],
      },
    );
    // 100 inputs up to 12 jobs × 300 phases: ~8 s measured at load 19; generous for a loaded 2-core CI
  }, 120_000);
});
