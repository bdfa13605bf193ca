import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  createPowermetricsParser,
  type PowermetricsWindow,
} from "../../../src/measure/sources/powermetrics-parse.js";
import { powermetricsCommand, SocCounter } from "../../../src/measure/sources/powermetrics.js";

const FIXTURE = join(process.cwd(), "test", "fixtures", "powermetrics", "m2-cpu-gpu-ane.txt");

function parse(text: string): { windows: PowermetricsWindow[]; skipped: string[] } {
  const windows: PowermetricsWindow[] = [];
  const skipped: string[] = [];
  const parser = createPowermetricsParser(
    (w) => windows.push(w),
    (why) => skipped.push(why),
  );
  for (const line of text.split("\n")) parser.line(line);
  parser.end();
  return { windows, skipped };
}

describe("powermetrics parser", () => {
  it("reads every window of the recorded stream, taking the first GPU Power of a window", () => {
    const { windows, skipped } = parse(readFileSync(FIXTURE, "utf8"));
    expect(skipped).toEqual([]);
    expect(windows).toHaveLength(6);
    expect(windows[3]).toEqual({
      elapsedMs: 1003.62,
      cpuMw: 13875,
      gpuMw: 5840,
      aneMw: 1245,
      combinedMw: 20960,
    });
  });

  it("sums the rails where macOS prints no Combined Power line, and reads W as well as mW", () => {
    const text = [
      "*** Sampled system activity (Tue Nov 28 11:28:55 2023 +0100) (500.00ms elapsed) ***",
      "CPU Power: 1.5 W",
      "GPU Power: 200 mW",
      "ANE Power: 0 mW",
      "*** Sampled system activity (Tue Nov 28 11:28:56 2023 +0100) (250.00ms elapsed) ***",
      "**** Processor usage ****",
      "no power lines in this one",
    ].join("\n");
    const { windows, skipped } = parse(text);
    expect(windows).toEqual([{ elapsedMs: 500, cpuMw: 1500, gpuMw: 200, aneMw: 0, combinedMw: 1700 }]);
    expect(skipped).toHaveLength(1);
  });
});

describe("SocCounter", () => {
  it("counts completed windows exactly, pro-rates the window around t, guesses nothing past the last one", () => {
    const counter = new SocCounter();
    expect(counter.at(0)).toBeNull();
    counter.add({ elapsedMs: 1_000, cpuMw: 2_000, gpuMw: 1_000, aneMw: 0, combinedMw: 3_000 }, 1_000);
    expect(counter.at(500)).toEqual({ cpu: 1_000, gpu: 500, ane: 0 }); // half of the window
    expect(counter.at(1_500)).toEqual({ cpu: 2_000, gpu: 1_000, ane: 0 }); // stands until the next window
    counter.add({ elapsedMs: 1_000, cpuMw: 0, gpuMw: 0, aneMw: 4_000, combinedMw: 4_000 }, 2_000);
    expect(counter.at(2_000)).toEqual({ cpu: 2_000, gpu: 1_000, ane: 4_000 });
    counter.end();
    expect(counter.at(2_500)).toEqual({ cpu: 2_000, gpu: 1_000, ane: 4_000 }); // the total, once
    expect(counter.at(3_000)).toBeNull(); // not measured any more
  });

  it("runs through sudo -n on Apple silicon only, or the injected command", () => {
    expect(powermetricsCommand({}, "darwin", "arm64")).toEqual(["sudo", "-n", "powermetrics"]);
    expect(powermetricsCommand({}, "darwin", "x64")).toBeNull();
    expect(powermetricsCommand({}, "linux", "arm64")).toBeNull();
    expect(powermetricsCommand({ ML_FOOTPRINT_POWERMETRICS: "/x/pm" }, "linux", "x64")).toEqual(["/x/pm"]);
  });
});
