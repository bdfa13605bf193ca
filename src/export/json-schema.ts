/**
 * The JSON Schema of `ml-footprint/report@1`, generated from the zod schema (zod 4's `z.toJSONSchema`), so tools
 * in any language can validate our reports. Committed as schema/report-1.json; a test keeps it fresh.
 *
 * It describes what ml-footprint accepts on read (`io: "input"`): unknown keys are allowed, as the zod reader
 * tolerates (and drops) them, so a report from a later 1.x that adds a field still validates.
 */
import * as z from "zod";
import { Report, REPORT_SCHEMA_ID } from "../model/report.js";

/** Where the committed copy lives, relative to the repository root. */
export const REPORT_JSON_SCHEMA_PATH = "schema/report-1.json";

export function reportJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(Report, { target: "draft-2020-12", io: "input" }) as Record<
    string,
    unknown
  >;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: REPORT_SCHEMA_ID,
    description:
      "One measured CI job (or wrapped command): energy per phase and component with ranges and methods, and its emissions. Units are in the field names (energyWh, powerW, durationS, gPerKWh, emissionsG). Generated from ml-footprint's zod schema; do not edit.",
    ...rest,
  };
}

/** The text of schema/report-1.json: pretty JSON with a trailing newline. */
export function reportJsonSchemaText(): string {
  return `${JSON.stringify(reportJsonSchema(), null, 2)}\n`;
}
