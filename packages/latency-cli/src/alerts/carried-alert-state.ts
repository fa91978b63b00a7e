import type { CarriedAlert } from '@obs-automation/core';
import * as z from '@obs-automation/core/zod';
import type { AlertConfig } from './alert-config.js';
import { latencyEventCondition } from './latency-alerts.js';

/**
 * The alert state obs-latency kept in its heartbeat before notifications had a state of their
 * own (no `firing` list; `pending` per webhook). Read once, on the first run after the upgrade.
 */
const heartbeatAlertState = z.looseObject({
  severity: z.enum(['warning', 'critical']),
  alert_id: z.enum(['latency_breach', 'latency_data_stale']),
  since: z.string(),
  last_notified_at: z.string(),
  pending: z
    .array(z.looseObject({ alert: z.looseObject({ id: z.string(), status: z.string() }) }))
    .default([]),
});

/**
 * A latency alert the earlier release raised and delivered: carried into the notification state
 * so the upgrade does not page it again as new. One still waiting for a webhook is not carried:
 * it is notified afresh.
 */
export function carriedLatencyAlerts(
  options: { alert: AlertConfig; rollupOutput: string },
  heartbeat: Record<string, unknown>,
): CarriedAlert[] {
  const parsed = heartbeatAlertState.safeParse(heartbeat.alert_state);
  // the harness's own alert_state lists `firing`: nothing to carry once it has written one
  if (!parsed.success || 'firing' in parsed.data) return [];
  const state = parsed.data;
  if (state.pending.some((entry) => entry.alert.id === state.alert_id && entry.alert.status === 'firing'))
    return [];
  const condition = latencyEventCondition(
    {
      id: state.alert_id,
      severity: state.severity,
      window: null,
      streak: 0,
      breachRange: null,
      message: `${state.alert_id} raised since ${state.since}`,
    },
    options.alert,
    options.rollupOutput,
  );
  return condition ? [{ condition, since: state.since, last_notified_at: state.last_notified_at }] : [];
}
