/**
 * `node --import tsx bench/cpu-models.ts`: our CPU model for the GitHub-hosted ubuntu runner (AMD EPYC 7763,
 * 4 vCPUs) next to the published models of Eco CI, Cloud Carbon Footprint, Teads and CodeCarbon over the
 * utilization trace 0/10/25/50/75/100 %. The figures and their sources live in
 * test/validation/cpu-model-figures.ts, where a test pins them and checks our range contains them.
 */
import { OTHER_MODELS, compareCpuModels } from "../test/validation/cpu-model-figures.js";

const rows = compareCpuModels();
const names = OTHER_MODELS.map((m) => m.name);
const header = ["util", "ours W (low–high)", ...names, "spread"];
const lines = rows.map((row) => [
  `${Math.round(row.util * 100)} %`,
  `${row.ours.w.toFixed(2)} (${row.ours.lowW.toFixed(2)}–${row.ours.highW.toFixed(2)})`,
  ...row.others.map((o) => `${o.w.toFixed(2)} ×${o.ratio.toFixed(2)}${o.inRange ? "" : " out"}`),
  `${(row.spread * 100).toFixed(0)} %`,
]);
const md = (cells: string[]) => `| ${cells.join(" | ")} |`;
process.stdout.write(
  [md(header), md(header.map(() => "---")), ...lines.map(md)].join("\n") +
    "\n\n×r = that model's watts / ours; out = outside our low–high range; spread = (max − min) / min over ours " +
    "and the CPU-specific models (Eco CI, CCF EPYC 3rd Gen, Teads).\n" +
    OTHER_MODELS.map((m) => `- ${m.name}: ${m.source} (${m.note})`).join("\n") +
    "\n",
);
