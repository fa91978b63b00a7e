import { describe, expect, it } from 'vitest';
import { weeklyHealth } from './domain-health.js';

const NOW = new Date('2026-11-30T12:00:00Z');
const DUE = {
  next_due_at: '2026-11-30T09:00:00Z',
  next_due_week_start: '2026-11-23',
  last_delivered_week_start: null,
};

function overdue(data: Record<string, unknown>): boolean | undefined {
  return weeklyHealth({ kind: 'ok', data }, NOW, 1800)?.overdue;
}

describe('weeklyHealth', () => {
  it('owes nothing while the deployment has only rehearsed', () => {
    expect(overdue({ ...DUE, status: 'dry_run', last_success_at: null, last_failure: null })).toBe(false);
  });

  it('is overdue after a real failure, also when a dry run came after it', () => {
    const failure = { job_id: 'x', error_code: 'missing_secret', at: '2026-11-30T09:00:00Z' };
    expect(overdue({ ...DUE, status: 'error', last_failure: failure })).toBe(true);
    expect(overdue({ ...DUE, status: 'dry_run', last_success_at: null, last_failure: failure })).toBe(true);
  });

  it('is overdue when a dry run follows a real success that did not deliver the week', () => {
    expect(overdue({ ...DUE, status: 'dry_run', last_success_at: '2026-11-29T09:00:00Z' })).toBe(true);
  });

  it('is on time within the late allowance and has nothing to say without a heartbeat', () => {
    expect(overdue({ ...DUE, status: 'error', next_due_at: '2026-11-30T11:45:00Z', last_failure: {} })).toBe(
      false,
    );
    expect(weeklyHealth({ kind: 'missing' }, NOW, 1800)).toBeNull();
  });
});
