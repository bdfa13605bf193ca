/**
 * 3. Long jobs: a 1 Hz trace with 8 GPUs (training-like power with phase markers), 1 hour and 24 hours,
 * written as the sampler writes it, then streamed through integrateSamplesFile and built into a report
 * in a fresh child process per size (time, peak RSS, peak heap). Samples file size per hour.
 */
import { closeSync, openSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { SamplesFileLine } from "../src/measure/samples.js";
import { formatLine } from "../src/measure/samples-line.js";
import { mib, runJsonChild, type Figure } from "./util.js";

const GPUS = 8;

/** Write `hours` of 1 Hz samples: CPU, RAPL package+dram counters, 8 GPUs; a phase marker each hour. */
export function writeTrace(path: string, hours: number): number {
  const fd = openSync(path, "w");
  const startMs = Date.UTC(2026, 0, 1);
  let buf = formatLine({
    t: "meta",
    v: 1,
    startMs,
    intervalMs: 1000,
    raplMaxUj: { "package-0": 262143328850, "dram-0": 65712999613 },
  });
  buf += formatLine({ t: "phase", ts: startMs, name: "train" });
  let pkg = 0;
  let dram = 0;
  const seconds = hours * 3_600;
  for (let s = 0; s <= seconds; s++) {
    const ts = startMs + s * 1_000;
    if (s > 0 && s % 3_600 === 0) buf += formatLine({ t: "phase", ts, name: `epoch-${s / 3_600}` });
    pkg = (pkg + 150e6) % 262143328850;
    dram = (dram + 20e6) % 65712999613;
    const load = s % 600 < 30 ? 0.1 : 0.9; // an eval pause every 10 minutes
    const line: SamplesFileLine = {
      t: "s",
      ts,
      cpu: Math.round((0.3 + 0.6 * load) * 100) / 100,
      rapl: { "package-0": pkg, "dram-0": dram },
      gpu: Array.from({ length: GPUS }, (_, i) => ({
        i,
        w: Math.round((70 + 600 * load + ((s * 7 + i * 13) % 40)) * 100) / 100,
        u: load,
        mem: 60_000 + i,
      })),
    };
    buf += formatLine(line);
    if (buf.length > 1 << 20) {
      writeSync(fd, buf);
      buf = "";
    }
  }
  buf += formatLine({ t: "end", ts: startMs + seconds * 1_000 });
  writeSync(fd, buf);
  closeSync(fd);
  return statSync(path).size;
}

interface LongResult {
  ms: number;
  maxRssMiB: number;
  baseRssMiB: number;
  peakHeapMiB: number;
  baseHeapMiB: number;
  samples: number;
}

export async function benchLongJobs(o: { tmp: string; childDir: string; hours: number[] }) {
  const rows: string[][] = [
    ["trace (1 Hz, 8 GPUs)", "file", "samples", "integrate + report", "peak RSS", "peak heap"],
  ];
  const results: { hours: number; bytes: number; r: LongResult }[] = [];
  for (const hours of o.hours) {
    const path = join(o.tmp, `trace-${hours}h.ndjson`);
    const bytes = writeTrace(path, hours);
    const r = await runJsonChild<LongResult>(join(o.childDir, "long-job.js"), [path]);
    results.push({ hours, bytes, r });
    rows.push([
      `${hours} h`,
      mib(bytes),
      String(r.samples),
      `${r.ms.toFixed(0)} ms`,
      `${r.maxRssMiB.toFixed(1)} MiB`,
      `${r.peakHeapMiB.toFixed(1)} MiB`,
    ]);
  }
  const first = results[0];
  const last = results[results.length - 1];
  const figures: Figure[] = [];
  if (first && last) {
    figures.push(
      {
        section: "3",
        name: `integrate + report, ${last.hours} h trace`,
        value: `${last.r.ms.toFixed(0)} ms`,
        goal: "< 1 s",
        met: last.r.ms < 1_000,
      },
      {
        section: "3",
        name: `peak RSS ${last.hours} h vs ${first.hours} h`,
        value: `${last.r.maxRssMiB.toFixed(1)} vs ${first.r.maxRssMiB.toFixed(1)} MiB (${(last.r.maxRssMiB / first.r.maxRssMiB).toFixed(2)}×)`,
        goal: "flat (≤ 1.2×)",
        met: last.r.maxRssMiB <= 1.2 * first.r.maxRssMiB,
      },
      { section: "3", name: "samples file per hour (1 Hz, 8 GPUs)", value: mib(last.bytes / last.hours) },
    );
  }
  return { rows, figures };
}
