// Regenerate schema/report-1.json from the zod schema: npm run schema (a test fails while it is stale).
import { writeFileSync } from "node:fs";
import { REPORT_JSON_SCHEMA_PATH, reportJsonSchemaText } from "../src/export/json-schema.js";

writeFileSync(REPORT_JSON_SCHEMA_PATH, reportJsonSchemaText());
console.log(`wrote ${REPORT_JSON_SCHEMA_PATH}`);
