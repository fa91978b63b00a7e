import { MS_PER_HOUR, parseTimestamp, readHeartbeat } from '@obs-automation/core';
import { CheckBuilder, type CheckOutcome, skippedCheck } from './check-outcome.js';

export const WEEKLY_OVERDUE_CHECK = 'weekly_overdue';

const WEEK_START = /^\d{4}-\d{2}-\d{2}$/;
const ERROR_CODE = /^[a-z][a-z0-9_]{0,63}$/;

/** A field the weekly job writes, shown only when it has the shape the job gives it. */
function shown(value: unknown, pattern: RegExp): string | null {
  return typeof value === 'string' && pattern.test(value) ? value : null;
}

function hours(ms: number): number {
  return Math.round((ms / MS_PER_HOUR) * 100) / 100;
}

/**
 * weekly_overdue: the weekly heartbeat's `next_due_at` is the send time of the oldest week not
 * yet delivered (or of the next week when all are). Once that time is `overdueAfterHours` past
 * — the report failing, or the job no longer running — the check fails naming the week and how
 * late it is. A workspace whose weekly job has only run dry and never delivered is skipped: it
 * delivers nothing by design.
 */
export async function weeklyOverdueCheck(
  file: string,
  absolutePath: string,
  now: Date,
  overdueAfterHours: number,
): Promise<CheckOutcome> {
  const read = await readHeartbeat(absolutePath, file);
  if (read.kind === 'missing')
    return skippedCheck(WEEKLY_OVERDUE_CHECK, `no weekly heartbeat ${file}`, { file });
  if (read.kind === 'corrupt')
    return skippedCheck(WEEKLY_OVERDUE_CHECK, `the weekly heartbeat ${file} is corrupt (${read.reason})`, {
      file,
    });
  const data = read.data;
  const lastDelivered = shown(data.last_delivered_week_start, WEEK_START);
  if (data.next_due_at === undefined || data.next_due_at === null)
    return skippedCheck(
      WEEKLY_OVERDUE_CHECK,
      `${file} has no next_due_at yet (written by obs-weekly from its send-time schedule on)`,
      { file },
    );
  if (data.status === 'dry_run' && lastDelivered === null)
    return skippedCheck(WEEKLY_OVERDUE_CHECK, 'obs-weekly has only run dry and never delivered a report', {
      file,
    });

  const check = new CheckBuilder(WEEKLY_OVERDUE_CHECK);
  const dueAt = typeof data.next_due_at === 'string' ? parseTimestamp(data.next_due_at) : null;
  if (!dueAt) {
    check.fail('heartbeat_corrupt', `${file}: key next_due_at is not an ISO-8601 timestamp`);
    return check.done({ file });
  }
  const week = shown(data.next_due_week_start, WEEK_START) ?? '(week not recorded)';
  const lateMs = now.getTime() - dueAt.getTime();
  if (lateMs >= overdueAfterHours * MS_PER_HOUR) {
    const failure = data.last_failure as Record<string, unknown> | null | undefined;
    const code = shown(failure?.error_code, ERROR_CODE);
    check.fail(
      'weekly_overdue',
      `the weekly report of ${week} was due at ${dueAt.toISOString()} and is not delivered: ` +
        `${hours(lateMs)} h late at ${now.toISOString()} (limit ${overdueAfterHours} h); ` +
        `last delivered week: ${lastDelivered ?? 'none'}` +
        (code ? `; last weekly failure: ${code}` : ''),
    );
  }
  return check.done({
    file,
    next_due_at: dueAt.toISOString(),
    next_due_week_start: week,
    last_delivered_week_start: lastDelivered,
    hours_late: lateMs > 0 ? hours(lateMs) : 0,
    overdue_after_hours: overdueAfterHours,
  });
}
