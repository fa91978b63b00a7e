import { type InputFile, invalidInput, missingInput, parseTimestamp, quoted } from '@obs-automation/core';
import * as z from '@obs-automation/core/zod';
import { type EquityCurveSummary, type EquityPoint, summariseEquityCurve } from './equity-curve.js';
import { parseShape, readJsonInput } from './json-input.js';

export type BudgetStatus = 'normal' | 'warning' | 'breach';

export interface CategoryUtilisation {
  category: string;
  utilisation_pct: number;
  headroom_pct: number | null;
  budget_status: BudgetStatus;
}

export interface PortfolioSection {
  /** the worst category's status */
  budget_status: BudgetStatus;
  category_utilisation: CategoryUtilisation[];
  gross_exposure_pct: number | null;
  headroom_pct: number | null;
  /** the aggregate portfolio's maximum drawdown */
  drawdown_pct: number | null;
  /** the worst single strategy's maximum drawdown */
  max_drawdown_pct: number | null;
  equity_curve: EquityCurveSummary;
  generated_at: string | null;
}

const optionalNumber = z.number().nullable().optional();

/** The parts of `reports/portfolio_summary.json` the report uses; other keys are ignored. */
const summaryShape = z.looseObject({
  generated_at: z.string().nullable().optional(),
  category_utilisation: z.array(
    z.looseObject({
      category: z.string().min(1),
      utilisation_pct: z.number(),
      headroom_pct: optionalNumber,
      budget_status: z.enum(['ok', 'normal', 'warning', 'breach']),
    }),
  ),
  gross_exposure: z.looseObject({ current_pct: optionalNumber, headroom_pct: optionalNumber }).optional(),
  drawdowns: z
    .looseObject({
      aggregate: z.looseObject({ max_drawdown_pct: optionalNumber }).nullable().optional(),
      per_strategy: z.record(z.string(), z.looseObject({ max_drawdown_pct: optionalNumber })).optional(),
    })
    .optional(),
  aggregate_equity_curve: z.array(z.looseObject({ ts: z.string(), equity: z.number() })).optional(),
});

const SEVERITY: Record<BudgetStatus, number> = { normal: 0, warning: 1, breach: 2 };

/** The earlier tooling writes `ok` for a category within budget; the report says `normal`. */
export function toBudgetStatus(status: 'ok' | BudgetStatus): BudgetStatus {
  return status === 'ok' ? 'normal' : status;
}

export function worstBudgetStatus(statuses: readonly BudgetStatus[]): BudgetStatus {
  return statuses.reduce<BudgetStatus>(
    (worst, status) => (SEVERITY[status] > SEVERITY[worst] ? status : worst),
    'normal',
  );
}

export async function readPortfolioSection(file: InputFile): Promise<PortfolioSection> {
  const document = await readJsonInput(file);
  if (document === null) throw missingInput([file.relative]);
  const summary = parseShape(summaryShape, document, file);
  const categories = summary.category_utilisation.map((entry) => ({
    category: entry.category,
    utilisation_pct: entry.utilisation_pct,
    headroom_pct: entry.headroom_pct ?? null,
    budget_status: toBudgetStatus(entry.budget_status),
  }));
  const strategyDrawdowns = Object.values(summary.drawdowns?.per_strategy ?? {})
    .map((strategy) => strategy.max_drawdown_pct)
    .filter((value): value is number => typeof value === 'number');
  return {
    budget_status: worstBudgetStatus(categories.map((entry) => entry.budget_status)),
    category_utilisation: categories,
    gross_exposure_pct: summary.gross_exposure?.current_pct ?? null,
    headroom_pct: summary.gross_exposure?.headroom_pct ?? null,
    drawdown_pct: summary.drawdowns?.aggregate?.max_drawdown_pct ?? null,
    max_drawdown_pct: strategyDrawdowns.length > 0 ? Math.max(...strategyDrawdowns) : null,
    equity_curve: summariseEquityCurve(equityPoints(summary.aggregate_equity_curve ?? [], file)),
    generated_at: summary.generated_at ? isoTimestamp(summary.generated_at, 'generated_at', file) : null,
  };
}

function equityPoints(curve: readonly { ts: string; equity: number }[], file: InputFile): EquityPoint[] {
  return curve.map((point, index) => ({
    ts: isoTimestamp(point.ts, `aggregate_equity_curve.${index}.ts`, file),
    equity: point.equity,
  }));
}

function isoTimestamp(text: string, key: string, file: InputFile): string {
  const parsed = parseTimestamp(text);
  if (!parsed)
    throw invalidInput({ file: file.relative, key }, `${quoted(text)} is not an ISO-8601 timestamp`);
  return parsed.toISOString();
}
