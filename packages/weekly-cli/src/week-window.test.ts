import { describe, expect, it } from 'vitest';
import { mondayOf, parseWeekStart, weekWindow } from './week-window.js';

describe('week windows', () => {
  it('spans Monday 00:00 to the next Monday 00:00 UTC, its last day the Sunday', () => {
    const week = weekWindow(new Date('2025-10-06T00:00:00Z'));
    expect(week).toMatchObject({ weekStart: '2025-10-06', weekEnd: '2025-10-12' });
    expect(week.end.toISOString()).toBe('2025-10-13T00:00:00.000Z');
  });

  it('finds the Monday in UTC, not the local zone, across a Sunday and the turn of a year', () => {
    expect(mondayOf(new Date('2025-10-12T23:00:00-05:00')).toISOString()).toBe('2025-10-13T00:00:00.000Z');
    expect(mondayOf(new Date('2025-10-12T23:59:59.999Z')).toISOString()).toBe('2025-10-06T00:00:00.000Z');
    expect(mondayOf(new Date('2027-01-03T12:00:00Z')).toISOString()).toBe('2026-12-28T00:00:00.000Z');
  });

  it('accepts only a real Monday as --week-start', () => {
    expect(parseWeekStart('2025-10-06')).toEqual({ ok: true, start: new Date('2025-10-06T00:00:00Z') });
    expect(parseWeekStart('2025-10-07')).toEqual({
      ok: false,
      problem: '2025-10-07 is a Tuesday, not a Monday',
    });
    expect(parseWeekStart('2025-02-30')).toMatchObject({ ok: false });
    expect(parseWeekStart('06/10/2025')).toMatchObject({ ok: false });
  });
});
