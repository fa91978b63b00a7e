/** The fields of a cron schedule with their ranges: minute, hour, day of month, month, day of week. */
const FIELDS: readonly (readonly [number, number])[] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

function inRange(text: string, [low, high]: readonly [number, number]): boolean {
  const value = Number(text);
  return /^[0-9]+$/.test(text) && value >= low && value <= high;
}

/** One comma-separated part of a field: `*`, `n`, `a-b`, each optionally `/step`. */
function isPart(part: string, range: readonly [number, number]): boolean {
  const [span = '', step, extra] = part.split('/');
  if (extra !== undefined || (step !== undefined && !(inRange(step, [1, range[1]]) && Number(step) > 0)))
    return false;
  if (span === '*') return true;
  const [from = '', to, beyond] = span.split('-');
  if (beyond !== undefined || !inRange(from, range)) return false;
  return to === undefined || (inRange(to, range) && Number(to) >= Number(from));
}

/** A five-field cron schedule (numbers, ranges, lists and steps), as cron and Kubernetes read it. */
export function isCronSchedule(schedule: string): boolean {
  const fields = schedule.trim().split(/\s+/);
  return (
    fields.length === FIELDS.length &&
    fields.every((field, index) =>
      field.split(',').every((part) => isPart(part, FIELDS[index] as [number, number])),
    )
  );
}
