import { isoDate, MS_PER_DAY } from '@obs-automation/core';

/** A reporting week: [start, end) in UTC, Monday 00:00 to the next Monday 00:00. */
export interface WeekWindow {
  start: Date;
  end: Date;
  /** `YYYY-MM-DD` of the Monday */
  weekStart: string;
  /** `YYYY-MM-DD` of the Sunday, the week's last day */
  weekEnd: string;
}

export const WEEK_MS = 7 * MS_PER_DAY;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function weekWindow(start: Date): WeekWindow {
  const end = new Date(start.getTime() + WEEK_MS);
  return {
    start,
    end,
    weekStart: isoDate(start),
    weekEnd: isoDate(new Date(end.getTime() - MS_PER_DAY)),
  };
}

/** Monday 00:00 UTC of the ISO week containing `at`. */
export function mondayOf(at: Date): Date {
  const midnight = Math.floor(at.getTime() / MS_PER_DAY) * MS_PER_DAY;
  const daysSinceMonday = (new Date(midnight).getUTCDay() + 6) % 7;
  return new Date(midnight - daysSinceMonday * MS_PER_DAY);
}

/** Parses `YYYY-MM-DD` that must be a Monday; returns a message describing the problem otherwise. */
export function parseWeekStart(text: string): { ok: true; start: Date } | { ok: false; problem: string } {
  const start = DATE_PATTERN.test(text) ? new Date(`${text}T00:00:00Z`) : null;
  if (!start || Number.isNaN(start.getTime()) || isoDate(start) !== text)
    return { ok: false, problem: `"${text}" is not a date in the form YYYY-MM-DD` };
  if (start.getUTCDay() !== 1) {
    const weekday = start.toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' });
    return { ok: false, problem: `${text} is a ${weekday}, not a Monday` };
  }
  return { ok: true, start };
}

export function contains(week: WeekWindow, at: Date): boolean {
  const time = at.getTime();
  return time >= week.start.getTime() && time < week.end.getTime();
}
