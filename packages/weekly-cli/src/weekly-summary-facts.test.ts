import { describe, expect, it } from 'vitest';
import { weeklySummaryFacts } from './weekly-summary-facts.js';

describe('obs-weekly on a terminal', () => {
  it('a delivery: the week, its runs and the answer, then what is due next', () => {
    expect(
      weeklySummaryFacts({
        week_start: '2026-11-16',
        runs_included: 7,
        delivered: true,
        webhook_status_code: 200,
        next_due_at: '2026-11-28T23:30:00.000Z',
        next_due_week_start: '2026-11-23',
        last_delivered_week_start: '2026-11-16',
      }),
    ).toEqual([
      'week of 2026-11-16: 7 runs included',
      'delivered (HTTP 200)',
      'next due: the week of 2026-11-23, at 2026-11-28T23:30:00.000Z',
      'last delivered: the week of 2026-11-16',
    ]);
  });

  it('nothing due still says when the next report goes out and which week went last', () => {
    expect(
      weeklySummaryFacts({
        week_start: null,
        delivered: false,
        reason: 'not_due',
        next_due_at: '2026-11-28T23:30:00.000Z',
        next_due_week_start: '2026-11-23',
        last_delivered_week_start: null,
      }),
    ).toEqual([
      'nothing due: the next report goes out at its send time',
      'next due: the week of 2026-11-23, at 2026-11-28T23:30:00.000Z',
    ]);
    expect(weeklySummaryFacts({ status: 'error' })).toEqual([]);
  });
});
