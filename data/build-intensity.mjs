#!/usr/bin/env node
/**
 * Regenerates src/carbon/data/intensity.json from the source files in data/sources/ (see data/README.md).
 * Pure transformation: parse CSV, convert units (t/kWh → g/kWh), join regions to countries, record source, year and
 * accounting basis per figure. Run: `node data/build-intensity.mjs` (add `--check` to fail when the output is stale).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { checkPins } from "./pins.mjs";
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

const ccfPackages = JSON.parse(readFileSync(join(here, "sources", "ccf", "packages.json"), "utf8"));
const ccfPackage = (name, version) => {
  const pkg = ccfPackages.find(
    (p) => p.name === `@cloud-carbon-footprint/${name}` && (version === undefined || p.version === version),
  );
  if (!pkg) throw new Error(`ccf: ${name} missing from data/sources/ccf/packages.json`);
  return pkg;
};
const ccfLabel = (name, version) => {
  const pkg = ccfPackage(name, version);
  return `@cloud-carbon-footprint/${name}@${pkg.version} (npm, ${pkg.integrity.slice(0, 19)}…, git ${pkg.gitHead.slice(0, 7)})`;
};
const CCF_METHODOLOGY =
  "https://github.com/cloud-carbon-footprint/cloud-carbon-footprint/blob/c12d1c7aba56d8fe1f6fc6af7b696ad4e0d835d3/microsite/docs/HowItWorks/Methodology.md";

const sources = {
  ember: {
    title: "Ember yearly electricity data (country overview), via The Green Web Foundation co2.js",
    url: "https://github.com/thegreenwebfoundation/co2.js/blob/b459b5e543c6cfb49ad429627e325e14c45697e1/data/output/average-intensities.json",
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
  // Cloud Carbon Footprint factors, one vintage: the newest published aws/azure packages and the core they depend on.
  // Source and data year per factor as CCF's methodology (Appendix V, at the azure package's git commit) gives them.
  "ccf-nerc": {
    // CCF names no eGRID edition for core 1.0.0's NERC table; it differs from core 0.17.3's eGRID2020 values by −4 to
    // −10 %, so its data year is 2021 or later: 2021 assumed (data/README.md).
    title: `US EPA eGRID NERC-region factors of Cloud Carbon Footprint core ${ccfPackage("core", "1.0.0").version} (npm, git ${ccfPackage("core", "1.0.0").gitHead.slice(0, 7)}), edition not stated (data year 2021 assumed)`,
    url: "https://www.npmjs.com/package/%40cloud-carbon-footprint/core/v/1.0.0",
    licence: "eGRID: US public domain; CCF code Apache-2.0",
    basis: "direct-combustion",
    accounting: "location-based",
  },
  "ccf-eea2020": {
    title: `European Environment Agency, GHG emission intensity of electricity generation (indicator v9, 2020 values), as used by Cloud Carbon Footprint — ${ccfLabel("aws")}, ${ccfLabel("azure")}`,
    url: CCF_METHODOLOGY,
    licence: "EEA: CC BY 4.0; CCF code Apache-2.0",
    basis: "direct-combustion",
    accounting: "location-based",
  },
  "ccf-carbonfootprint2021": {
    title: `carbonfootprint.com "Emissions factors sources for 2021 electricity" v11 (2022-03), as used by Cloud Carbon Footprint — ${ccfLabel("aws")}, ${ccfLabel("azure")}`,
    url: CCF_METHODOLOGY,
    licence: "CCF code Apache-2.0 (factors as published by CCF)",
    basis: "direct-combustion",
    accounting: "location-based",
  },
  "ccf-unstated": {
    title: `Cloud Carbon Footprint factor whose source CCF's methodology does not state (added 2022-11, CCF issue #945; data year 2021 assumed, as for its other non-EU factors) — ${ccfLabel("aws")}`,
    url: CCF_METHODOLOGY,
    licence: "CCF code Apache-2.0",
    basis: "direct-combustion",
    accounting: "location-based",
  },
};
const SOURCE_YEAR = {
  "gcp-2025": 2025,
  "ccf-nerc": 2021,
  "ccf-eea2020": 2020,
  "ccf-carbonfootprint2021": 2021,
  "ccf-unstated": 2021,
};

/**
 * Region codes per enum key in a CCF regions file: `KEY = 'code'` (AWS enum) or `KEY: { name: 'Code', options: [...] }`
 * (Azure: CCF matches the name and every option; compared lower-case here, e.g. 'EastUS' and 'eastus').
 */
function ccfRegionNames(path) {
  const text = readFileSync(join(here, "sources", "ccf", path), "utf8");
  const names = new Map();
  for (const m of text.matchAll(/^\s*([A-Z0-9_]+)\s*=\s*'([^']+)'/gm)) names.set(m[1], [m[2].toLowerCase()]);
  for (const m of text.matchAll(/^\s*([A-Z0-9_]+):\s*\{([^}]*)\}/gm)) {
    const codes = [...m[2].matchAll(/'([^']+)'/g)].map((q) => q[1].toLowerCase().replace(/\s+/g, ""));
    names.set(m[1], [...new Set(codes)]);
  }
  return names;
}
/** Reads a CCF `*_EMISSIONS_FACTORS_METRIC_TON_PER_KWH` table: region code → { t, nerc }. */
function ccfFactors(path, tableName, enumName, regionNames, nercTable) {
  const text = readFileSync(join(here, "sources", "ccf", path), "utf8");
  const start = text.indexOf(`${tableName}:`);
  if (start < 0) throw new Error(`ccf: ${tableName} not found in ${path}`);
  const body = text.slice(start, text.indexOf("\n  }", start));
  const out = new Map();
  const entry = new RegExp(
    `\\[${enumName}\\.([A-Z0-9_]+)(?:\\.name)?\\]:\\s*(?:US_NERC_REGIONS_EMISSIONS_FACTORS\\.([A-Z]+)|([0-9.e-]+))`,
    "g",
  );
  for (const m of body.matchAll(entry)) {
    const codes = regionNames.get(m[1]);
    if (!codes) throw new Error(`ccf: no region code for ${enumName}.${m[1]}`);
    let factor = { t: Number(m[3]), nerc: null };
    if (m[2]) {
      const t = nercTable.get(m[2]);
      if (t === undefined) throw new Error(`ccf: no NERC factor ${m[2]}`);
      factor = { t, nerc: m[2] };
    }
    for (const code of codes) if (!out.has(code)) out.set(code, factor);
  }
  if (out.size < 10) throw new Error(`ccf: only ${out.size} factors read from ${path}`);
  return out;
}
const nercText = readFileSync(
  join(
    here,
    "sources",
    "ccf",
    `core@${ccfPackage("core", "1.0.0").version}`,
    "src",
    "FootprintEstimationConstants.ts",
  ),
  "utf8",
);
const nerc = new Map(
  [...nercText.matchAll(/^\s*([A-Z]+):\s*([0-9.e-]+),/gm)].map((m) => [m[1], Number(m[2])]),
);
const ccf = {
  aws: ccfFactors(
    `aws@${ccfPackage("aws").version}/src/domain/AwsFootprintEstimationConstants.ts`,
    "AWS_EMISSIONS_FACTORS_METRIC_TON_PER_KWH",
    "AWS_REGIONS",
    ccfRegionNames(`aws@${ccfPackage("aws").version}/src/lib/AWSRegions.ts`),
    nerc,
  ),
  azure: ccfFactors(
    `azure@${ccfPackage("azure").version}/src/domain/AzureFootprintEstimationConstants.ts`,
    "AZURE_EMISSIONS_FACTORS_METRIC_TON_PER_KWH",
    "AZURE_REGIONS",
    ccfRegionNames(`azure@${ccfPackage("azure").version}/src/lib/AzureRegions.ts`),
    nerc,
  ),
};

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
  if (row.factor.startsWith("ccf:")) {
    const factor = ccf[row.provider]?.get(row.region);
    if (!factor) throw new Error(`${base.id}: Cloud Carbon Footprint has no factor for it`);
    const sourceId = factor.nerc ? "ccf-nerc" : `ccf-${row.factor.slice(4)}`;
    if (!factor.nerc && !["ccf-eea2020", "ccf-carbonfootprint2021", "ccf-unstated"].includes(sourceId))
      throw new Error(`${base.id}: unknown CCF source ${row.factor}`);
    if (factor.nerc && row.factor !== "ccf:nerc")
      throw new Error(`${base.id}: CCF uses the eGRID NERC factor ${factor.nerc}; mark it ccf:nerc`);
    return {
      ...base,
      gridSubregion: factor.nerc,
      gPerKWh: round2(factor.t * 1e6),
      year: SOURCE_YEAR[sourceId],
      sourceId,
      basis: "direct-combustion",
      method: "ccf-factor",
    };
  }
  if (row.factor === "country") {
    if (ccf[row.provider]?.has(row.region))
      throw new Error(
        `${base.id}: Cloud Carbon Footprint has a factor for it; the country average must not replace it`,
      );
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
  const drift = checkPins();
  if (drift.length > 0) {
    for (const problem of drift) console.error(problem);
    console.error("a vendored source differs from its pin in data/sources/pins.json (data/pins.mjs)");
    process.exit(1);
  }
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
