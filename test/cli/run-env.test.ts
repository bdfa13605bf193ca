import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBundledCli } from "../support/cli.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlf-run-env-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("ml-footprint run keeps our secrets from the measured command", () => {
  it("ML_FOOTPRINT_ELECTRICITY_MAPS_TOKEN does not reach it; the rest of the environment does", async () => {
    const seen = join(dir, "seen.json");
    const script = `require("node:fs").writeFileSync(${JSON.stringify(seen)}, JSON.stringify({ token: process.env.ML_FOOTPRINT_ELECTRICITY_MAPS_TOKEN ?? null, other: process.env.MLF_TEST_OTHER ?? null }))`;
    const run = await runBundledCli(
      [
        "run",
        "--no-gpu",
        "--carbon-intensity",
        "100",
        "--out",
        join(dir, "r.json"),
        "--",
        process.execPath,
        "-e",
        script,
      ],
      { ML_FOOTPRINT_ELECTRICITY_MAPS_TOKEN: "emaps_FAKE_run_env_token", MLF_TEST_OTHER: "kept" },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(await readFile(seen, "utf8"))).toEqual({ token: null, other: "kept" });
  });
});
