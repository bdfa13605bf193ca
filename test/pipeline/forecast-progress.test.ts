// The live forecast reaches the progress line while the command runs: the command reports epoch progress in the
// metrics file and waits (readiness, not a sleep) until the progress sink has shown a projection; the final
// report carries the forecast too.
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Forecast } from "../../src/model/report.js";
import { carbonForMeasurement } from "../../src/pipeline/carbon.js";
import { measureCommand } from "../../src/pipeline/measure-command.js";
import { formatProgress } from "../../src/cli/progress.js";

describe("live forecast", () => {
  it(
    "shows the projected full training (energy and emissions with ranges) in the progress line",
    { timeout: 120_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "mlf-forecast-"));
      const seen = join(dir, "seen");
      const metrics = join(dir, "metrics.json");
      const lines: string[] = [];
      let shown: Forecast | null = null;
      // Writes epoch 1 of 30, then burns CPU until the test saw a projection (at most 60 s, then fails).
      const script = `
      const fs = require("node:fs");
      fs.writeFileSync(${JSON.stringify(metrics)}, JSON.stringify({ epochs: 1, epochs_total: 30 }));
      const t = Date.now();
      while (!fs.existsSync(${JSON.stringify(seen)})) { if (Date.now() - t > 60000) process.exit(9); for (let i = 0; i < 1e6; i++); }
    `;
      const { report, command } = await measureCommand({
        command: [process.execPath, "-e", script],
        label: "train",
        intervalMs: 100,
        env: { ML_FOOTPRINT_METRICS: metrics },
        nvidiaSmi: null,
        carbon: carbonForMeasurement({ carbonIntensityGPerKWh: 100 }, {}),
        progress: {
          everyMs: 100,
          update(elapsedS, latest, forecast) {
            lines.push(formatProgress(elapsedS, latest, forecast));
            if (forecast && forecast.emissionsG !== null && !shown) {
              shown = forecast;
              writeFileSync(seen, "");
            }
          },
          done() {},
        },
      });
      expect(command.exitCode).toBe(0);
      expect(existsSync(seen)).toBe(true);
      const line = lines.find((l) => l.includes("full training"));
      expect(line).toMatch(/full training \(1\/30 epochs\) ≈ .+Wh \[.+–.+Wh\], .+ CO2e \[.+–.+\]/);
      expect(shown!.energyWh).toBeGreaterThan(0);
      expect(report.forecast?.epochsTotal).toBe(30);
      expect(report.forecast!.energyWh).toBeCloseTo(report.energyWh * 30, 6);
      expect(report.forecast!.emissionsG).toBeCloseTo(report.carbon!.emissions.totalG * 30, 6);
    },
  );
});
