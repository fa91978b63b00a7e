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
const DASH = 45;
const COLON = 58;
const DOT = 46;
const LETTER_T = 84;
const LETTER_Z = 90;
const MS_PER_DAY = 86_400_000;

/** Two decimal digits at `at` as a number, or -1 when either is not a digit. */
function twoDigits(text: string, at: number): number {
  const tens = text.charCodeAt(at) - ZERO;
  const ones = text.charCodeAt(at + 1) - ZERO;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : -1;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (valid for every year, 0 included). */
function daysFromCivil(year: number, month: number, day: number): number {
  const marchYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(marchYear / 400);
  const yearOfEra = marchYear - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Where a stamp's two-digit fields start: century, year, month, day, hours, minutes, seconds. */
type FieldOffsets = readonly [number, number, number, number, number, number, number];
const ISO_FIELDS: FieldOffsets = [0, 2, 5, 8, 11, 14, 17];
const COMPACT_FIELDS: FieldOffsets = [0, 2, 4, 6, 9, 11, 13];

/**
 * Milliseconds since the epoch of the UTC time to the second whose two-digit fields start at
 * `at`; NaN when a field is not two digits or they do not make a real time.
 */
function utcSecondMillis(text: string, at: FieldOffsets): number {
  const century = twoDigits(text, at[0]);
  const yearOfCentury = twoDigits(text, at[1]);
  const month = twoDigits(text, at[2]);
  const day = twoDigits(text, at[3]);
  const hours = twoDigits(text, at[4]);
  const minutes = twoDigits(text, at[5]);
  const seconds = twoDigits(text, at[6]);
  if (!isUtcTime(century, yearOfCentury, month, day, hours, minutes, seconds)) return Number.NaN;
  const days = daysFromCivil(century * 100 + yearOfCentury, month, day);
  return days * MS_PER_DAY + ((hours * 60 + minutes) * 60 + seconds) * 1000;
}

/**
 * Milliseconds since the epoch of a timestamp in the shape every timestamp this project writes
 * has — `toISOString()`'s `2026-11-24T12:10:00.000Z`, or the same to the second,
 * `2026-11-24T12:10:00Z` — holding a real UTC time, read in one pass of character codes. NaN
 * for any other text: the callers then take the general path, which decides it (a leap second,
 * an offset, another fraction).
 */
function canonicalUtcMillis(text: string): number {
  const length = text.length;
  if (length !== 24 && length !== 20) return Number.NaN;
  if (text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH || text.charCodeAt(10) !== LETTER_T)
    return Number.NaN;
  if (
    text.charCodeAt(13) !== COLON ||
    text.charCodeAt(16) !== COLON ||
    text.charCodeAt(length - 1) !== LETTER_Z
  ) {
    return Number.NaN;
  }
  let millis = 0;
  if (length === 24) {
    const hundreds = text.charCodeAt(20) - ZERO;
    const rest = twoDigits(text, 21);
    if (text.charCodeAt(19) !== DOT || hundreds < 0 || hundreds > 9 || rest < 0) return Number.NaN;
    millis = hundreds * 100 + rest;
  }
  return utcSecondMillis(text, ISO_FIELDS) + millis;
}

/**
 * Whether two-digit fields (−1 where a digit is missing) make a real UTC time to the second,
 * the year given as its century and year of the century.
 */
function isUtcTime(
  century: number,
  yearOfCentury: number,
  month: number,
  day: number,
  hours: number,
  minutes: number,
  seconds: number,
): boolean {
  if (century < 0 || yearOfCentury < 0 || hours < 0 || hours > 23 || minutes < 0 || minutes > 59)
    return false;
  return seconds >= 0 && seconds <= 59 && isCalendarDate(century * 100 + yearOfCentury, month, day);
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= (month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month] as number));
}

/**
 * Milliseconds since the epoch of the `YYYYMMDDThhmmssZ-` stamp a job id starts with, read digit
 * by digit when it holds a real UTC time to the second; NaN otherwise (the caller then takes the
 * general path, which decides it). Histories list thousands of job ids.
 */
export function compactStampMillis(text: string): number {
  if (text.length < 17 || text.charCodeAt(8) !== LETTER_T || text.charCodeAt(15) !== LETTER_Z)
    return Number.NaN;
  if (text.charCodeAt(16) !== DASH) return Number.NaN;
  return utcSecondMillis(text, COMPACT_FIELDS);
}

export function isDateTime(text: string): boolean {
  if (!Number.isNaN(canonicalUtcMillis(text))) return true;
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
 * Milliseconds since the epoch of a timestamp, NaN when it is none: the shapes this project
 * writes read digit by digit, any other through Date.parse (with the same result). Reports over
 * a million-line run log read two of these a line.
 */
export function timestampMillis(text: string): number {
  const millis = canonicalUtcMillis(text);
  return Number.isNaN(millis) ? Date.parse(text) : millis;
}
