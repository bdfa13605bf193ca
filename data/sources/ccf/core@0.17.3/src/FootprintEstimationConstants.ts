/*
 * © 2021 Thoughtworks, Inc.
 */

export const US_NERC_REGIONS_EMISSIONS_FACTORS: {
  [nercRegion: string]: number
} = {
  RFC: 0.000410608,
  SERC: 0.000379069,
  WECC: 0.000322167,
  MRO: 0.000426254,
  TRE: 0.000373231,
}
