import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SEND_AT,
  latestDueWeek,
  sendAtSchedule,
  sendTimeOf,
  WEEK_END_SCHEDULE,
} from './send-schedule.js';
import { weekWindow } from './week-window.js';
import { sendAtSchema } from './weekly-config.js';

const DESIGN = sendAtSchedule(DEFAULT_SEND_AT);
const weekAt = (now: string) => latestDueWeek(DESIGN, new Date(now)).weekStart;

describe('the send-time schedule', () => {
  it("is the design's by default: the week of 2026-06-22 is sent at 2026-06-27T23:30:00Z", () => {
    expect(sendTimeOf(DESIGN, weekWindow(new Date('2026-06-22T00:00:00Z'))).toISOString()).toBe(
      '2026-06-27T23:30:00.000Z',
    );
    expect(DESIGN.label).toBe('saturday 23:30 UTC');
  });

  it('reports the week whose send time most recently passed, the send time itself included', () => {
    expect(weekAt('2026-06-27T23:29:59.999Z')).toBe('2026-06-15');
    expect(weekAt('2026-06-27T23:30:00Z')).toBe('2026-06-22');
    expect(weekAt('2026-06-28T23:59:59Z')).toBe('2026-06-22');
    expect(weekAt('2026-06-29T00:00:00Z')).toBe('2026-06-22');
    expect(weekAt('2026-07-04T23:29:00Z')).toBe('2026-06-22');
    expect(weekAt('2026-07-04T23:30:00Z')).toBe('2026-06-29');
  });

  it('crosses the turn of a year: the week of 2026-12-28 is sent on 2027-01-02', () => {
    expect(weekAt('2027-01-02T23:29:00Z')).toBe('2026-12-21');
    expect(weekAt('2027-01-02T23:30:00Z')).toBe('2026-12-28');
    expect(latestDueWeek(DESIGN, new Date('2027-01-05T00:00:00Z')).weekEnd).toBe('2027-01-03');
  });

  it('places other send times inside the week (Monday 00:00 is the week that begins)', () => {
    const monday = sendAtSchedule({ weekday: 'monday', time: '00:00' });
    expect(latestDueWeek(monday, new Date('2026-06-22T00:00:00Z')).weekStart).toBe('2026-06-22');
    const sunday = sendAtSchedule({ weekday: 'sunday', time: '23:59' });
    expect(sendTimeOf(sunday, weekWindow(new Date('2026-06-22T00:00:00Z'))).toISOString()).toBe(
      '2026-06-28T23:59:00.000Z',
    );
  });

  it('week: previous is the last complete ISO week, due at the Monday 00:00 that ends it', () => {
    expect(latestDueWeek(WEEK_END_SCHEDULE, new Date('2025-10-15T09:30:00Z')).weekStart).toBe('2025-10-06');
    expect(latestDueWeek(WEEK_END_SCHEDULE, new Date('2025-10-13T00:00:00Z')).weekStart).toBe('2025-10-06');
    expect(latestDueWeek(WEEK_END_SCHEDULE, new Date('2025-10-12T23:59:59Z')).weekStart).toBe('2025-09-29');
    expect(sendTimeOf(WEEK_END_SCHEDULE, weekWindow(new Date('2025-10-06T00:00:00Z'))).toISOString()).toBe(
      '2025-10-13T00:00:00.000Z',
    );
  });

  it('validates send_at strictly: a weekday name in any case and an HH:MM time, nothing else', () => {
    expect(sendAtSchema.parse({ weekday: 'Friday', time: '21:05' })).toEqual({
      weekday: 'friday',
      time: '21:05',
    });
    for (const bad of [
      { weekday: 'sat', time: '23:30' },
      { weekday: 'saturday', time: '24:00' },
      { weekday: 'saturday', time: '9:30' },
      { weekday: 'saturday', time: 2330 },
      { weekday: 'saturday' },
      { weekday: 'saturday', time: '23:30', zone: 'UTC' },
    ]) {
      expect(sendAtSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
