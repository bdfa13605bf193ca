// schema/report-1.json is generated from the zod schema, is fresh, and a standard JSON Schema validator (Ajv,
// draft 2020-12 with formats) accepts every fixture report and rejects what parseReport rejects.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { REPORT_JSON_SCHEMA_PATH, reportJsonSchemaText } from "../../src/export/json-schema.js";
import { Report } from "../../src/model/report.js";
import { runBundledCli } from "../support/cli.js";
import { makeReport } from "../report/make-report.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const committed = readFileSync(REPORT_JSON_SCHEMA_PATH, "utf8");
const ajv = addFormats(new Ajv2020({ strict: true, allErrors: true }));
const validate = ajv.compile(JSON.parse(committed) as object);

const FIXTURES = "test/fixtures/reports";
const fixtures = readdirSync(FIXTURES)
  .filter((name) => name.endsWith(".json"))
  .map((name) => ({ name, value: JSON.parse(readFileSync(join(FIXTURES, name), "utf8")) as unknown }));

describe("schema/report-1.json", () => {
  it("is what the zod schema generates now (run `npm run schema` after changing src/model/report.ts)", () => {
    expect(committed).toBe(reportJsonSchemaText());
    const schema = JSON.parse(committed) as { $schema: string; title: string; required: string[] };
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.title).toBe("ml-footprint/report@1");
    expect(schema.required).toEqual(expect.arrayContaining(["schema", "energyWh", "phases", "carbon"]));
  });

  it("validates every fixture report, as zod does", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(4);
    for (const { name, value } of fixtures) {
      expect(Report.safeParse(value).success, name).toBe(true);
      expect(validate(value), `${name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    const built = makeReport({ gpus: ["NVIDIA A100-SXM4-80GB"], work: { samples: 60_000 } });
    expect(validate(built), ajv.errorsText(validate.errors)).toBe(true);
  });

  it("rejects what the zod reader rejects: negative energy, a wrong schema id, a missing field, a bad date", () => {
    const base = JSON.parse(readFileSync(join(FIXTURES, "head.json"), "utf8")) as Record<string, unknown>;
    const broken: Record<string, unknown>[] = [
      { ...base, energyWh: -1 },
      { ...base, schema: "ml-footprint/report@2" },
      { ...base, createdAt: "yesterday" },
      (({ phases: _phases, ...rest }) => rest)(base),
    ];
    for (const value of broken) {
      expect(Report.safeParse(value).success).toBe(false);
      expect(validate(value)).toBe(false);
    }
    // Unknown keys are tolerated by both (a later 1.x may add optional fields).
    expect(validate({ ...base, futureField: 1 })).toBe(true);
    expect(Report.safeParse({ ...base, futureField: 1 }).success).toBe(true);
  });

  it("`ml-footprint schema` prints the committed file", async () => {
    const run = await runBundledCli(["schema"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(committed);
  });
});
