/*
 * © 2021 Thoughtworks, Inc.
 */

export const US_NERC_REGIONS_EMISSIONS_FACTORS: {
  [nercRegion: string]: number
} = {
  RFC: 0.0003761283186,
  SERC: 0.0003651277965,
  WECC: 0.0002986502059,
  TRE: 0.0003341569631,
  MRO: 0.0003909916334,
}
