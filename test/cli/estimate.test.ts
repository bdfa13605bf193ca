import { Command } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerEstimateCommand } from "../../src/cli/estimate.js";
import { registerRegionsCommand } from "../../src/cli/regions.js";
import { InputError } from "../../src/model/units.js";
import { formatMass } from "../../src/report/format.js";

function program(): Command {
  const p = new Command();
  p.exitOverride();
  registerEstimateCommand(p);
  registerRegionsCommand(p);
  return p;
}

async function run(args: string[]): Promise<string> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    await program().parseAsync(args, { from: "user" });
  } finally {
    spy.mockRestore();
  }
  return chunks.join("");
}

afterEach(() => vi.restoreAllMocks());

describe("ml-footprint estimate", () => {
  it("prints emissions with range and sources", async () => {
    const out = await run(["estimate", "--energy", "1.2 kWh", "--region", "gcp:europe-west1"]);
    expect(out).toContain("energy:      1200 Wh");
    expect(out).toContain("126.4 gCO2e/kWh");
    expect(out).toContain(`${formatMass(1.2 * 1.1 * 126.43)} CO2e operational`);
    expect(out).toContain("greener choices (like with like: direct-combustion figures of 2023–2027");
  });

  it("prints JSON with --json, using a direct intensity and PUE", async () => {
    const json = JSON.parse(
      await run(["estimate", "--energy", "2 kWh", "--intensity", "100", "--pue", "1.5", "--json"]),
    );
    expect(json.emissions.operationalG).toBeCloseTo(300, 9);
    expect(json.region.source).toBe("intensity-input");
  });

  it.each([
    [
      ["estimate", "--energy", "12 parsecs", "--region", "FR"],
      '--energy: "12 parsecs" is not valid; accepted: a number with Wh, kWh, MWh, J, kJ or MJ (e.g. 500 Wh, 1.2 kWh)',
    ],
    [
      ["estimate", "--energy", "-5 Wh", "--region", "FR"],
      '--energy: "-5 Wh" is not valid; accepted: a number with Wh, kWh, MWh, J, kJ or MJ (e.g. 500 Wh, 1.2 kWh)',
    ],
    [["estimate", "--energy", "5 Wh"], "estimate: give --region R or --intensity G (gCO2e/kWh)"],
    [
      ["estimate", "--energy", "5 Wh", "--intensity", "abc"],
      '--intensity: "abc" is not valid; accepted: a positive number of gCO2e/kWh (e.g. 120)',
    ],
    [
      ["estimate", "--energy", "5 Wh", "--region", "FR", "--pue", "0.8"],
      '--pue: "0.8" is out of range; a PUE is facility power over IT power, accepted: 1.0 to 5.0',
    ],
    [["estimate", "--energy", "5 Wh", "--region", "Mars"], 'region: "Mars" is not a known region; closest:'],
    [["regions", "--provider", "oracle"], '--provider: "oracle" is not valid; accepted: aws, azure or gcp'],
  ])("rejects %j with one clear line", async (args, message) => {
    const error = await run(args).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain("\n");
  });
});

describe("ml-footprint regions", () => {
  it("lists a provider's regions sorted by intensity with emissions for an energy", async () => {
    const out = await run(["regions", "--provider", "gcp", "--energy", "1 kWh"]);
    const lines = out.trim().split("\n");
    expect(lines[0]).toBe("direct-combustion figures (2025–2025; not comparable with another basis):");
    expect(lines[1]).toMatch(/^region\s+gCO2e\/kWh\s+year\s+basis\s+figure\s+emissions$/);
    expect(lines[2]).toMatch(/^gcp:northamerica-northeast1\s+11\.4\s+2025/);
    expect(lines).toHaveLength(48);
    const values = lines.slice(2).map((l) => Number(l.split(/\s+/)[1]));
    expect(values).toEqual([...values].sort((a, b) => a - b));
  });

  it("never ranks figures of different bases in one list (issue #26)", async () => {
    const out = await run(["regions", "--provider", "azure"]);
    const tables = out.trim().split("\n\n");
    expect(tables.map((t) => t.split("\n")[0]?.split(" ")[0])).toEqual(["direct-combustion", "lifecycle"]);
    for (const table of tables) {
      const basis = table.split(" ")[0];
      for (const row of table.split("\n").slice(2)) expect(row.split(/\s+/)[3]).toBe(basis);
    }
  });
});
