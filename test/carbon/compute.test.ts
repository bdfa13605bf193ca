import { describe, expect, it } from "vitest";
import { computeCarbon } from "../../src/carbon/compute.js";
import { resolveCarbonContext } from "../../src/carbon/context.js";
import { GREENER_MIN_SAVING_FRACTION, greenerAdvice, greenerChoices } from "../../src/carbon/greener.js";
import { Carbon } from "../../src/model/report.js";

const hardware = {
  cpu: { brand: "AMD EPYC 7763", threads: 4, cores: 2 },
  memoryGB: 16,
  gpus: [{ index: 0, name: "NVIDIA A100-SXM4-40GB", uuid: null, powerLimitW: 400, memoryTotalMiB: 40960 }],
};

describe("computeCarbon", () => {
  it("operational = energy × PUE × intensity, low/high from the low/high factors; embodied separate; schema-valid", async () => {
    const ctx = await resolveCarbonContext({ region: "gcp:europe-west1", env: {} });
    const carbon = computeCarbon(
      {
        energyWh: 1_000,
        lowWh: 900,
        highWh: 1_200,
        durationS: 3_600,
        phases: [{ name: "train", energyWh: 1_000, lowWh: 900, highWh: 1_200, durationS: 3_600 }],
        hardware,
      },
      ctx,
    );
    expect(Carbon.parse(carbon)).toEqual(carbon);
    expect(carbon.emissions.operationalG).toBeCloseTo(1 * 1.1 * 126.43, 6);
    expect(carbon.emissions.operationalLowG).toBeCloseTo(0.9 * 1.06 * 126.43 * 0.8, 6);
    expect(carbon.emissions.operationalHighG).toBeCloseTo(1.2 * 1.19 * 126.43 * 1.2, 6);
    // 1 h of 4/96 of a 1,433 kg / 6-year server (CCF model: 2 sockets, 256 GB; Microsoft's 6-year life) + 1 h of a
    // 150 kg / 6-year data-centre GPU (BLOOM's lower bound). Before issue #17: a 1,000 kg / 4-year server.
    const serverKg = 1_000 + 100 + (533 / 384) * (256 - 16);
    const expectedEmbodied = ((serverKg * 1_000) / (6 * 8_766)) * (4 / 96) + 150_000 / (6 * 8_766);
    // the embodied range never goes below BLOOM's 150 kg per GPU (6 years, the longest life)
    expect(carbon.emissions.embodiedLowG).toBeGreaterThanOrEqual(150_000 / (6 * 8_766));
    expect(carbon.emissions.embodiedG).toBeCloseTo(expectedEmbodied, 6);
    expect(carbon.emissions.totalG).toBeCloseTo(
      carbon.emissions.operationalG + carbon.emissions.embodiedG,
      9,
    );
    expect(carbon.emissions.lowG).toBeLessThan(carbon.emissions.totalG);
    expect(carbon.emissions.highG).toBeGreaterThan(carbon.emissions.totalG);
    expect(carbon.phaseEmissionsG[0]?.totalG).toBeCloseTo(carbon.emissions.totalG, 9);
  });
});

describe("greenerChoices", () => {
  it("lists the greenest regions of the same provider and of the same country, cleanest first, with the saving", async () => {
    const ctx = await resolveCarbonContext({ region: "aws:us-east-1", env: {} });
    const advice = greenerAdvice(10_000, ctx);
    // 10 kWh × AWS PUE 1.15 × 379.07 g/kWh (eGRID2020 SERC)
    expect(advice.currentG).toBeCloseTo(10 * 1.15 * 379.07, 6);
    const choices = advice.choices;
    const sameProvider = choices.filter((c) => c.reason === "same-provider").map((c) => c.region.id);
    expect(sameProvider[0]).toBe("aws:eu-north-1");
    expect(choices.some((c) => c.reason === "same-country" && c.region.id.startsWith("gcp:us-west1"))).toBe(
      true,
    );
    const sorted = [...choices].sort((a, b) => a.emissionsG - b.emissionsG);
    expect(choices).toEqual(sorted);
    // CCF aws@0.15.0 eu-north-1 0.0000088 t/kWh (EEA)
    expect(choices[0]?.emissionsG).toBeCloseTo(10 * 1.15 * 8.8, 6);
    for (const c of choices) {
      expect(c.savingG).toBeCloseTo(advice.currentG - c.emissionsG, 9);
      expect(c.savingFraction).toBeGreaterThanOrEqual(GREENER_MIN_SAVING_FRACTION);
    }
  });

  it("never lists a region that emits more, nor one that saves less than 20 % (FR listed 262 g and 299 g next to 221 g)", async () => {
    for (const region of ["FR", "aws:eu-west-3", "gcp:europe-west1", "azure:westeurope", "aws:eu-north-1"]) {
      const ctx = await resolveCarbonContext({ region, env: {} });
      const advice = greenerAdvice(5_000, ctx);
      for (const c of advice.choices) {
        expect(c.emissionsG, `${region} → ${c.region.id}`).toBeLessThanOrEqual(advice.currentG * 0.8 + 1e-9);
        expect(c.savingG).toBeGreaterThan(0);
      }
    }
    // Sweden's EEA figure (8.8 g/kWh) is among the cleanest: nothing cuts 20 % more within AWS or Sweden
    const se = await resolveCarbonContext({ region: "aws:eu-north-1", env: {} });
    expect(greenerChoices(5_000, se).every((c) => c.emissionsG <= 5 * 1.15 * 8.8 * 0.8)).toBe(true);
  });

  it("gives no advice for zero energy", async () => {
    const ctx = await resolveCarbonContext({ region: "FR", env: {} });
    expect(greenerAdvice(0, ctx).choices).toEqual([]);
  });
});
