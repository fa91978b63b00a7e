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

const ZERO = 48;

/** Digits at `start..start+count` as a number, or -1 when one of them is not a digit. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let index = start; index < start + count; index += 1) {
    const digit = text.charCodeAt(index) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * The shape every timestamp this project writes has (`toISOString()`: `2026-11-24T12:10:00.000Z`),
 * checked without a regular expression; null when the text has another shape.
 */
function isCanonicalUtcDateTime(text: string): boolean | null {
  if (text.length !== 24 || text[4] !== '-' || text[7] !== '-' || text[10] !== 'T') return null;
  if (text[13] !== ':' || text[16] !== ':' || text[19] !== '.' || text[23] !== 'Z') return null;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hours = digitsAt(text, 11, 2);
  const minutes = digitsAt(text, 14, 2);
  const seconds = digitsAt(text, 17, 2);
  if (Math.min(year, month, day, hours, minutes, seconds, digitsAt(text, 20, 3)) < 0) return null;
  if (seconds === 60) return null;
  return isCalendarDate(year, month, day) && hours <= 23 && minutes <= 59 && seconds <= 59;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= (month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month] as number));
}

export function isDateTime(text: string): boolean {
  const canonical = isCanonicalUtcDateTime(text);
  if (canonical !== null) return canonical;
  const match = DATE_TIME.exec(text);
  if (!match) return false;
  const [, year, month, day, hour, minute, second, sign, offsetHour, offsetMinute] = match;
  if (!isCalendarDate(Number(year), Number(month), Number(day))) return false;
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

/**
 * Milliseconds since the epoch of a timestamp, NaN when it is none: the shape every timestamp
 * this project writes (`toISOString()`) read digit by digit, any other through Date.parse. Reports
 * over a million-line run log read two of these a line.
 */
export function timestampMillis(text: string): number {
  if (isCanonicalUtcDateTime(text) === true) {
    const year = digitsAt(text, 0, 4);
    // Date.UTC maps the years 0–99 onto 1900–1999; Date.parse reads them as written.
    if (year >= 100) {
      return Date.UTC(
        year,
        digitsAt(text, 5, 2) - 1,
        digitsAt(text, 8, 2),
        digitsAt(text, 11, 2),
        digitsAt(text, 14, 2),
        digitsAt(text, 17, 2),
        digitsAt(text, 20, 3),
      );
    }
  }
  return Date.parse(text);
}
