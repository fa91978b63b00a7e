import type { PortfolioSection } from './portfolio-summary.js';
import type { LatencySection } from './weekly-latency.js';

export type AlertSeverity = 'info' | 'warning' | 'critical';
export type AlertId = 'latency_breach' | 'latency_alerts_pending' | 'portfolio_budget' | 'no_runs';

/** A type alias rather than an interface, so that it is assignable to the run log's alert type. */
export type PayloadAlert = {
  id: AlertId;
  severity: AlertSeverity;
  message: string;
  evidence_path: string;
  /** the webhook channels the report is delivered to */
  notified_channels: string[];
};

export interface AlertInputs {
  weekStart: string;
  runsIncluded: number;
  latency: LatencySection;
  /** the longest breach streak any window of the week reached */
  longestBreachStreak: number;
  /** the latency job's critical breach streak */
  criticalStreak: number;
  portfolio: PortfolioSection;
  evidence: { runsIndex: string; latencyRollup: string; latencyHeartbeat: string; portfolioSummary: string };
  channels: readonly string[];
}

export function weeklyAlerts(inputs: AlertInputs): PayloadAlert[] {
  const { latency, portfolio, evidence } = inputs;
  const alerts: Omit<PayloadAlert, 'notified_channels'>[] = [];
  if (latency.breach_count > 0) {
    const longest = inputs.longestBreachStreak;
    const worst = latency.breaches[0];
    alerts.push({
      id: 'latency_breach',
      severity: longest >= inputs.criticalStreak ? 'critical' : 'warning',
      message:
        `${latency.breach_count} latency window${latency.breach_count === 1 ? '' : 's'} breached the SLO ` +
        `in the week of ${inputs.weekStart}; worst p95 ${worst?.p95_ms ?? 'n/a'} ms at ${worst?.hour_utc}, ` +
        `longest streak ${longest}`,
      evidence_path: evidence.latencyRollup,
    });
  }
  if ((latency.pending_alerts ?? 0) > 0) {
    alerts.push({
      id: 'latency_alerts_pending',
      severity: 'warning',
      message: `${latency.pending_alerts} latency alert notification(s) are still pending delivery`,
      evidence_path: evidence.latencyHeartbeat,
    });
  }
  if (portfolio.budget_status !== 'normal') {
    const over = portfolio.category_utilisation
      .filter((category) => category.budget_status !== 'normal')
      .map((category) => `${category.category} ${category.budget_status} (${category.utilisation_pct}%)`);
    alerts.push({
      id: 'portfolio_budget',
      severity: portfolio.budget_status === 'breach' ? 'critical' : 'warning',
      message: `portfolio budget ${portfolio.budget_status}: ${over.join(', ')}`,
      evidence_path: evidence.portfolioSummary,
    });
  }
  if (inputs.runsIncluded === 0) {
    alerts.push({
      id: 'no_runs',
      severity: 'info',
      message: `no runs in the week of ${inputs.weekStart}`,
      evidence_path: evidence.runsIndex,
    });
  }
  return alerts.map((alert) => ({ ...alert, notified_channels: [...inputs.channels] }));
}
