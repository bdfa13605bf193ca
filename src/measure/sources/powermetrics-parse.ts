/**
 * Pure parser of `powermetrics --samplers cpu_power,gpu_power -i <ms>` text output (macOS on Apple silicon).
 * The tool prints one block per sample window; the lines read here look like this (structure as printed by
 * macOS 12–14 in published outputs, e.g. joular/joularjx#51 and philipturner/applegpuinfo#6):
 *
 *   *** Sampled system activity (Fri Mar 22 14:54:38 2024 -0500) (1002.80ms elapsed) ***
 *   …
 *   CPU Power: 1996 mW
 *   GPU Power: 324 mW
 *   ANE Power: 0 mW
 *   Combined Power (CPU + GPU + ANE): 2320 mW
 *
 *   **** GPU usage ****
 *   …
 *   GPU Power: 324 mW            (the gpu_power sampler repeats it: the first one of a window is taken)
 *
 * Each power is the average over the window, so a window's energy is power × elapsed: the windows add up to an
 * exact energy counter (as exact as Apple's estimate: powermetrics' help says its average power values "are
 * estimated and may be inaccurate"). Some macOS versions print no "Combined Power" line: the sum of the three
 * rails is used then. A window is complete at its "Combined Power" line, else at the next window's header or the
 * end of the stream.
 */

export interface PowermetricsWindow {
  /** the window's length as printed ("(1002.80ms elapsed)") */
  elapsedMs: number;
  cpuMw: number;
  gpuMw: number;
  aneMw: number;
  /** Combined Power, or the sum of the rails when the line is missing */
  combinedMw: number;
}

const HEADER = /^\*\*\* Sampled system activity \(.*\) \(([0-9]+(?:\.[0-9]+)?)\s*ms elapsed\) \*\*\*\s*$/;
const RAIL = /^(CPU|GPU|ANE) Power:\s*([0-9]+(?:\.[0-9]+)?)\s*(mW|W)\s*$/;
const COMBINED = /^Combined Power \(CPU \+ GPU \+ ANE\):\s*([0-9]+(?:\.[0-9]+)?)\s*(mW|W)\s*$/;

function milliwatts(value: string, unit: string): number {
  return unit === "W" ? Number(value) * 1_000 : Number(value);
}

export interface PowermetricsParser {
  /** feed one line (without its newline) */
  line(text: string): void;
  /** the stream ended: complete the window in progress, if it has its power lines */
  end(): void;
}

/**
 * A line-by-line parser; `onWindow` is called once per complete window, in order. A window without a CPU Power
 * line (another sampler set, an Intel Mac) is dropped and counted in `onSkip`.
 */
export function createPowermetricsParser(
  onWindow: (window: PowermetricsWindow) => void,
  onSkip: (reason: string) => void = () => {},
): PowermetricsParser {
  let current: {
    elapsedMs: number;
    cpuMw: number | null;
    gpuMw: number | null;
    aneMw: number | null;
    done: boolean;
  } | null = null;

  const finish = (combinedMw: number | null) => {
    const w = current;
    if (!w || w.done) return;
    w.done = true;
    if (w.cpuMw === null) {
      onSkip("a powermetrics window without a CPU Power line");
      return;
    }
    const gpuMw = w.gpuMw ?? 0;
    const aneMw = w.aneMw ?? 0;
    onWindow({
      elapsedMs: w.elapsedMs,
      cpuMw: w.cpuMw,
      gpuMw,
      aneMw,
      combinedMw: combinedMw ?? w.cpuMw + gpuMw + aneMw,
    });
  };

  return {
    line(text) {
      const line = text.trim();
      const header = HEADER.exec(line);
      if (header) {
        finish(null);
        current = { elapsedMs: Number(header[1]), cpuMw: null, gpuMw: null, aneMw: null, done: false };
        return;
      }
      if (!current || current.done) return;
      const rail = RAIL.exec(line);
      if (rail) {
        const mw = milliwatts(rail[2]!, rail[3]!);
        if (rail[1] === "CPU" && current.cpuMw === null) current.cpuMw = mw;
        if (rail[1] === "GPU" && current.gpuMw === null) current.gpuMw = mw;
        if (rail[1] === "ANE" && current.aneMw === null) current.aneMw = mw;
        return;
      }
      const combined = COMBINED.exec(line);
      if (combined) finish(milliwatts(combined[1]!, combined[2]!));
    },
    end() {
      finish(null);
      current = null;
    },
  };
}
