import { describe, expect, it } from "vitest";
import { computeCarbon } from "../../src/carbon/compute.js";
import { resolveCarbonContext } from "../../src/carbon/context.js";
import { greenerChoices } from "../../src/carbon/greener.js";
import { Carbon } from "../../src/report/schema.js";

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
    // 1 h of 4/96 of a 1,000 kg / 4-year server + 1 h of a 150 kg / 6-year data-centre GPU
    const expectedEmbodied = (1_000_000 / (4 * 8_766)) * (4 / 96) + 150_000 / (6 * 8_766);
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
  it("lists the greenest regions of the same provider and of the same country, cleanest first", async () => {
    const ctx = await resolveCarbonContext({ region: "aws:us-east-1", env: {} });
    const choices = greenerChoices(10_000, ctx);
    const sameProvider = choices.filter((c) => c.reason === "same-provider").map((c) => c.region.id);
    expect(sameProvider).toEqual(["aws:eu-north-1", "aws:eu-central-2", "aws:eu-west-3"]);
    expect(choices.some((c) => c.reason === "same-country" && c.region.id.startsWith("gcp:us-west1"))).toBe(
      true,
    );
    const sorted = [...choices].sort((a, b) => a.emissionsG - b.emissionsG);
    expect(choices).toEqual(sorted);
    expect(choices[0]?.emissionsG).toBeCloseTo(10 * 1.15 * 8, 6);
  });
});
