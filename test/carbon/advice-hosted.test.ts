import { describe, expect, it } from "vitest";
import { commentAdvice } from "../../src/carbon/advice.js";
import { computeCarbon } from "../../src/carbon/compute.js";
import { GITHUB_HOSTED_MIX_ID, resolveCarbonContext } from "../../src/carbon/context.js";
import { buildCommentModel } from "../../src/report/render-model.js";
import { renderComment } from "../../src/report/render-markdown.js";
import { makeReport } from "../report/make-report.js";

const NO_HARDWARE = { cpu: { brand: "n/a", threads: 1, cores: null }, memoryGB: 0, gpus: [] };

describe("advice on the default GitHub-hosted runner (issue #26)", () => {
  it("names a larger or self-hosted runner in the cleanest comparable Azure region, with the saving as a range", async () => {
    const ctx = await resolveCarbonContext({ env: { RUNNER_ENVIRONMENT: "github-hosted" } });
    expect(ctx.region.id).toBe(GITHUB_HOSTED_MIX_ID);
    const carbon = computeCarbon(
      { energyWh: 1_000, lowWh: 1_000, highWh: 1_000, durationS: 0, phases: [], hardware: NO_HARDWARE },
      ctx,
    );
    const advice = commentAdvice(1_000, carbon);
    expect(advice?.hosted).toBeDefined();
    const h = advice!.hosted!;
    expect(advice!.options[0]!.id).toMatch(/^azure:/);
    expect(h.lowPercent).toBeGreaterThan(0);
    expect(h.lowPercent).toBeLessThan(h.highPercent);
    expect(h.highPercent).toBeLessThanOrEqual(100);
    expect(advice!.source).toMatch(/direct-combustion figures of/);

    const head = makeReport({});
    const md = renderComment(
      buildCommentModel({
        key: "train",
        reports: [{ head, history: [], comparison: null }],
        budgets: [],
        baseRef: "main",
        baseSha: null,
        toolVersion: "0.1.0",
        advice,
      }),
    );
    expect(md).toMatch(
      /🌱 A larger runner with Azure private networking, or a self-hosted runner, in azure:\w+ would cut operational emissions by \d+\s?%–\d+\s?% \(the hosted runner's region is not published/,
    );
  });

  it("names every US grid sub-region the default averages, not the first region's alone", async () => {
    const ctx = await resolveCarbonContext({ env: { RUNNER_ENVIRONMENT: "github-hosted" } });
    expect(ctx.intensity.source).toMatch(
      /mean of 9 Azure US regions \(eastus SERC, .*\) over 5 US grid sub-regions \(MRO, RFC, SERC, TRE, WECC\)/,
    );
    // before issue #26 it ended with the first region's own "; US grid sub-region SERC"
    expect(ctx.intensity.source).not.toMatch(/; US grid sub-region SERC$/);
  });
});
