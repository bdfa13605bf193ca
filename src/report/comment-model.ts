/**
 * The content model behind the PR comment and the job summary, and its input. Types only, so the model
 * builder, the details and the renderers can all take them without importing each other.
 */
import type { BudgetResult } from "./budgets.js";
import type { Comparison } from "./compare.js";
import type { Report } from "../model/report.js";

export interface JobInput {
  head: Report;
  comparison: Comparison | null;
  /** base runs, newest first */
  history: Report[];
}

/** One lower-emitting place to run the same energy (from src/carbon's greener choices). */
export interface GreenerOption {
  id: string;
  name: string;
  /** operational emissions of the same energy there, g CO2e */
  emissionsG: number;
  gPerKWh: number;
  year: number | null;
}

/** Greener-region advice for the comment's head energy; the renderer keeps options saving ≥ 20 %. */
export interface Advice {
  /** operational emissions where the job ran, g CO2e (same basis as the options) */
  currentG: number;
  region: { id: string; name: string };
  options: GreenerOption[];
  /** where the options' figures come from, one line */
  source?: string;
  /**
   * The GitHub-hosted default (its region is not published): the saving of the best option as a range over the
   * hosted runner's assumed intensity range, percent, and what would have to change to get it.
   */
  hosted?: { lowPercent: number; highPercent: number; how: string };
}

export interface CommentModelInput {
  key: string;
  reports: JobInput[];
  budgets: BudgetResult[];
  baseRef: string;
  baseSha: string | null;
  toolVersion: string;
  /** the matrix total's comparison (`totalComparison` in aggregate.ts); computed there when absent */
  total?: Comparison;
  advice?: Advice | null;
  /** addresses we vouch for (our dataset's sources): shown as links; any other address as code */
  trustedUrls?: Iterable<string>;
  /** short notes of our own (never report strings), shown above the fold */
  warnings?: string[];
}

export interface Column {
  title: string;
  align: "left" | "right";
}

export interface TableRow {
  cells: string[];
  isTotal: boolean;
  /** lower = more important to keep when the table is cut */
  rank: number;
}

export interface TrendSection {
  title: string;
  /** the Mermaid block; null with too few points for a chart */
  chart: string | null;
  table: string;
}

export interface DetailSection {
  title: string;
  lines: string[];
}

export interface AdviceSection {
  /** the one collapsed line */
  summary: string;
  lines: string[];
}

export interface CommentModel {
  key: string;
  marker: string;
  /** verdict, head energy and emissions, change vs base with its band, budget state */
  headline: string;
  /** budget lines (over budgets one each, the rest on one line) */
  budgets: string[];
  warnings: string[];
  columns: Column[];
  rows: TableRow[];
  /** one line: region, intensity, base runs used */
  context: string;
  trends: TrendSection[];
  advice: AdviceSection | null;
  /** scheduled jobs with a live forecast: when in the next day the job would emit least */
  timeShift?: AdviceSection | null;
  details: DetailSection[];
  noiseRule: string;
  footer: string;
}
