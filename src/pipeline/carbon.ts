/** Carbon for a finished measurement: resolve region/intensity/PUE, then compute emissions with ranges. */
import {
  applyLiveIntensity,
  computeCarbon,
  resolveCarbonContext,
  timeShiftForJob,
  zoneForPlace,
  type CarbonContext,
} from "../carbon/index.js";
import type { LiveResult } from "../carbon/live.js";
import type { CarbonStep } from "./report-from-samples.js";

export interface CarbonInputs {
  region?: string;
  carbonIntensityGPerKWh?: number;
  pue?: number;
  electricityMapsToken?: string;
  liveIntensity?: boolean;
}

/** Live readings are fetched once per process per provider/zone/window (see LiveOptions). */
const LIVE_CACHE = new Map<string, LiveResult>();

/**
 * Returns the callback the run flow calls when the measurement has finished. Region resolution
 * (IMDS probes, ≤ 1 s) starts at once, in parallel with the measured command; live intensity (opt-in: an
 * Electricity Maps token, or live-intensity for GB) is fetched afterwards for the job's window.
 */
export function carbonForMeasurement(
  inputs: CarbonInputs,
  env: Record<string, string | undefined>,
  endpoints?: Parameters<typeof resolveCarbonContext>[0]["endpoints"],
): CarbonStep {
  const context = resolveCarbonContext({ ...inputs, env, endpoints, deferLive: true });
  // Avoid an unhandled rejection while the command runs; the error surfaces when awaited below.
  context.catch(() => undefined);
  return async (integration, hardware, warn) => {
    const window = { startMs: integration.startMs, endMs: Math.max(integration.endMs, integration.startMs) };
    const ctx = await applyLiveIntensity(await context, {
      electricityMapsToken: inputs.electricityMapsToken,
      liveIntensity: inputs.liveIntensity,
      endpoints,
      window,
      liveCache: LIVE_CACHE,
    });
    for (const w of ctx.warnings) warn?.(w);
    const warnings: string[] = [];
    // Scheduled workflows with a live provider opted in: when in the next day the job would emit least.
    const timeShift = await timeShiftForJob(
      {
        env,
        electricityMapsToken: inputs.electricityMapsToken,
        liveIntensity: inputs.liveIntensity,
        zone: zoneOf(ctx),
        inGB: ctx.region.country === "GB",
        window,
        // the forecast is read from the job's end: "the next day" is the day after this run
        nowMs: window.endMs,
        endpoints,
      },
      warnings,
    );
    for (const w of warnings) warn?.(w);
    const carbon = computeCarbon(
      {
        energyWh: integration.energyWh,
        lowWh: integration.lowWh,
        highWh: integration.highWh,
        durationS: integration.durationS,
        phases: integration.phases.map((p) => ({
          name: p.name,
          energyWh: p.energyWh,
          lowWh: p.lowWh,
          highWh: p.highWh,
          durationS: p.durationS,
        })),
        hardware,
      },
      warnings.length ? { ...ctx, warnings: [...ctx.warnings, ...warnings] } : ctx,
    );
    return timeShift ? { ...carbon, timeShift } : carbon;
  };
}

function zoneOf(ctx: CarbonContext): string | null {
  const kind = ctx.region.provider ? "cloud" : ctx.region.country ? "country" : "world";
  return zoneForPlace({ id: ctx.region.id, kind, country: ctx.region.country });
}
