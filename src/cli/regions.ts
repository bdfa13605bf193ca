/**
 * `ml-footprint regions`: cloud regions sorted by grid intensity, with source and year. Figures of different accounting
 * bases (direct combustion, life-cycle) are never ranked in one list: one table per basis, each with its years.
 */
import type { Command } from "commander";
import { PUE_BY_PROVIDER } from "../carbon/constants.js";
import { PROVIDERS, listRegions, type Provider } from "../carbon/dataset.js";
import { InputError, parseEnergyWh, truncate } from "../model/units.js";
import { formatMass } from "../report/format.js";
import { textTable } from "./table.js";

export function registerRegionsCommand(program: Command): void {
  program
    .command("regions")
    .description("cloud regions sorted by grid intensity, with source and year")
    .option("--provider <provider>", "aws, azure or gcp")
    .option("--energy <value+unit>", "also show the emissions of this energy in each region (× provider PUE)")
    .option("--json", "print JSON")
    .action((flags: { provider?: string; energy?: string; json?: boolean }) => {
      let provider: Provider | undefined;
      if (flags.provider !== undefined) {
        const p = flags.provider.trim().toLowerCase();
        if (!(PROVIDERS as readonly string[]).includes(p)) {
          throw new InputError(
            `--provider: "${truncate(flags.provider)}" is not valid; accepted: aws, azure or gcp`,
          );
        }
        provider = p as Provider;
      }
      const energyWh = flags.energy === undefined ? undefined : parseEnergyWh(flags.energy, "--energy");
      const rows = listRegions(provider)
        .sort((a, b) => a.basis.localeCompare(b.basis) || a.gPerKWh - b.gPerKWh || a.id.localeCompare(b.id))
        .map((p) => ({
          id: p.id,
          name: p.name,
          gPerKWh: p.gPerKWh,
          year: p.year,
          basis: p.basis,
          method: p.method,
          emissionsG:
            energyWh === undefined
              ? undefined
              : (energyWh / 1_000) * PUE_BY_PROVIDER[p.provider ?? "local"].value * p.gPerKWh,
        }));
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const header = [
        "region",
        "gCO2e/kWh",
        "year",
        "basis",
        "figure",
        ...(energyWh === undefined ? [] : ["emissions"]),
      ];
      const tables: string[] = [];
      for (const basis of [...new Set(rows.map((r) => r.basis))]) {
        const group = rows.filter((r) => r.basis === basis);
        const years = group.map((r) => r.year);
        const body = group.map((r) => [
          r.id,
          r.gPerKWh.toFixed(1),
          String(r.year),
          r.basis,
          r.method,
          ...(r.emissionsG === undefined ? [] : [formatMass(r.emissionsG)]),
        ]);
        tables.push(
          `${basis} figures (${Math.min(...years)}–${Math.max(...years)}; not comparable with another basis):\n${textTable([header, ...body])}`,
        );
      }
      process.stdout.write(`${tables.join("\n\n")}\n`);
    });
}
