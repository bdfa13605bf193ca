/** `ml-footprint estimate`: emissions for a given energy in a region (or at an intensity), with range and sources. */
import type { Command } from "commander";
import { computeCarbon } from "../carbon/compute.js";
import { parseRegion, resolveCarbonContext } from "../carbon/context.js";
import { greenerAdvice } from "../carbon/greener.js";
import { formatMass } from "../report/format.js";
import {
  InputError,
  MAX_CARBON_INTENSITY_G_PER_KWH,
  parseEnergyWh,
  parsePositiveNumber,
  parsePue,
} from "../model/units.js";

export function registerEstimateCommand(program: Command): void {
  program
    .command("estimate")
    .description("emissions for a given energy in a region (or at a given intensity), with range and sources")
    .requiredOption("--energy <value+unit>", "energy, e.g. 500 Wh, 1.2 kWh, 3 MJ")
    .option("--region <region>", "aws:us-east-1, azure:eastus, gcp:europe-west1, FR, FRA or world")
    .option("--intensity <gPerKWh>", "grid intensity in gCO2e/kWh")
    .option("--pue <pue>", "power usage effectiveness (≥ 1)")
    .option("--json", "print JSON")
    .action(
      async (flags: {
        energy: string;
        region?: string;
        intensity?: string;
        pue?: string;
        json?: boolean;
      }) => {
        const energyWh = parseEnergyWh(flags.energy, "--energy");
        if (flags.region === undefined && flags.intensity === undefined) {
          throw new InputError("estimate: give --region R or --intensity G (gCO2e/kWh)");
        }
        const intensity =
          flags.intensity === undefined
            ? undefined
            : parsePositiveNumber(
                flags.intensity,
                "--intensity",
                "a positive number of gCO2e/kWh (e.g. 120)",
                MAX_CARBON_INTENSITY_G_PER_KWH,
              );
        // Validate here so that the message names the flag (--region), not the action input.
        if (flags.region !== undefined) parseRegion(flags.region, "--region");
        const ctx = await resolveCarbonContext({
          region: flags.region === undefined ? undefined : flags.region,
          carbonIntensityGPerKWh: intensity,
          pue: flags.pue === undefined ? undefined : parsePue(flags.pue, "--pue"),
          env: {},
        });
        const carbon = computeCarbon(
          { energyWh, lowWh: energyWh, highWh: energyWh, durationS: 0, phases: [], hardware: NO_HARDWARE },
          ctx,
        );
        const advice = greenerAdvice(energyWh, ctx);
        const greener = advice.choices;
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ energyWh, ...carbon, greener }, null, 2)}\n`);
          return;
        }
        const e = carbon.emissions;
        const lines = [
          `energy:      ${energyWh} Wh`,
          `region:      ${carbon.region.name} [${carbon.region.id}]`,
          `intensity:   ${carbon.intensity.gPerKWh.toFixed(1)} gCO2e/kWh (range ${carbon.intensity.lowGPerKWh.toFixed(1)}–${carbon.intensity.highGPerKWh.toFixed(1)}; ${carbon.intensity.basis}; ${carbon.intensity.year ?? "year n/a"})`,
          `  source:    ${carbon.intensity.source}`,
          `PUE:         ${carbon.pue.value} (range ${carbon.pue.low}–${carbon.pue.high}; ${carbon.pue.source})`,
          `emissions:   ${formatMass(e.operationalG)} CO2e operational (range ${formatMass(e.operationalLowG)}–${formatMass(e.operationalHighG)}); embodied not included without a duration`,
        ];
        if (greener.length) {
          lines.push(`greener choices (like with like: ${advice.basis}):`);
          for (const g of greener)
            lines.push(
              `  ${g.region.id.padEnd(28)} ${formatMass(g.emissionsG).padStart(10)}  −${Math.round(g.savingFraction * 100)} % (${g.intensity.gPerKWh} g/kWh ${g.intensity.year}, PUE ${g.pue}, ${g.reason})`,
            );
        }
        process.stdout.write(`${lines.join("\n")}\n`);
      },
    );
}

const NO_HARDWARE = { cpu: { brand: "n/a", threads: 1, cores: null }, memoryGB: 0, gpus: [] };
