/**
 * JSON Schema's `date-time` format (RFC 3339 date-time, as ajv-formats' full mode reads it: a
 * real calendar date, a `T`/`t`/space separator, a time zone, a leap second only at 23:59:60
 * UTC), in one regular expression and a few comparisons. The run log has two of these per
 * line, and verifying a million-line log is bounded by checks like this one.
 */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2})(?::?(\d{2}))?)$/;
const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const isLeapYear = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

export function isDateTime(text: string): boolean {
  const match = DATE_TIME.exec(text);
  if (!match) return false;
  const [, year, month, day, hour, minute, second, sign, offsetHour, offsetMinute] = match;
  const monthNumber = Number(month);
  const dayNumber = Number(day);
  if (monthNumber < 1 || monthNumber > 12 || dayNumber < 1) return false;
  const maxDay = monthNumber === 2 && isLeapYear(Number(year)) ? 29 : (DAYS_IN_MONTH[monthNumber] as number);
  if (dayNumber > maxDay) return false;
  const hours = Number(hour);
  const minutes = Number(minute);
  const seconds = Number(second);
  const zoneHours = Number(offsetHour ?? 0);
  const zoneMinutes = Number(offsetMinute ?? 0);
  if (zoneHours > 23 || zoneMinutes > 59) return false;
  if (hours <= 23 && minutes <= 59 && seconds < 60) return true;
  // A leap second is 23:59:60 in UTC, whatever the local offset.
  const direction = sign === '-' ? -1 : 1;
  const utcMinutes = minutes - direction * zoneMinutes;
  const utcHours = hours - direction * zoneHours - (utcMinutes < 0 ? 1 : 0);
  return seconds === 60 && (utcHours === 23 || utcHours === -1) && (utcMinutes === 59 || utcMinutes === -1);
}

/** The format as ajv takes it (`ajv.addFormat('date-time', dateTimeFormat)`). */
export const dateTimeFormat = { type: 'string' as const, validate: isDateTime };
