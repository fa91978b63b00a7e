import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '@obs-automation/core';
import { mondayOf, WEEK_MS, type WeekWindow, weekWindow } from './week-window.js';

export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** `send_at` in weekly_payload.yaml: when, in UTC, each week's report is due. */
export interface SendAt {
  weekday: Weekday;
  /** `HH:MM`, 24-hour */
  time: string;
}

/** The design's: Saturday 23:30 UTC, after the FX market closed on Friday evening. */
export const DEFAULT_SEND_AT: SendAt = { weekday: 'saturday', time: '23:30' };

/** `HH:MM`, 24-hour. */
export const TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * When each week's report is due. `send_at`: at the send time inside the week, which is the
 * week reported from then on. `week_end` (`week: previous`): at the Monday 00:00 that ends the
 * week, the last complete ISO week.
 */
export interface WeeklySchedule {
  mode: 'send_at' | 'week_end';
  /** from the week's Monday 00:00 to its send time */
  offsetMs: number;
  /** for messages: `saturday 23:30 UTC` */
  label: string;
}

export function sendAtSchedule(sendAt: SendAt): WeeklySchedule {
  const [, hours, minutes] = TIME_PATTERN.exec(sendAt.time) as RegExpExecArray;
  return {
    mode: 'send_at',
    offsetMs:
      WEEKDAYS.indexOf(sendAt.weekday) * MS_PER_DAY +
      Number(hours) * MS_PER_HOUR +
      Number(minutes) * MS_PER_MINUTE,
    label: `${sendAt.weekday} ${sendAt.time} UTC`,
  };
}

export const WEEK_END_SCHEDULE: WeeklySchedule = {
  mode: 'week_end',
  offsetMs: WEEK_MS,
  label: 'monday 00:00 UTC after the week',
};

/** The moment a week's report is due. */
export function sendTimeOf(schedule: WeeklySchedule, week: WeekWindow): Date {
  return new Date(week.start.getTime() + schedule.offsetMs);
}

/** The week whose send time most recently passed (a send time equal to `now` has passed). */
export function latestDueWeek(schedule: WeeklySchedule, now: Date): WeekWindow {
  return weekWindow(mondayOf(new Date(now.getTime() - schedule.offsetMs)));
}

/** The week `weeks` weeks after (or, negative, before) `week`. */
export function shiftWeek(week: WeekWindow, weeks: number): WeekWindow {
  return weekWindow(new Date(week.start.getTime() + weeks * WEEK_MS));
}
