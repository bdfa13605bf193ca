/**
 * Action inputs → one typed Config. Read once, in `getActionConfig`, never at import time.
 * Every bad value is an InputError naming the input, the value and the accepted forms.
 */
import * as z from "zod";
import { COMMENT_INPUT_VALUES, parseCommentMode, type CommentMode } from "./comment-policy.js";
import { canonicalJson } from "./identity.js";
import { parseGpusInput } from "../measure/gpu-select.js";
import { parseOtlpEndpoint, parseOtlpHeaders } from "../export/otlp-target.js";
import { Inputs } from "./constants.js";
import { parseShellInput, type Shell } from "./shell.js";
import type { CoreLike } from "./core.js";
import { parseRegion } from "../carbon/context.js";
import {
  InputError,
  parseDurationS,
  parseEnergyWh,
  parseIntervalMs,
  parseMassG,
  parsePercent,
  parsePositiveNumber,
  parsePue,
  MAX_CARBON_INTENSITY_G_PER_KWH,
  truncate,
} from "../model/units.js";

export type Mode = "measure" | "report" | "publish";
export type { CommentMode } from "./comment-policy.js";

export interface ActionConfig {
  mode: Mode;
  run: string | null;
  /** the shell input (run:); null: bash where present, else pwsh */
  shell: Shell | null;
  phase: string | null;
  workingDirectory: string | null;
  region: string | null;
  carbonIntensityGPerKWh: number | null;
  pue: number | null;
  electricityMapsToken: string | null;
  /** explicit opt-in for the public GB grid API */
  liveIntensity: boolean;
  /** CPU power model overrides (self-hosted and larger runners) */
  cpu: {
    tdpW: number | null;
    threadsPerPackage: number | null;
    wattsPerVcpu: { min: number; max: number } | null;
  };
  intervalMs: number;
  /** the gpus input, validated; null when empty (then CUDA_VISIBLE_DEVICES, NVIDIA_VISIBLE_DEVICES, all) */
  gpus: string | null;
  budgets: { energyWh?: number; emissionsG?: number; durationS?: number; maxIncreasePercent?: number };
  failOnBudget: boolean;
  comment: CommentMode;
  key: string | null;
  history: number;
  retentionDays: number;
  githubToken: string;
  matrix: Record<string, string> | null;
  /** OTLP metrics export (opt-in): the metrics URL and extra headers; null when otlp-endpoint is empty */
  otlp: { url: string; headers: Record<string, string> } | null;
  /** the raw otlp-headers values, to mask */
  otlpSecrets: string[];
  /** this footprint step finishes the job's background measurement in its main step (measure mode, no `run:`) */
  finish: boolean;
  /** overall bound on the network part of a reporting step (upload, baseline, comment, OTLP), seconds */
  networkTimeoutS: number;
}

function oneOf<T extends string>(value: string, name: string, allowed: readonly T[], fallback: T): T {
  const v = value.trim();
  if (v === "") return fallback;
  if ((allowed as readonly string[]).includes(v)) return v as T;
  throw new InputError(`${name}: "${truncate(value)}" is not valid; accepted: ${allowed.join(", ")}`);
}

function boolInput(value: string, name: string, fallback: boolean): boolean {
  const v = value.trim().toLowerCase();
  if (v === "") return fallback;
  if (v === "true") return true;
  if (v === "false") return false;
  throw new InputError(`${name}: "${truncate(value)}" is not valid; accepted: true, false`);
}

function intInput(value: string, name: string, min: number, max: number, fallback: number): number {
  const v = value.trim();
  if (v === "") return fallback;
  if (!/^[0-9]+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new InputError(
      `${name}: "${truncate(value)}" is not valid; accepted: a whole number from ${min} to ${max}`,
    );
  }
  return Number(v);
}

function optional<T>(value: string, parse: (v: string) => T): T | undefined {
  return value.trim() === "" ? undefined : parse(value);
}

/**
 * `${{ toJSON(matrix) }}` → one string per matrix name. GitHub allows object and array values (e.g.
 * `include: [{ cfg: { lr: 0.1 } }]`): they become their canonical JSON (sorted keys), so the same value
 * always reads the same. Any length is accepted here; the report clips and the key hashes (identity.ts).
 */
export function parseMatrixInput(value: string, name: string): Record<string, string> | null {
  const v = value.trim();
  if (v === "" || v === "null") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    throw new InputError(`${name}: "${truncate(value)}" is not JSON; accepted: \${{ toJSON(matrix) }}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new InputError(
      `${name}: "${truncate(value)}" is not a JSON object of matrix values; accepted: \${{ toJSON(matrix) }}`,
    );
  }
  return Object.fromEntries(
    Object.entries(parsed as Record<string, unknown>).map(([k, val]) => [
      k,
      typeof val === "string"
        ? val
        : val !== null && typeof val === "object"
          ? canonicalJson(val)
          : String(val),
    ]),
  );
}

/** A key names artifacts and comment sections: letters, digits, `.`, `_`, `-` and `/`-free. */
export function parseKeyInput(value: string, name: string): string | null {
  const v = value.trim();
  if (v === "") return null;
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(v)) {
    throw new InputError(
      `${name}: "${truncate(value)}" is not valid; accepted: 1 to 100 letters, digits, ".", "_" or "-"`,
    );
  }
  return v;
}

/** "MIN-MAX" watts per vCPU (e.g. "0.45-2.02", en dash allowed) or one number for both. */
export function parseWattsPerVcpuInput(value: string, name: string): { min: number; max: number } {
  const accepted = 'accepted: "MIN-MAX" watts per vCPU from 0 to 100, e.g. 0.45-2.02, or one number';
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:[-–]\s*(\d+(?:\.\d+)?))?\s*$/.exec(value);
  const min = m ? Number(m[1]) : Number.NaN;
  const max = m ? Number(m[2] ?? m[1]) : Number.NaN;
  if (!m || !Number.isFinite(min) || !Number.isFinite(max) || max > 100) {
    throw new InputError(`${name}: "${truncate(value)}" is not valid; ${accepted}`);
  }
  if (min > max) throw new InputError(`${name}: "${truncate(value)}" has MIN above MAX; ${accepted}`);
  return { min, max };
}

/** Validate the region now (unknown names fail the step at once, with the closest valid names). */
function regionInput(value: string | null): string | null {
  if (value !== null) parseRegion(value, Inputs.Region);
  return value;
}

/** A budget of zero can never be met: it is a typo, not a policy. */
function positiveBudget(value: number, text: string, name: string): number {
  if (value <= 0) {
    throw new InputError(
      `${name}: "${truncate(text)}" is zero; a budget must be more than 0 (leave the input empty for no budget)`,
    );
  }
  return value;
}

/** Bounds of `network-timeout`: at least 1 s; at most 1 h (a job may run 6 h; the report must not wait that long). */
export const NETWORK_TIMEOUT_MIN_S = 1;
export const NETWORK_TIMEOUT_MAX_S = 3_600;
export const NETWORK_TIMEOUT_DEFAULT_S = 60;

const NetworkTimeoutS = z
  .string()
  .regex(/^[0-9]{1,5}$/)
  .transform(Number)
  .pipe(z.number().int().min(NETWORK_TIMEOUT_MIN_S).max(NETWORK_TIMEOUT_MAX_S));

/** `network-timeout`: whole seconds, validated with zod; the message names the input, the value and the range. */
export function parseNetworkTimeoutInput(value: string, name: string): number {
  const v = value.trim();
  if (v === "") return NETWORK_TIMEOUT_DEFAULT_S;
  const result = NetworkTimeoutS.safeParse(v);
  if (!result.success) {
    throw new InputError(
      `${name}: "${truncate(value)}" is not valid; accepted: a whole number of seconds from ${NETWORK_TIMEOUT_MIN_S} to ${NETWORK_TIMEOUT_MAX_S}`,
    );
  }
  return result.data;
}

/**
 * `finish: true` ends the background measurement that an earlier footprint step started; it measures
 * nothing itself, so a command to wrap or another mode makes no sense there: a clear error before any work.
 */
function checkFinish(config: ActionConfig): ActionConfig {
  if (!config.finish) return config;
  if (config.run !== null) {
    throw new InputError(
      `${Inputs.Finish}: "true" cannot be combined with ${Inputs.Run}; the finish step ends the measurement an earlier footprint step started (put the command in a step before it)`,
    );
  }
  if (config.mode !== "measure") {
    throw new InputError(
      `${Inputs.Finish}: "true" applies to mode: measure only (this step has mode: ${config.mode}); remove one of them`,
    );
  }
  return config;
}

export function getActionConfig(getInput: (name: string) => string): ActionConfig {
  const input = (name: string) => getInput(name) ?? "";
  const budgets: ActionConfig["budgets"] = {};
  const energy = optional(input(Inputs.BudgetEnergy), (v) =>
    positiveBudget(parseEnergyWh(v, Inputs.BudgetEnergy), v, Inputs.BudgetEnergy),
  );
  if (energy !== undefined) budgets.energyWh = energy;
  const emissions = optional(input(Inputs.BudgetEmissions), (v) =>
    positiveBudget(parseMassG(v, Inputs.BudgetEmissions), v, Inputs.BudgetEmissions),
  );
  if (emissions !== undefined) budgets.emissionsG = emissions;
  const duration = optional(input(Inputs.BudgetDuration), (v) =>
    positiveBudget(parseDurationS(v, Inputs.BudgetDuration), v, Inputs.BudgetDuration),
  );
  if (duration !== undefined) budgets.durationS = duration;
  const increase = optional(input(Inputs.MaxIncrease), (v) => parsePercent(v, Inputs.MaxIncrease));
  if (increase !== undefined) budgets.maxIncreasePercent = increase;

  const text = (name: string, max: number): string | null => {
    const v = input(name).trim();
    if (v === "") return null;
    if (v.length > max)
      throw new InputError(`${name}: value is ${v.length} characters long; accepted: at most ${max}`);
    return v;
  };

  return checkFinish({
    mode: oneOf(input(Inputs.Mode), Inputs.Mode, ["measure", "report", "publish"] as const, "measure"),
    run: text(Inputs.Run, 20_000),
    shell: parseShellInput(input(Inputs.Shell), Inputs.Shell),
    phase: text(Inputs.Phase, 100),
    workingDirectory: text(Inputs.WorkingDirectory, 1_000),
    region: regionInput(text(Inputs.Region, 100)),
    carbonIntensityGPerKWh:
      optional(input(Inputs.CarbonIntensity), (v) =>
        parsePositiveNumber(
          v,
          Inputs.CarbonIntensity,
          "a positive number of gCO2e/kWh, e.g. 120",
          MAX_CARBON_INTENSITY_G_PER_KWH,
        ),
      ) ?? null,
    pue: optional(input(Inputs.Pue), (v) => parsePue(v, Inputs.Pue)) ?? null,
    electricityMapsToken: text(Inputs.ElectricityMapsToken, 1_000),
    liveIntensity: boolInput(input(Inputs.LiveIntensity), Inputs.LiveIntensity, false),
    cpu: {
      tdpW:
        optional(input(Inputs.CpuTdp), (v) =>
          parsePositiveNumber(v, Inputs.CpuTdp, "a positive number of watts (package TDP), e.g. 280", 2_000),
        ) ?? null,
      threadsPerPackage:
        optional(input(Inputs.CpuThreadsPerPackage), (v) =>
          intInput(v, Inputs.CpuThreadsPerPackage, 1, 4_096, 1),
        ) ?? null,
      wattsPerVcpu:
        optional(input(Inputs.CpuWattsPerVcpu), (v) => parseWattsPerVcpuInput(v, Inputs.CpuWattsPerVcpu)) ??
        null,
    },
    intervalMs: parseIntervalMs(input(Inputs.Interval).trim() || "1s", Inputs.Interval),
    gpus: input(Inputs.Gpus).trim() === "" ? null : parseGpusInput(input(Inputs.Gpus), Inputs.Gpus).value,
    budgets,
    failOnBudget: boolInput(input(Inputs.FailOnBudget), Inputs.FailOnBudget, true),
    comment: parseCommentMode(oneOf(input(Inputs.Comment), Inputs.Comment, COMMENT_INPUT_VALUES, "always")),
    key: parseKeyInput(input(Inputs.Key), Inputs.Key),
    history: intInput(input(Inputs.History), Inputs.History, 1, 50, 5),
    retentionDays: intInput(input(Inputs.RetentionDays), Inputs.RetentionDays, 1, 400, 90),
    githubToken: input(Inputs.GitHubToken).trim(),
    matrix: parseMatrixInput(input(Inputs.Matrix), Inputs.Matrix),
    ...otlpInputs(input(Inputs.OtlpEndpoint), input(Inputs.OtlpHeaders)),
    finish: boolInput(input(Inputs.Finish), Inputs.Finish, false),
    networkTimeoutS: parseNetworkTimeoutInput(input(Inputs.NetworkTimeout), Inputs.NetworkTimeout),
  });
}

function otlpInputs(endpoint: string, headers: string): Pick<ActionConfig, "otlp" | "otlpSecrets"> {
  const parsedHeaders = headers.trim() ? parseOtlpHeaders(headers, Inputs.OtlpHeaders) : {};
  const secrets = [headers.trim(), ...Object.values(parsedHeaders)].filter((v) => v.length > 0);
  if (!endpoint.trim()) {
    if (headers.trim())
      throw new InputError(
        `${Inputs.OtlpHeaders}: set without ${Inputs.OtlpEndpoint}; give the collector URL too`,
      );
    return { otlp: null, otlpSecrets: secrets };
  }
  return {
    otlp: { url: parseOtlpEndpoint(endpoint, Inputs.OtlpEndpoint), headers: parsedHeaders },
    otlpSecrets: secrets,
  };
}

/** The step's config, with the tokens registered as secrets before anything can print them. */
export function readConfigMaskingSecrets(core: CoreLike): ActionConfig {
  const config = getActionConfig((name) => core.getInput(name));
  if (config.electricityMapsToken) core.setSecret(config.electricityMapsToken);
  if (config.githubToken) core.setSecret(config.githubToken);
  for (const secret of config.otlpSecrets) core.setSecret(secret);
  return config;
}
