import { describe, expect, it } from 'vitest';
import type { EventCondition, EventName } from './notification-events.js';
import { emptyState, type NotificationState } from './notification-state.js';
import { transitionAlerts } from './notification-transitions.js';

const T0 = Date.parse('2026-03-02T00:00:00Z');
const HOUR = 3_600_000;

const failed = (
  code = 'missing_input',
  severity: EventCondition['severity'] = 'critical',
): EventCondition => ({
  event: 'job_failed',
  severity,
  error_code: code,
  message: `obs-weekly failed: ${code}`,
  evidence_path: 'ops/automation_runs.log',
});

function step(
  state: NotificationState,
  hours: number,
  firing: EventCondition[],
  evaluated: EventName[] = ['job_failed'],
) {
  const now = new Date(T0 + hours * HOUR);
  return transitionAlerts(state, {
    job: 'weekly',
    jobId: `run-${hours}`,
    now,
    repeatIntervalMs: 4 * HOUR,
    evaluated: new Set(evaluated),
    firing,
  });
}

/** What a receiver that accepts everything leaves: queues emptied, last_notified_at moved. */
function delivered(state: NotificationState, hours: number): NotificationState {
  const at = new Date(T0 + hours * HOUR).toISOString();
  return {
    ...state,
    alerts: state.alerts
      .map((alert) => ({
        ...alert,
        queue: [],
        last_notified_at: alert.queue.length > 0 ? at : alert.last_notified_at,
      }))
      .filter((alert) => alert.status === 'firing'),
  };
}

const queued = (result: ReturnType<typeof step>) =>
  result.queued.map((entry) => `${entry.item.dedup_key}:${entry.item.status}:${entry.item.severity}`);

describe('transitionAlerts', () => {
  it('fires once, repeats every interval after a receiver accepted it, and resolves once', () => {
    let result = step(emptyState('weekly'), 0, [failed()]);
    expect(queued(result)).toEqual(['weekly:job_failed:missing_input:firing:critical']);
    expect(result.queued[0]).toMatchObject({
      message_id: 'run-0:weekly:job_failed:missing_input:firing',
      item: {
        job: 'weekly',
        job_id: 'run-0',
        runbook: 'docs/runbook.md#event-job-failed',
        since: '2026-03-02T00:00:00.000Z',
      },
    });
    let state = delivered(result.state, 0);
    for (const hours of [1, 2, 3]) {
      result = step(state, hours, [failed()]);
      expect(queued(result)).toEqual([]);
      state = delivered(result.state, hours);
    }
    result = step(state, 4, [failed()]);
    expect(queued(result)).toEqual(['weekly:job_failed:missing_input:firing:critical']);
    expect(result.queued[0]?.item.since).toBe('2026-03-02T00:00:00.000Z');
    state = delivered(result.state, 4);
    result = step(state, 5, []);
    expect(queued(result)).toEqual(['weekly:job_failed:missing_input:resolved:critical']);
    expect(result.queued[0]?.item.message).toBe('resolved: obs-weekly failed: missing_input');
    result = step(delivered(result.state, 5), 6, []);
    expect(queued(result)).toEqual([]);
    expect(result.state.alerts).toEqual([]);
  });

  it('changes nothing when run again on the same conditions and clock', () => {
    const first = step(emptyState('weekly'), 0, [failed()]);
    const again = step(first.state, 0, [failed()]);
    expect(queued(again)).toEqual([]);
    expect(again.state).toEqual(first.state);
  });

  it('repeats nothing while a notification still waits for a receiver', () => {
    const first = step(emptyState('weekly'), 0, [failed()]);
    const later = step(first.state, 9, [failed()]);
    expect(queued(later)).toEqual([]);
    expect(later.state.alerts[0]?.queue).toHaveLength(1);
  });

  it('notifies a rise in severity at once, replacing the firing nobody has accepted', () => {
    const warning = step(emptyState('weekly'), 0, [failed('slo', 'warning')]);
    const critical = step(warning.state, 1, [failed('slo', 'critical')]);
    expect(queued(critical)).toEqual(['weekly:job_failed:slo:firing:critical']);
    expect(critical.state.alerts[0]?.queue.map((entry) => entry.item.severity)).toEqual(['critical']);
    const lower = step(delivered(critical.state, 1), 2, [failed('slo', 'warning')]);
    expect(queued(lower)).toEqual([]);
    // the resolved goes where the highest severity went
    expect(queued(step(lower.state, 3, []))).toEqual(['weekly:job_failed:slo:resolved:critical']);
  });

  it('treats another error code as another alert, and resolves the one no longer seen', () => {
    const first = step(emptyState('weekly'), 0, [failed('missing_input')]);
    const second = step(delivered(first.state, 0), 1, [failed('auth_failed')]);
    expect(queued(second)).toEqual([
      'weekly:job_failed:missing_input:resolved:critical',
      'weekly:job_failed:auth_failed:firing:critical',
    ]);
  });

  it('resolves only what the run evaluated', () => {
    const first = step(emptyState('weekly'), 0, [failed()]);
    const unrelated = step(delivered(first.state, 0), 1, [], ['latency_breach']);
    expect(queued(unrelated)).toEqual([]);
    expect(unrelated.state.alerts[0]?.status).toBe('firing');
  });

  it('keeps a resolved queued behind an undelivered firing, and a flapping alert at most one of each', () => {
    let state = step(emptyState('weekly'), 0, [failed()]).state;
    for (const hours of [1, 2, 3, 4]) state = step(state, hours, hours % 2 === 1 ? [] : [failed()]).state;
    expect(state.alerts[0]?.queue.map((entry) => entry.item.status)).toEqual(['resolved', 'firing']);
  });

  it('sends no resolved for an alert nobody was told about and nothing waits for', () => {
    const first = step(emptyState('weekly'), 0, [failed()]);
    const dropped = { ...first.state, alerts: first.state.alerts.map((alert) => ({ ...alert, queue: [] })) };
    const cleared = step(dropped, 1, []);
    expect(queued(cleared)).toEqual([]);
    expect(cleared.state.alerts).toEqual([]);
  });
});
