/** Carbon accounting: region → intensity (dataset or live) → PUE → emissions with ranges; greener choices; CLI. */
export { computeCarbon, embodiedG, operationalG, type CarbonInput } from "./compute.js";
export {
  applyLiveIntensity,
  resolveCarbonContext,
  parseRegion,
  githubHostedDefault,
  type CarbonContext,
  type LiveOptions,
  type ResolveOptions,
} from "./context.js";
export {
  greenerAdvice,
  greenerChoices,
  GREENER_MIN_SAVING_FRACTION,
  type GreenerAdvice,
  type GreenerChoice,
} from "./greener.js";
export { DATASET, findPlace, listRegions, listCountries, closestPlaceIds, type Place } from "./dataset.js";
export { detectCloudRegion } from "./imds.js";
export { PUE_BY_PROVIDER } from "./constants.js";
export { timeShiftForJob, bestStart, type TimeShift } from "./timeshift.js";
export { zoneForPlace } from "./zones.js";
