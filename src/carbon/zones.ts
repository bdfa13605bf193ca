/**
 * Electricity Maps zone of each cloud region: the zone of the grid that serves the data centre, not the country
 * (Electricity Maps splits the US, Canada, Australia, Japan, India, Brazil, Chile, Italy, Norway, Sweden … into zones,
 * and answers an unknown zone with the caller's own location unless told not to). An unlisted region has no zone and
 * gets no live reading (the dataset's figure stays, with a warning); a place without a provider (a country) uses its
 * country code, and the answer's `zone` is checked (src/carbon/live.ts).
 *
 * Sources: AWS and Azure — Cloud Carbon Footprint's AWS_MAPPED_REGIONS_TO_ELECTRICITY_MAPS_ZONES and
 * AZURE_MAPPED_REGIONS_TO_ELECTRICITY_MAPS_ZONES (vendored @cloud-carbon-footprint/aws@0.15.0 and azure@1.8.0,
 * src/lib/*Regions.ts; a test checks this table against them); GCP — CCF's GCP_MAPPED_REGIONS_TO_ELECTRICITY_MAPS_ZONES
 * (packages/gcp/src/lib/GCPRegions.ts, cloud-carbon-footprint git b7a049c, 2024-03); OVERRIDES below, each with its
 * reason. Checked 2026-12-06.
 */

/** AWS and Azure, transcribed from CCF's vendored tables (null: CCF knows no zone). */
// prettier-ignore
const CCF_AWS_AZURE: Record<string, string | null> = {
  "aws:us-east-1": "US-MIDA-PJM",
  "aws:us-east-2": "US-MIDA-PJM",
  "aws:us-west-1": "US-CAL-CISO",
  "aws:us-west-2": "US-NW-PACW",
  "aws:af-south-1": "ZA",
  "aws:ap-east-1": null,
  "aws:ap-south-1": "IN-WE",
  "aws:ap-northeast-3": "JP-KN",
  "aws:ap-northeast-2": "KR",
  "aws:ap-southeast-1": "SG",
  "aws:ap-southeast-2": "AU-NSW",
  "aws:ap-northeast-1": "JP-TK",
  "aws:ap-southeast-3": "ID",
  "aws:ca-central-1": "CA-QC",
  "aws:cn-north-1": null,
  "aws:cn-northwest-1": null,
  "aws:eu-central-1": "DE",
  "aws:eu-west-1": "IE",
  "aws:eu-west-2": "GB",
  "aws:eu-south-1": "IT-NO",
  "aws:eu-west-3": "FR",
  "aws:eu-north-1": "SE-SE3",
  "aws:me-south-1": null,
  "aws:me-central-1": null,
  "aws:sa-east-1": "BR-CS",
  "aws:us-gov-east-1": "US-MIDA-PJM",
  "aws:us-gov-west-1": "US-NW-PACW",
  "azure:southafricanorth": "ZA",
  "azure:australiacentral": "AU-NSW",
  "azure:australiaeast": "AU-NSW",
  "azure:australiasoutheast": "AU-VIC",
  "azure:japaneast": "JP-TK",
  "azure:japanwest": "JP-KN",
  "azure:koreacentral": "KR",
  "azure:koreasouth": "KR",
  "azure:centralindia": "IN-WE",
  "azure:southindia": "IN-SO",
  "azure:westindia": "IN-WE",
  "azure:northeurope": "IE",
  "azure:westeurope": "NL",
  "azure:francecentral": "FR",
  "azure:francesouth": "FR",
  "azure:swedencentral": "SE-SE3",
  "azure:switzerlandnorth": "CH",
  "azure:switzerlandwest": "CH",
  "azure:uksouth": "GB",
  "azure:ukwest": "GB",
  "azure:germanynorth": "DE",
  "azure:germanywestcentral": "DE",
  "azure:norwayeast": "NO-NO1",
  "azure:norwaywest": "NO-NO2",
  "azure:uaenorth": null,
  "azure:canadacentral": "CA-ON",
  "azure:canadaeast": "CA-QC",
  "azure:centralus": "US-MIDW-MISO",
  "azure:eastus": "US-MIDA-PJM",
  "azure:eastus2": "US-MIDA-PJM",
  "azure:northcentralus": "US-MIDW-MISO",
  "azure:southcentralus": "US-TEX-ERCO",
  "azure:westcentralus": "US-NW-PACE",
  "azure:westus": "US-CAL-CISO",
  "azure:westus2": "US-NW-PACE",
  "azure:westus3": "US-NW-PACE",
  "azure:brazilsouth": "BR-CS",
};

/** GCP, from CCF's GCPRegions.ts (git b7a049c). */
// prettier-ignore
const CCF_GCP: Record<string, string | null> = {
  "gcp:asia-east1": "TW",
  "gcp:asia-east2": null,
  "gcp:asia-northeast1": "JP-TK",
  "gcp:asia-northeast2": "JP-KN",
  "gcp:asia-northeast3": "KR",
  "gcp:asia-south1": "IN-WE",
  "gcp:asia-south2": "IN-NO",
  "gcp:asia-southeast1": "SG",
  "gcp:asia-southeast2": "ID",
  "gcp:australia-southeast1": "AU-NSW",
  "gcp:australia-southeast2": "AU-VIC",
  "gcp:europe-central2": "PL",
  "gcp:europe-north1": "FI",
  "gcp:europe-southwest1": "ES",
  "gcp:europe-west1": "BE",
  "gcp:europe-west2": "GB",
  "gcp:europe-west3": "DE",
  "gcp:europe-west4": "NL",
  "gcp:europe-west6": "CH",
  "gcp:europe-west8": "IT-NO",
  "gcp:europe-west9": "FR",
  "gcp:europe-west10": "DE",
  "gcp:europe-west12": "IT-NO",
  "gcp:northamerica-northeast1": "CA-QC",
  "gcp:northamerica-northeast2": "CA-ON",
  "gcp:southamerica-east1": "BR-CS",
  "gcp:southamerica-west1": "CL-SEN",
  "gcp:us-central1": "US-MIDW-MISO",
  "gcp:us-central2": "US-MIDW-MISO",
  "gcp:us-east1": "US-CAR-SCEG",
  "gcp:us-east4": "US-MIDA-PJM",
  "gcp:us-east5": "US-MIDA-PJM",
  "gcp:us-south1": "US-TEX-ERCO",
  "gcp:us-west1": "US-NW-PACW",
  "gcp:us-west2": "US-CAL-CISO",
  "gcp:us-west3": "US-NW-PACE",
  "gcp:us-west4": "US-NW-NEVP",
};

/**
 * Where the serving grid is known better than CCF's table: gcp:us-west2 is Los Angeles (Google's region list), whose
 * city is served by the Los Angeles Department of Water and Power, its own balancing authority (EIA-930 balancing
 * authority LDWP; Electricity Maps zone US-CAL-LDWP), not CAISO.
 */
export const ZONE_OVERRIDES: Readonly<Record<string, string>> = {
  "gcp:us-west2": "US-CAL-LDWP",
};

export const CCF_ZONES: Readonly<Record<string, string | null>> = { ...CCF_AWS_AZURE, ...CCF_GCP };

/**
 * The Electricity Maps zone serving a place: the override, else CCF's table for cloud regions (null where CCF knows
 * none), else the country code for a country (checked against the answer's zone), else null.
 */
export function zoneForPlace(place: { id: string; kind: string; country: string | null }): string | null {
  const override = ZONE_OVERRIDES[place.id];
  if (override) return override;
  if (place.kind === "cloud") return CCF_ZONES[place.id] ?? null;
  return place.country;
}
