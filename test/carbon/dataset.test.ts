import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { DATASET, closestPlaceIds, findPlace, listRegions } from "../../src/carbon/dataset.js";

describe("embedded intensity dataset", () => {
  it("every country and region has a value, year and a known source with a licence", () => {
    for (const entry of [...DATASET.countries, ...DATASET.regions, DATASET.world]) {
      expect(entry.gPerKWh).toBeGreaterThanOrEqual(0);
      expect(entry.gPerKWh).toBeLessThan(2_000);
      expect(Number.isInteger(entry.year) && entry.year >= 2019 && entry.year <= 2026).toBe(true);
      const source = DATASET.sources[entry.sourceId];
      expect(source?.licence).toBeTruthy();
      expect(["lifecycle", "direct-combustion"]).toContain(entry.basis);
      expect(entry.basis).toBe(source?.basis); // a figure's basis is its source's: never mixed silently
    }
  });

  it("has ISO alpha-2 and alpha-3 keys for every country, without duplicates", () => {
    const alpha2 = DATASET.countries.map((c) => c.alpha2);
    expect(new Set(alpha2).size).toBe(alpha2.length);
    for (const c of DATASET.countries) {
      expect(c.alpha2).toMatch(/^[A-Z]{2}$/);
      expect(c.alpha3).toMatch(/^[A-Z]{3}$/);
    }
    expect(DATASET.countries.length).toBeGreaterThan(200);
  });

  it("returns the sourced values for known places", () => {
    // GoogleCloudPlatform/region-carbon-info data/yearly/2025.csv
    expect(findPlace("gcp:europe-west1")).toMatchObject({
      gPerKWh: 126.43,
      year: 2025,
      basis: "direct-combustion",
    });
    expect(findPlace("gcp:us-central1")?.gPerKWh).toBe(431.95);
    // CCF core@1.0.0 US_NERC_REGIONS_EMISSIONS_FACTORS.SERC 0.0003651277965 t/kWh (core@0.17.3: 0.000379069, eGRID2020);
    // CCF names no eGRID edition for the newer table: data year ≥ 2021, 2021 assumed (issue #26).
    expect(findPlace("aws:us-east-1")).toMatchObject({ gPerKWh: 365.13, year: 2021 });
    expect(findPlace("aws:us-east-1")?.source).toContain("Cloud Carbon Footprint core 1.0.0");
    expect(findPlace("azure:eastus2")?.gPerKWh).toBe(365.13);
    // CCF azure@1.8.0 westeurope 0.0003284 and aws@0.15.0 eu-west-1 0.0002786, eu-north-1 0.0000088: EEA (2020 values)
    // per CCF's methodology; the pinned older commits had 0.00039, 0.000316 and 0.000008 (carbonfootprint.com 2020).
    expect(findPlace("azure:westeurope")).toMatchObject({ gPerKWh: 328.4, year: 2020 });
    expect(findPlace("aws:eu-west-1")).toMatchObject({ gPerKWh: 278.6, year: 2020 });
    expect(findPlace("aws:eu-west-1")?.source).toContain("European Environment Agency");
    expect(findPlace("aws:eu-north-1")?.gPerKWh).toBe(8.8);
    // Ember via co2.js b459b5e: France 2024 44.18, world 2024 472.94 (473.05 at 6628f83)
    expect(findPlace("FR")).toMatchObject({
      gPerKWh: 44.18,
      year: 2024,
      basis: "lifecycle",
      kind: "country",
    });
    expect(findPlace("fra")?.id).toBe("FR");
    expect(findPlace("world")).toMatchObject({ gPerKWh: 472.94, year: 2024 });
    // a revised entry (issue #26): Canada 174.81 → 184.99 g/kWh in co2.js b459b5e
    expect(findPlace("CA")).toMatchObject({ gPerKWh: 184.99, year: 2024 });
    // Azure regions CCF covers use CCF's factor, not the Ember country average (azure@1.8.0 EU_FRANCE_CENTRAL 0.00005128)
    expect(findPlace("azure:francecentral")).toMatchObject({
      gPerKWh: 51.28,
      method: "ccf-factor",
      year: 2021,
    });
    // no regional figure anywhere: the country average, flagged
    expect(findPlace("azure:polandcentral")).toMatchObject({
      gPerKWh: findPlace("PL")?.gPerKWh,
      method: "country-average",
    });
  });

  it("covers every US and EU region of each provider it lists", () => {
    for (const id of [
      "aws:us-east-2",
      "aws:us-west-2",
      "aws:eu-central-1",
      "aws:eu-west-3",
      "azure:westus3",
      "azure:germanywestcentral",
      "gcp:europe-west9",
      "gcp:us-east4",
    ]) {
      expect(findPlace(id), id).toBeDefined();
    }
    expect(listRegions("gcp").length).toBe(46);
  });

  it("suggests the closest ids for a typo", () => {
    expect(closestPlaceIds("azure:eastuss")[0]).toBe("azure:eastus");
    expect(closestPlaceIds("us-east-1")).toContain("aws:us-east-1");
  });

  it("is what data/build-intensity.mjs generates from data/sources", () => {
    expect(() =>
      execFileSync(process.execPath, ["data/build-intensity.mjs", "--check"], { stdio: "pipe" }),
    ).not.toThrow();
  });
});
