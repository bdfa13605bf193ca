/** 4. Wide workflows: one comment for 10, 100 and 1,000 job reports; time, memory, comment length. */
import { join } from "node:path";
import { runJsonChild, type Figure } from "./util.js";

interface WideResult {
  ms: number;
  maxRssMiB: number;
  heapDeltaMiB: number;
  commentChars: number;
}

export async function benchWide(o: { childDir: string; sizes: number[] }) {
  const rows: string[][] = [
    ["jobs", "aggregate + render", "per job", "heap growth", "peak RSS", "comment chars"],
  ];
  const results: { n: number; r: WideResult }[] = [];
  for (const n of o.sizes) {
    const r = await runJsonChild<WideResult>(join(o.childDir, "wide.js"), [String(n)]);
    results.push({ n, r });
    rows.push([
      String(n),
      `${r.ms.toFixed(0)} ms`,
      `${((r.ms / n) * 1_000).toFixed(0)} µs`,
      `${r.heapDeltaMiB.toFixed(1)} MiB`,
      `${r.maxRssMiB.toFixed(1)} MiB`,
      String(r.commentChars),
    ]);
  }
  const mid = results[results.length - 2];
  const last = results[results.length - 1];
  const figures: Figure[] = [];
  if (last) {
    figures.push({
      section: "4",
      name: `aggregate ${last.n} job reports into one comment`,
      value: `${last.r.ms.toFixed(0)} ms`,
      goal: "< 2 s",
      met: last.r.ms < 2_000,
    });
  }
  if (mid && last) {
    const growth = last.r.ms / last.n / (mid.r.ms / mid.n);
    figures.push({
      section: "4",
      name: `time per job, ${last.n} vs ${mid.n} jobs`,
      value: `${growth.toFixed(2)}×`,
      goal: "linear (≤ 2×)",
      met: growth <= 2,
    });
  }
  return { rows, figures };
}
