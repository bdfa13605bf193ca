/**
 * The types of the comment content model (built by render-model.ts, read by the renderers and the details
 * section): declared here so that builder and renderers share them without importing each other.
 */
import type { Report } from "../model/report.js";
import type { BudgetResult } from "./budgets.js";
import type { Comparison } from "./compare.js";

export interface JobInput {
  head: Report;
  comparison: Comparison | null;
  /** base runs, newest first */
  history: Report[];
}

export interface CommentModelInput {
  key: string;
  reports: JobInput[];
  budgets: BudgetResult[];
  baseRef: string;
  baseSha: string | null;
  toolVersion: string;
}

export interface TableRow {
  cells: string[];
  isTotal: boolean;
  /** lower = more important to keep when the table is cut */
  rank: number;
}

export interface TrendSection {
  title: string;
  mermaid: string;
  table: string;
}

export interface DetailSection {
  title: string;
  lines: string[];
}

export interface CommentModel {
  key: string;
  marker: string;
  headline: string;
  /** the base compared against, one line */
  baseLine: string;
  totals: string[];
  budgets: string[];
  columns: string[];
  rows: TableRow[];
  trends: TrendSection[];
  details: DetailSection[];
  noiseRule: string;
  footer: string;
}
