#!/usr/bin/env node
/**
 * Regenerates src/carbon/data/intensity.json from the source files in data/sources/ (see data/README.md).
 * Pure transformation: parse CSV, convert units (t/kWh → g/kWh), join regions to countries, record source, year and
 * accounting basis per figure. Run: `node data/build-intensity.mjs` (add `--check` to fail when the output is stale).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "src", "carbon", "data", "intensity.json");

/** Minimal CSV reader: `#` comment lines, a header row, double-quoted fields with commas. */
function readCsv(name) {
  const lines = readFileSync(join(here, "sources", name), "utf8")
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "" && !line.startsWith("#"));
  const split = (line) => {
    const fields = [];
    let current = "";
    let quoted = false;
    for (const ch of line) {
      if (ch === '"') quoted = !quoted;
      else if (ch === "," && !quoted) {
        fields.push(current);
        current = "";
      } else current += ch;
    }
    fields.push(current);
    return fields;
  };
  const [header, ...rows] = lines.map(split);
  return rows.map((row) => Object.fromEntries(header.map((key, i) => [key, row[i] ?? ""])));
}

const round2 = (value) => Math.round(value * 100) / 100;

const sources = {
  ember: {
    title: "Ember yearly electricity data (country overview), via The Green Web Foundation co2.js",
    url: "https://github.com/thegreenwebfoundation/co2.js/blob/6628f83f24c2d836fb7ac0dd80eaf5012b27bae4/data/output/average-intensities.json",
    licence: "CC BY 4.0 (Ember); republished by co2.js under CC BY-SA 4.0",
    basis: "lifecycle",
    accounting: "location-based",
  },
  "gcp-2025": {
    title: "Google Cloud region carbon info, yearly 2025 (grid carbon intensity)",
    url: "https://github.com/GoogleCloudPlatform/region-carbon-info/blob/main/data/yearly/2025.csv",
    licence: "Apache-2.0 (repository licence)",
    basis: "direct-combustion",
    accounting: "location-based",
  },
  "ccf-aws": {
    title: "Cloud Carbon Footprint AWS region factors (carbonfootprint.com 2020 electricity factors)",
    url: "https://github.com/cloud-carbon-footprint/cloud-carbon-footprint/blob/3668d2e1d6bb6589e61763f0c6697beec3543ee9/packages/aws/src/domain/AwsFootprintEstimationConstants.ts",
    licence: "Apache-2.0",
    basis: "direct-combustion",
    accounting: "location-based",
  },
  "ccf-azure": {
    title: "Cloud Carbon Footprint Azure region factors (carbonfootprint.com 2020 electricity factors)",
    url: "https://github.com/cloud-carbon-footprint/cloud-carbon-footprint/blob/0602dde823efbac1fa75a755125e5065c3726404/packages/azure/src/domain/AzureFootprintEstimationConstants.ts",
    licence: "Apache-2.0",
    basis: "direct-combustion",
    accounting: "location-based",
  },
  "ccf-us-nerc": {
    title: "Cloud Carbon Footprint US NERC-region factors (US EPA eGRID)",
    url: "https://github.com/cloud-carbon-footprint/cloud-carbon-footprint/blob/5cfa10b251c8e4352e4f6ac2fe255088dc0701fc/packages/core/src/FootprintEstimationConstants.ts",
    licence: "Apache-2.0 (eGRID itself is US public domain)",
    basis: "direct-combustion",
    accounting: "location-based",
  },
};
// Years the factor describes: carbonfootprint.com's 2020 factor set; the eGRID edition behind CCF's NERC values is not stated
// in CCF's file — 2021 is inferred (they are lower than the eGRID2018/2019 values CCF used before), see data/README.md.
const SOURCE_YEAR = { "gcp-2025": 2025, "ccf-aws": 2020, "ccf-azure": 2020, "ccf-us-nerc": 2021 };

const alpha2ByAlpha3 = new Map(readCsv("iso3166-alpha3-alpha2.csv").map((r) => [r.alpha3, r.alpha2]));
const countries = [];
let world;
for (const row of readCsv("ember-average-intensities.csv")) {
  const value = Number(row.emissions_intensity_gco2_per_kwh);
  const year = Number(row.year);
  if (!Number.isFinite(value) || !Number.isInteger(year))
    throw new Error(`ember: bad row ${JSON.stringify(row)}`);
  if (row.key === "World") world = { gPerKWh: value, year, sourceId: "ember", basis: "lifecycle" };
  if (row.country_code === "") continue; // aggregates (EU, Asia, G20, …) are not places a runner can be
  const alpha2 = alpha2ByAlpha3.get(row.country_code);
  if (!alpha2) throw new Error(`no ISO alpha-2 code for ${row.country_code}`);
  countries.push({
    alpha2,
    alpha3: row.country_code,
    name: row.country_or_region,
    gPerKWh: value,
    year,
    sourceId: "ember",
    basis: "lifecycle",
  });
}
if (!world) throw new Error("ember: no World row");
countries.sort((a, b) => a.alpha2.localeCompare(b.alpha2));
const countryByAlpha2 = new Map(countries.map((c) => [c.alpha2, c]));

const nerc = new Map(
  readCsv("ccf-us-nerc-factors.csv").map((r) => [r.nerc_region, Number(r.t_co2e_per_kwh)]),
);
const gcp = new Map(
  readCsv("gcp-region-carbon-info-2025.csv").map((r) => [
    r["Google Cloud Region"],
    Number(r["Grid carbon intensity (gCO2eq / kWh)"]),
  ]),
);

const regions = readCsv("cloud-regions.csv").map((row) => {
  const country = countryByAlpha2.get(row.country);
  if (!country) throw new Error(`${row.provider}:${row.region}: no Ember figure for country ${row.country}`);
  const base = {
    id: `${row.provider}:${row.region}`,
    provider: row.provider,
    region: row.region,
    location: row.location,
    country: row.country,
    gridSubregion: null,
  };
  if (row.factor === "gcp") {
    const value = gcp.get(row.region);
    if (value === undefined || !Number.isFinite(value))
      throw new Error(`gcp: no 2025 value for ${row.region}`);
    return {
      ...base,
      gPerKWh: value,
      year: SOURCE_YEAR["gcp-2025"],
      sourceId: "gcp-2025",
      basis: "direct-combustion",
      method: "provider-published",
    };
  }
  if (row.factor.startsWith("nerc:")) {
    const subregion = row.factor.slice(5);
    const t = nerc.get(subregion);
    if (t === undefined) throw new Error(`no NERC factor ${subregion}`);
    return {
      ...base,
      gridSubregion: subregion,
      gPerKWh: round2(t * 1e6),
      year: SOURCE_YEAR["ccf-us-nerc"],
      sourceId: "ccf-us-nerc",
      basis: "direct-combustion",
      method: "ccf-factor",
    };
  }
  if (row.factor.startsWith("ccf:")) {
    const sourceId = `ccf-${row.provider}`;
    return {
      ...base,
      gPerKWh: round2(Number(row.factor.slice(4)) * 1e6),
      year: SOURCE_YEAR[sourceId],
      sourceId,
      basis: "direct-combustion",
      method: "ccf-factor",
    };
  }
  if (row.factor === "country") {
    return {
      ...base,
      gPerKWh: country.gPerKWh,
      year: country.year,
      sourceId: "ember",
      basis: "lifecycle",
      method: "country-average",
    };
  }
  throw new Error(`unknown factor ${row.factor} for ${base.id}`);
});

const dataset = { schema: "ml-footprint/intensity@1", unit: "gCO2e/kWh", sources, world, countries, regions };
const text = `${JSON.stringify(dataset, null, 2)}\n`;
if (process.argv.includes("--check")) {
  if (readFileSync(out, "utf8") !== text) {
    console.error(`${out} is stale: run node data/build-intensity.mjs`);
    process.exit(1);
  }
} else {
  writeFileSync(out, text);
}
const byProvider = {};
for (const r of regions) (byProvider[r.provider] ??= []).push(r);
console.log(
  `countries: ${countries.length}; world ${world.gPerKWh} g/kWh (${world.year}); regions: ` +
    Object.entries(byProvider)
      .map(
        ([p, list]) =>
          `${p} ${list.length} (${list.filter((r) => r.method !== "country-average").length} provider/CCF factors)`,
      )
      .join(", "),
);
