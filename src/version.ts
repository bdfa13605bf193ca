declare const __ML_FOOTPRINT_VERSION__: string | undefined;

/** Set by the bundler from package.json; "dev" when running from source. */
export const TOOL_VERSION: string =
  typeof __ML_FOOTPRINT_VERSION__ === "string" ? __ML_FOOTPRINT_VERSION__ : "0.0.0-dev";
