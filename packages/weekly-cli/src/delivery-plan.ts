import type { DeliveryLedger } from './delivery-ledger.js';
import { latestDueWeek, sendTimeOf, shiftWeek, type WeeklySchedule } from './send-schedule.js';
import { WEEK_MS, type WeekWindow } from './week-window.js';

export interface ScheduleInput {
  now: Date;
  schedule: WeeklySchedule;
  /** how many weeks before the latest due one an undelivered week is still sent (send-time schedule) */
  catchUpWeeks: number;
  ledger: DeliveryLedger;
}

export interface NextDue {
  week: WeekWindow;
  /** its send time: in the past while an undelivered week is due */
  at: Date;
}

/** A bound on the search for the next undelivered week (only weeks sent early by hand are skipped). */
const MAX_WEEKS_AHEAD = 60;

/**
 * The weeks due and not delivered, oldest first: those after the last delivered week, back to
 * at most `catchUpWeeks` before the latest due week. With nothing ever delivered, only the latest
 * due week: a new deployment sends the report of the week whose send time last passed, then
 * keeps to the schedule, and sends nothing for the weeks before it. The week-end schedule
 * (`week: previous`) never catches up.
 */
export async function undeliveredDueWeeks(input: ScheduleInput): Promise<WeekWindow[]> {
  const latest = latestDueWeek(input.schedule, input.now);
  const last = await input.ledger.lastDeliveredWeek();
  const horizon = input.schedule.mode === 'send_at' ? input.catchUpWeeks : 0;
  const sinceLast =
    last === null ? 0 : Math.round((Date.parse(`${last}T00:00:00Z`) - latest.start.getTime()) / WEEK_MS) + 1;
  const due: WeekWindow[] = [];
  for (let offset = Math.max(-horizon, sinceLast); offset <= 0; offset += 1) {
    const week = shiftWeek(latest, offset);
    if (!(await input.ledger.isDelivered(week.weekStart))) due.push(week);
  }
  return due;
}

/** The delivery due next: the oldest undelivered due week, else the first undelivered week after. */
export async function nextDue(input: ScheduleInput): Promise<NextDue> {
  const [oldest] = await undeliveredDueWeeks(input);
  let week = oldest ?? shiftWeek(latestDueWeek(input.schedule, input.now), 1);
  for (let step = 0; !oldest && step < MAX_WEEKS_AHEAD; step += 1) {
    if (!(await input.ledger.isDelivered(week.weekStart))) break;
    week = shiftWeek(week, 1);
  }
  return { week, at: sendTimeOf(input.schedule, week) };
}
