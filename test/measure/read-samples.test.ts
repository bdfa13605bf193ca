import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { isPlainSampleLine, integrateSamplesFile } from "../../src/measure/read-samples.js";
import { parseLine } from "../../src/measure/samples.js";

const good = [
  { t: "s", ts: 1, cpu: 0.5, rapl: { "package-0": 12 }, gpu: [{ i: 0, w: 71.2, u: 0.45, mem: 1234 }] },
  { t: "s", ts: 2, cpu: null, gpu: [{ i: 1, w: null, u: null, mem: null }] },
  { t: "s", ts: 3 },
];
const bad = [
  { t: "s", ts: 1, cpu: 1.5 },
  { t: "s", ts: 1, cpu: -0.1 },
  { t: "s", ts: "1" },
  { t: "s", ts: 1, rapl: { "package-0": -1 } },
  { t: "s", ts: 1, rapl: [1] },
  { t: "s", ts: 1, gpu: [{ i: 0.5, w: 1, u: 0, mem: 0 }] },
  { t: "s", ts: 1, gpu: [{ i: 0, w: 1, u: 2, mem: 0 }] },
  { t: "s", ts: 1, gpu: [{ i: 0, w: 1, u: 0 }] },
  { t: "s", ts: 1, gpu: {} },
  { t: "s", ts: 1, extra: true }, // zod strips unknown keys: the fast path leaves that to zod
];

it("the hand-written sample check accepts what the schema accepts, unchanged, and nothing it rejects", () => {
  for (const line of good) {
    expect(isPlainSampleLine(line)).toBe(true);
    expect(parseLine(JSON.stringify(line))).toEqual({ ok: true, line });
  }
  for (const line of bad) expect(isPlainSampleLine(line)).toBe(false);
  for (const line of bad.slice(0, -1)) expect(parseLine(JSON.stringify(line)).ok).toBe(false);
});

it("still rejects bad sample lines with the schema's reason when streaming a file", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "mlf-samples-")), "s.ndjson");
  const lines = [
    { t: "meta", v: 1, startMs: 0, intervalMs: 1000 },
    good[0],
    bad[0],
    { ...good[0], ts: 1001 },
  ];
  writeFileSync(path, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  const ZERO = { w: 0, lowW: 0, highW: 0 };
  const result = await integrateSamplesFile(path, {
    models: {
      cpu: { powerW: () => ZERO, detail: "", provenance: "modelled" },
      memory: { ...ZERO, detail: "" },
      other: null,
    },
  });
  expect(result.rejectedLines).toBe(1);
  expect(result.warnings.join(" ")).toMatch(/cpu/);
  expect(result.samples).toBe(2);
});
