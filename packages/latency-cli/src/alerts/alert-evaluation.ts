import { isoSeconds } from '@obs-automation/core';
import type { RollupRow } from '@obs-automation/latency-store';
import type { AlertConfig, Severity } from './alert-config.js';

export type AlertId = 'latency_breach' | 'latency_data_stale';

/** What the latest data says, before comparing with what was already notified. */
export interface AlertCondition {
  /** null when nothing is raised */
  id: AlertId | null;
  severity: Severity | 'none';
  /** the window the decision was taken on; null when the data is stale */
  window: RollupRow | null;
  streak: number;
  breachRange: { start: string; end: string } | null;
  message: string;
}

function severityForStreak(streak: number, config: AlertConfig): Severity | 'none' {
  if (streak >= config.critical_threshold) return 'critical';
  if (streak >= config.warning_threshold) return 'warning';
  return 'none';
}

function iso(ms: number): string {
  return isoSeconds(new Date(ms));
}

function percent(rate: number): string {
  return `${Number((rate * 100).toFixed(4))}%`;
}

/**
 * Evaluates the latest window that has ended, no earlier than two windows before now (the open
 * window is still filling up). Without one the data is stale: a warning `latency_data_stale`.
 * Otherwise the window's breach streak gives the severity.
 */
export function evaluateAlert(
  rows: readonly RollupRow[],
  nowMs: number,
  window: { ms: number; text: string },
  config: AlertConfig,
): AlertCondition {
  const oldestEnd = nowMs - 2 * window.ms;
  let index = -1;
  let latestEnded: RollupRow | undefined;
  for (let position = rows.length - 1; position >= 0; position -= 1) {
    const row = rows[position] as RollupRow;
    if (row.endMs > nowMs) continue;
    latestEnded ??= row;
    if (row.endMs >= oldestEnd) index = position;
    break;
  }
  if (index < 0) {
    const since = latestEnded
      ? `the last window ended ${iso(latestEnded.endMs)}`
      : 'there is no rollup data at all';
    return {
      id: 'latency_data_stale',
      severity: 'warning',
      window: null,
      streak: 0,
      breachRange: { start: iso(latestEnded?.endMs ?? oldestEnd), end: iso(nowMs) },
      message: `no latency window ended between ${iso(oldestEnd)} and ${iso(nowMs)}; ${since}`,
    };
  }
  const row = rows[index] as RollupRow;
  const streak = row.breachStreak;
  const severity = severityForStreak(streak, config);
  const first = rows[Math.max(0, index - Math.max(streak, 1) + 1)] as RollupRow;
  const figures = `p95 ${row.p95Ms} ms (SLO ${config.slo_p95_ms} ms), failure rate ${percent(row.failureRate)} (threshold ${percent(config.failure_rate_threshold)})`;
  if (severity === 'none') {
    return {
      id: null,
      severity,
      window: row,
      streak,
      breachRange: null,
      message: `window ending ${iso(row.endMs)}: ${figures}`,
    };
  }
  return {
    id: 'latency_breach',
    severity,
    window: row,
    streak,
    breachRange: { start: iso(first.startMs), end: iso(row.endMs) },
    message: `signal latency SLO breached for ${streak} consecutive ${window.text} windows (${iso(first.startMs)} – ${iso(row.endMs)}): ${figures}`,
  };
}
