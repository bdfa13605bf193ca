/**
 * Progress for long jobs: a live line on a terminal, a plain line every few minutes in CI logs
 * (a line per second would drown the training log).
 */
import type { SampleLine } from "../measure/samples.js";
import type { Forecast } from "../model/report.js";
import { forecastShort } from "../report/forecast.js";
import type { ProgressSink } from "../pipeline/measure-command.js";

const CI_PROGRESS_EVERY_MS = 5 * 60_000;

export function formatProgress(
  elapsedS: number,
  sample: SampleLine | null,
  forecast?: Forecast | null,
): string {
  const parts = [`ml-footprint: ${formatClock(elapsedS)} elapsed`];
  if (sample?.cpu !== null && sample?.cpu !== undefined) parts.push(`CPU ${Math.round(sample.cpu * 100)} %`);
  const gpus = sample?.gpu ?? [];
  if (gpus.length) {
    const watts = gpus.reduce((sum, g) => sum + (g.w ?? 0), 0);
    parts.push(`GPU ${gpus.length}× ${Math.round(watts)} W total`);
  }
  if (forecast) parts.push(forecastShort(forecast));
  return parts.join(", ");
}

function formatClock(seconds: number): string {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

export function createProgressPrinter(stream: NodeJS.WriteStream): ProgressSink {
  if (stream.isTTY) {
    let shown = false;
    return {
      everyMs: 1_000,
      update(elapsedS, sample, forecast) {
        stream.write(`\r\x1b[2K${formatProgress(elapsedS, sample, forecast)}`);
        shown = true;
      },
      done() {
        if (shown) stream.write("\r\x1b[2K");
      },
    };
  }
  return {
    everyMs: CI_PROGRESS_EVERY_MS,
    update: (elapsedS, sample, forecast) => stream.write(`${formatProgress(elapsedS, sample, forecast)}\n`),
    done() {},
  };
}
