import { join } from 'node:path';
import {
  conditionItem,
  type EventCondition,
  genericPayload,
  type JobContext,
  type JobEvents,
  type LogAlert,
  writeFileAtomic,
} from '@obs-automation/core';
import type { RollupRow } from '@obs-automation/latency-store';
import type { LatencyOptions } from '../latency-options.js';
import type { AlertConfig } from './alert-config.js';
import { type AlertCondition, evaluateAlert } from './alert-evaluation.js';

export interface AlertStepResult {
  condition: AlertCondition;
  /** what the notification step is told: the latency events evaluated and the one raised */
  events: JobEvents;
  /** the payload file a dry run wrote */
  dryRunFile: string | null;
  /** the raised alert, for the run log */
  logAlerts: LogAlert[];
}

/** The error code in a latency alert's dedup key: one key per kind of alert, from raise to resolve. */
const ALERT_CODES = { latency_breach: 'slo_breach', latency_data_stale: 'no_recent_window' } as const;

/** The alert the data raises as an event of the notification step, with its SLO figures; null when none. */
export function latencyEventCondition(
  condition: AlertCondition,
  config: AlertConfig,
  evidencePath: string,
): EventCondition | null {
  if (!condition.id || condition.severity === 'none') return null;
  return {
    event: condition.id,
    severity: condition.severity,
    error_code: ALERT_CODES[condition.id],
    message: condition.message,
    evidence_path: evidencePath,
    ...(config.repeat_interval_minutes === undefined
      ? {}
      : { repeat_interval_ms: config.repeat_interval_minutes * 60_000 }),
    latency: {
      breach_range: condition.breachRange,
      p95_ms: condition.window?.p95Ms ?? null,
      threshold_ms: config.slo_p95_ms,
      failure_rate: condition.window?.failureRate ?? null,
      breach_streak: condition.streak,
    },
  };
}

/**
 * Decides the latency SLO alert of this run (20-latency.md step 6). Notifying — when, to whom,
 * again, resolved — is the harness's notification step; with --dry-run-alert this also writes
 * the alert payload as it stands to <alerts-dir>/<job_id>.json.
 */
export async function runAlertStep(
  rows: readonly RollupRow[],
  options: LatencyOptions,
  context: JobContext,
): Promise<AlertStepResult> {
  const config = options.alert;
  const condition = evaluateAlert(rows, context.now.getTime(), options.window, config);
  const evidencePath = context.relativePath(options.rollupOutput);
  const raised = latencyEventCondition(condition, config, evidencePath);
  const logAlerts: LogAlert[] = raised
    ? [
        {
          id: raised.event,
          severity: raised.severity as LogAlert['severity'],
          message: raised.message,
          breach_range: condition.breachRange,
          evidence_path: evidencePath,
        },
      ]
    : [];
  const events: JobEvents = {
    evaluated: ['latency_breach', 'latency_data_stale'],
    firing: raised ? [raised] : [],
  };
  if (!options.dryRunAlert) return { condition, events, dryRunFile: null, logAlerts };
  const file = join(context.resolvePath(options.alertsDir), `${context.jobId}.json`);
  const items = raised
    ? [conditionItem(raised, { job: 'latency', jobId: context.jobId }, context.now.toISOString())]
    : [];
  await writeFileAtomic(file, `${JSON.stringify(genericPayload(context.jobId, items), null, 2)}\n`);
  return { condition, events, dryRunFile: file, logAlerts };
}
