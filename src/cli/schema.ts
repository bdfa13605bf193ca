/** `ml-footprint schema`: print the JSON Schema of the report format (the same text as schema/report-1.json). */
import type { Command } from "commander";
import { reportJsonSchemaText } from "../export/json-schema.js";

export function registerSchemaCommand(
  program: Command,
  write: (text: string) => void = (text) => void process.stdout.write(text),
): void {
  program
    .command("schema")
    .description("print the JSON Schema (draft 2020-12) of the report format ml-footprint/report@1")
    .action(() => write(reportJsonSchemaText()));
}
