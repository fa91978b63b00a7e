import { describe, expect, it } from 'vitest';
import { mondayOf, parseWeekStart, selectWeek } from './week-window.js';

describe('week selection', () => {
  it('reports the last complete ISO week by default and the running week for `current`', () => {
    const now = new Date('2025-10-15T09:30:00Z'); // a Wednesday
    const previous = selectWeek(now, 'previous');
    expect(previous.weekStart).toBe('2025-10-06');
    expect(previous.weekEnd).toBe('2025-10-12');
    expect(previous.start.toISOString()).toBe('2025-10-06T00:00:00.000Z');
    expect(previous.end.toISOString()).toBe('2025-10-13T00:00:00.000Z');
    expect(selectWeek(now, 'current').weekStart).toBe('2025-10-13');
  });

  it('treats Monday 00:00:00 UTC as the start of a new week: the week that just ended is complete', () => {
    const boundary = new Date('2025-10-13T00:00:00.000Z');
    expect(selectWeek(boundary, 'previous').weekStart).toBe('2025-10-06');
    expect(selectWeek(boundary, 'current').weekStart).toBe('2025-10-13');
    const lastInstant = new Date('2025-10-12T23:59:59.999Z');
    expect(selectWeek(lastInstant, 'previous').weekStart).toBe('2025-09-29');
    expect(selectWeek(lastInstant, 'current').weekStart).toBe('2025-10-06');
  });

  it('uses UTC, not the local zone, and handles a Sunday and the turn of a year', () => {
    expect(mondayOf(new Date('2025-10-12T23:00:00-05:00')).toISOString()).toBe('2025-10-13T00:00:00.000Z');
    expect(selectWeek(new Date('2026-01-01T12:00:00Z'), 'previous').weekStart).toBe('2025-12-22');
    expect(selectWeek(new Date('2026-01-01T12:00:00Z'), 'current').weekStart).toBe('2025-12-29');
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
