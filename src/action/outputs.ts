/** Step outputs (names in constants.ts, mirroring action.yml). */
import type { Report } from "../model/report.js";
import type { Comparison } from "../report/compare.js";
import { Outputs } from "./constants.js";
import type { CoreLike } from "./core.js";

export function setReportOutputs(core: CoreLike, report: Report, reportPath: string): void {
  core.setOutput(Outputs.EnergyWh, report.energyWh.toFixed(4));
  core.setOutput(Outputs.EmissionsG, report.carbon ? report.carbon.emissions.totalG.toFixed(4) : "");
  core.setOutput(Outputs.EmissionsLowG, report.carbon ? report.carbon.emissions.lowG.toFixed(4) : "");
  core.setOutput(Outputs.EmissionsHighG, report.carbon ? report.carbon.emissions.highG.toFixed(4) : "");
  core.setOutput(Outputs.ReportPath, reportPath);
}

export function setComparisonOutputs(
  core: CoreLike,
  comparison: Pick<Comparison, "verdict" | "total">,
): void {
  core.setOutput(Outputs.Verdict, comparison.verdict);
  const delta = comparison.total.deltaEnergyPercent;
  core.setOutput(Outputs.DeltaEnergyPercent, delta === null ? "" : delta.toFixed(2));
}
