import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REFERENCE_WORKSPACE } from '../../../tests/support/cli-process.js';
import { MAX_CURVE_POINTS } from './equity-curve.js';
import { readPortfolioSection, toBudgetStatus, worstBudgetStatus } from './portfolio-summary.js';
import { jobErrorOf } from './test-support/job-error-of.js';
import { portfolioSummary, writePortfolioSummary, writeText } from './test-support/weekly-fixtures.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'weekly-portfolio-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const summaryFile = () => ({
  path: join(root, 'reports/portfolio_summary.json'),
  relative: 'reports/portfolio_summary.json',
});

function category(name: string, budget_status: string) {
  return { category: name, utilisation_pct: 10, headroom_pct: 5, budget_status };
}

describe('budget status', () => {
  it('maps ok to normal and lets the worst category win', () => {
    expect(toBudgetStatus('ok')).toBe('normal');
    expect(worstBudgetStatus([])).toBe('normal');
    expect(worstBudgetStatus(['normal', 'warning', 'normal'])).toBe('warning');
    expect(worstBudgetStatus(['warning', 'breach', 'normal'])).toBe('breach');
  });

  it('reports the worst category of the summary, each category mapped', async () => {
    await writePortfolioSummary(
      root,
      portfolioSummary({
        category_utilisation: [
          category('day', 'ok'),
          category('swing', 'breach'),
          category('scalp', 'warning'),
        ],
      }),
    );
    const section = await readPortfolioSection(summaryFile());
    expect(section.budget_status).toBe('breach');
    expect(section.category_utilisation.map((entry) => entry.budget_status)).toEqual([
      'normal',
      'breach',
      'warning',
    ]);
  });
});

describe('portfolio section', () => {
  it('takes exposure, the aggregate and the worst strategy drawdown, and summarises the equity curve', async () => {
    await writePortfolioSummary(root);
    const section = await readPortfolioSection(summaryFile());
    expect(section).toMatchObject({
      budget_status: 'normal',
      gross_exposure_pct: 0.33,
      headroom_pct: 19.67,
      drawdown_pct: 0.314,
      max_drawdown_pct: 0.38,
      generated_at: '2025-10-10T09:24:42.863Z',
    });
    expect(section.equity_curve).toMatchObject({
      start: { ts: '2025-10-06T00:00:00.000Z', equity: 200000 },
      end: { ts: '2025-10-09T00:00:00.000Z', equity: 201340 },
      peak: { equity: 201340 },
      trough: { ts: '2025-10-08T00:00:00.000Z', equity: 199000 },
    });
    expect(section.equity_curve.points).toHaveLength(4);
  });

  it('thins a long curve to at most 200 points, keeping both ends', async () => {
    const curve = Array.from({ length: 1000 }, (_, day) => ({
      ts: new Date(Date.UTC(2024, 0, 1) + day * 86_400_000).toISOString(),
      equity: 100000 + day,
    }));
    await writePortfolioSummary(root, portfolioSummary({ aggregate_equity_curve: curve }));
    const { equity_curve } = await readPortfolioSection(summaryFile());
    expect(equity_curve.points).toHaveLength(MAX_CURVE_POINTS);
    expect(equity_curve.points[0]?.equity).toBe(100000);
    expect(equity_curve.points.at(-1)?.equity).toBe(100999);
  });

  it('names the key of a value of the wrong type', async () => {
    await writePortfolioSummary(
      root,
      portfolioSummary({ category_utilisation: [{ ...category('day', 'ok'), utilisation_pct: 'high' }] }),
    );
    const error = await jobErrorOf(readPortfolioSection(summaryFile()));
    expect(error.code).toBe('invalid_input');
    expect(error.details).toMatchObject({
      file: 'reports/portfolio_summary.json',
      key: 'category_utilisation.0.utilisation_pct',
    });
  });

  it('names the line of a JSON syntax error', async () => {
    await writeText(root, 'reports/portfolio_summary.json', '{\n  "category_utilisation": []\n  "x": 1\n}\n');
    const error = await jobErrorOf(readPortfolioSection(summaryFile()));
    expect(error.code).toBe('invalid_input');
    expect(error.details).toMatchObject({ line: 3 });
  });

  it('is missing_input when the file does not exist', async () => {
    const error = await jobErrorOf(readPortfolioSection(summaryFile()));
    expect(error.code).toBe('missing_input');
    expect(error.details.missing).toEqual(['reports/portfolio_summary.json']);
  });

  it.skipIf(!existsSync(join(REFERENCE_WORKSPACE, 'reports/portfolio_summary.json')))(
    "loads the earlier tooling's portfolio summary",
    async () => {
      const section = await readPortfolioSection({
        path: join(REFERENCE_WORKSPACE, 'reports/portfolio_summary.json'),
        relative: 'reports/portfolio_summary.json',
      });
      expect(section.budget_status).toBe('normal');
      expect(section.category_utilisation.map((entry) => entry.category)).toEqual(['day', 'scalping']);
      expect(section.drawdown_pct).toBeCloseTo(0.314, 3);
      expect(section.max_drawdown_pct).toBeCloseTo(0.379, 3);
      expect(section.equity_curve.start?.ts).toBe('2025-01-01T00:00:00.000Z');
    },
  );
});
