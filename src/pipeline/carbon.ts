/** Carbon for a finished measurement: resolve region/intensity/PUE, then compute emissions with ranges. */
import { applyLiveIntensity, computeCarbon, resolveCarbonContext } from "../carbon/index.js";
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
    const ctx = await applyLiveIntensity(await context, {
      electricityMapsToken: inputs.electricityMapsToken,
      liveIntensity: inputs.liveIntensity,
      endpoints,
      window: { startMs: integration.startMs, endMs: Math.max(integration.endMs, integration.startMs) },
      liveCache: LIVE_CACHE,
    });
    for (const w of ctx.warnings) warn?.(w);
    return computeCarbon(
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
      ctx,
    );
  };
}
