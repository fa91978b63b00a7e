import { describe, expect, it } from 'vitest';
import type { EquityCurveSummary } from './equity-curve.js';
import type { PortfolioSection } from './portfolio-summary.js';
import { type AlertInputs, weeklyAlerts } from './weekly-alerts.js';
import type { LatencySection } from './weekly-latency.js';

const EMPTY_CURVE: EquityCurveSummary = { start: null, end: null, peak: null, trough: null, points: [] };

const quietLatency: LatencySection = {
  p50_ms: 100,
  p95_ms: 200,
  p99_ms: 250,
  max_ms: 300,
  samples: 10,
  method: 'exact',
  breach_count: 0,
  breaches: [],
  pending_alerts: 0,
};

const normalPortfolio: PortfolioSection = {
  budget_status: 'normal',
  category_utilisation: [{ category: 'day', utilisation_pct: 10, headroom_pct: 30, budget_status: 'normal' }],
  gross_exposure_pct: 1,
  headroom_pct: 19,
  drawdown_pct: 0.1,
  max_drawdown_pct: 0.2,
  equity_curve: EMPTY_CURVE,
  generated_at: null,
};

function inputs(overrides: Partial<AlertInputs> = {}): AlertInputs {
  return {
    weekStart: '2025-10-06',
    runsIncluded: 3,
    latency: quietLatency,
    longestBreachStreak: 0,
    criticalStreak: 3,
    portfolio: normalPortfolio,
    evidence: {
      runsIndex: 'runs/index.csv',
      latencyRollup: 'ops/signal_latency_rollup.csv',
      latencyHeartbeat: 'ops/latency_job_heartbeat.json',
      portfolioSummary: 'reports/portfolio_summary.json',
    },
    channels: ['ops-slack', 'pager'],
    ...overrides,
  };
}

describe('weekly alerts', () => {
  it('raises nothing for a quiet week with runs', () => {
    expect(weeklyAlerts(inputs())).toEqual([]);
  });

  it('warns about a portfolio budget warning and is critical for a breach, naming the categories', () => {
    const warning = weeklyAlerts(
      inputs({
        portfolio: {
          ...normalPortfolio,
          budget_status: 'warning',
          category_utilisation: [
            { category: 'day', utilisation_pct: 10, headroom_pct: 30, budget_status: 'normal' },
            { category: 'swing', utilisation_pct: 38, headroom_pct: 2, budget_status: 'warning' },
          ],
        },
      }),
    );
    expect(warning).toEqual([
      {
        id: 'portfolio_budget',
        severity: 'warning',
        message: 'portfolio budget warning: swing warning (38%)',
        evidence_path: 'reports/portfolio_summary.json',
        notified_channels: ['ops-slack', 'pager'],
      },
    ]);
    const breach = weeklyAlerts(inputs({ portfolio: { ...normalPortfolio, budget_status: 'breach' } }));
    expect(breach[0]).toMatchObject({ id: 'portfolio_budget', severity: 'critical' });
  });

  it('warns when latency alert notifications are still pending', () => {
    const alerts = weeklyAlerts(inputs({ latency: { ...quietLatency, pending_alerts: 2 } }));
    expect(alerts).toEqual([
      expect.objectContaining({
        id: 'latency_alerts_pending',
        severity: 'warning',
        evidence_path: 'ops/latency_job_heartbeat.json',
      }),
    ]);
  });

  it('orders the alerts latency, pending, portfolio, runs', () => {
    const alerts = weeklyAlerts(
      inputs({
        runsIncluded: 0,
        latency: {
          ...quietLatency,
          pending_alerts: 1,
          breach_count: 1,
          breaches: [
            { hour_utc: '2025-10-07T10:00:00Z', p95_ms: 9000, failure_rate: 0, count: 4, breach_streak: 3 },
          ],
        },
        longestBreachStreak: 3,
        portfolio: { ...normalPortfolio, budget_status: 'breach' },
      }),
    );
    expect(alerts.map((alert) => [alert.id, alert.severity])).toEqual([
      ['latency_breach', 'critical'],
      ['latency_alerts_pending', 'warning'],
      ['portfolio_budget', 'critical'],
      ['no_runs', 'info'],
    ]);
  });
});
