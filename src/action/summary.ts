/** The job summary: where a step writes it, and the one-job summary the post step writes twice. */
import { commentCarbonExtras } from "../carbon/advice.js";
import type { Report } from "../model/report.js";
import type { BudgetResult } from "../report/budgets.js";
import type { Comparison } from "../report/compare.js";
import { renderSummary } from "../report/render-markdown.js";
import { buildCommentModel } from "../report/render-model.js";
import { TOOL_VERSION } from "../version.js";

export interface SummaryWriter {
  /** replace this step's job summary with `markdown` */
  write(markdown: string): Promise<void>;
}

export function renderJobSummary(
  key: string,
  report: Report,
  comparison: Comparison | null,
  history: Report[],
  budgets: BudgetResult[],
  baseRef: string,
  baseSha: string | null,
): string {
  const model = buildCommentModel({
    key,
    reports: [{ head: report, comparison, history }],
    budgets,
    baseRef,
    baseSha,
    toolVersion: TOOL_VERSION,
    ...commentCarbonExtras([report]),
  });
  return renderSummary(model);
}
