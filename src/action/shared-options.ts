/**
 * The options the action and the CLI share, in one table: each names its action input (action.yml), its CLI
 * flag (`ml-footprint run`), its help text and its parser, so both accept the same forms and refuse the same
 * values with the same message (naming the input or the flag). `ml-footprint run` registers and parses its
 * flags from this table; test/cli/shared-options.test.ts checks that the action's inputs read the same values.
 */
import { parseRegion } from "../carbon/context.js";
import { GPUS_HELP, parseGpusInput } from "../measure/gpu-select.js";
import {
  InputError,
  MAX_CARBON_INTENSITY_G_PER_KWH,
  parseIntervalMs,
  parsePositiveNumber,
  parsePue,
  truncate,
} from "../model/units.js";
import { Inputs } from "./constants.js";
import { parseKeyInput, parseWattsPerVcpuInput } from "./inputs.js";

export interface SharedOption<T> {
  /** the action input (action.yml) */
  input: string;
  /** the CLI flag, e.g. "--cpu-tdp" */
  flag: string;
  /** the flag's value placeholder in --help */
  valueName: string;
  help: string;
  /** the value, or an InputError naming `name` (the input or the flag), the value and the accepted forms */
  parse(text: string, name: string): T;
}

function wholeNumber(text: string, name: string, min: number, max: number): number {
  const v = text.trim();
  if (!/^[0-9]+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new InputError(
      `${name}: "${truncate(text)}" is not valid; accepted: a whole number from ${min} to ${max}`,
    );
  }
  return Number(v);
}

export const SHARED_OPTIONS = {
  key: {
    input: Inputs.Key,
    flag: "--key",
    valueName: "key",
    help: "measurement key: reports with the same key are compared (default: the label)",
    parse: (text: string, name: string) => {
      const key = parseKeyInput(text, name);
      if (key === null)
        throw new InputError(`${name}: "" is empty; accepted: 1 to 100 letters, digits, ".", "_" or "-"`);
      return key;
    },
  },
  region: {
    input: Inputs.Region,
    flag: "--region",
    valueName: "region",
    help: "azure:eastus, aws:us-east-1, gcp:europe-west1, FR, …",
    parse: (text: string, name: string) => {
      parseRegion(text.trim(), name);
      return text.trim();
    },
  },
  carbonIntensity: {
    input: Inputs.CarbonIntensity,
    flag: "--carbon-intensity",
    valueName: "gPerKWh",
    help: "grid intensity in gCO2e/kWh (skips region lookup)",
    parse: (text: string, name: string) =>
      parsePositiveNumber(
        text,
        name,
        "a positive number of gCO2e/kWh, e.g. 120",
        MAX_CARBON_INTENSITY_G_PER_KWH,
      ),
  },
  pue: {
    input: Inputs.Pue,
    flag: "--pue",
    valueName: "number",
    help: "data-centre PUE (≥ 1.0)",
    parse: parsePue,
  },
  cpuTdp: {
    input: Inputs.CpuTdp,
    flag: "--cpu-tdp",
    valueName: "watts",
    help: "TDP of the whole CPU package; the job gets its vCPU share of it",
    parse: (text: string, name: string) =>
      parsePositiveNumber(text, name, "a positive number of watts (package TDP), e.g. 280", 2_000),
  },
  cpuThreadsPerPackage: {
    input: Inputs.CpuThreadsPerPackage,
    flag: "--cpu-threads-per-package",
    valueName: "n",
    help: "logical CPUs of that package, when the CPU is not in the table",
    parse: (text: string, name: string) => wholeNumber(text, name, 1, 4_096),
  },
  cpuWattsPerVcpu: {
    input: Inputs.CpuWattsPerVcpu,
    flag: "--cpu-watts-per-vcpu",
    valueName: "min-max",
    help: "watts per vCPU at idle and at full load, e.g. 0.45-2.02 (or one number), when the CPU is not in the table",
    parse: parseWattsPerVcpuInput,
  },
  interval: {
    input: Inputs.Interval,
    flag: "--interval",
    valueName: "duration",
    help: "sampling interval, 100ms to 60s",
    parse: parseIntervalMs,
  },
  gpus: {
    input: Inputs.Gpus,
    flag: "--gpus",
    valueName: "list",
    help: GPUS_HELP,
    parse: (text: string, name: string) => parseGpusInput(text, name).value,
  },
} as const satisfies Record<string, SharedOption<unknown>>;

export type SharedOptionName = keyof typeof SHARED_OPTIONS;
