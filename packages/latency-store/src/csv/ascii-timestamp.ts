import { COLON, DOT, MINUS, PLUS, SPACE, skipBlanks, trimBlanksEnd, ZERO } from './ascii-bytes.js';

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

function digitAt(bytes: Uint8Array, index: number): number {
  const value = (bytes[index] ?? 0) - ZERO;
  return value >= 0 && value <= 9 ? value : -1;
}

/** Reads `count` digits at `index`; -1 when any of them is not a digit. */
function digits(bytes: Uint8Array, index: number, count: number, end: number): number {
  if (index + count > end) return -1;
  let value = 0;
  for (let offset = 0; offset < count; offset += 1) {
    const digit = digitAt(bytes, index + offset);
    if (digit < 0) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthIndex = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * monthIndex + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/**
 * Parses an ISO-8601 timestamp from bytes into epoch milliseconds: `YYYY-MM-DD`, optionally
 * `THH:MM[:SS[.fraction]]` (`T`, `t` or a space), optionally `Z` or `±HH[:]MM`. A timestamp
 * without a zone is UTC. Calendar fields are range-checked (no 31 February, no hour 24);
 * fractions beyond milliseconds are truncated. Returns NaN when the text is not such a
 * timestamp.
 */
export function parseTimestampMs(bytes: Uint8Array, start: number, end: number): number {
  let index = skipBlanks(bytes, start, end);
  const to = trimBlanksEnd(bytes, index, end);
  const year = digits(bytes, index, 4, to);
  if (year < 0 || bytes[index + 4] !== MINUS) return Number.NaN;
  const month = digits(bytes, index + 5, 2, to);
  if (month < 1 || month > 12 || bytes[index + 7] !== MINUS) return Number.NaN;
  const day = digits(bytes, index + 8, 2, to);
  if (day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  index += 10;
  let ms = daysFromCivil(year, month, day) * MS_PER_DAY;
  if (index === to) return ms;

  const separator = bytes[index] as number;
  if (separator !== 0x54 && separator !== 0x74 && separator !== SPACE) return Number.NaN;
  const hour = digits(bytes, index + 1, 2, to);
  if (hour < 0 || hour > 23 || bytes[index + 3] !== COLON) return Number.NaN;
  const minute = digits(bytes, index + 4, 2, to);
  if (minute < 0 || minute > 59) return Number.NaN;
  index += 6;
  ms += hour * 3_600_000 + minute * MS_PER_MINUTE;
  if (index < to && bytes[index] === COLON) {
    const second = digits(bytes, index + 1, 2, to);
    if (second < 0 || second > 59) return Number.NaN;
    ms += second * 1000;
    index += 3;
    if (index < to && bytes[index] === DOT) {
      index += 1;
      const fractionStart = index;
      let millis = 0;
      while (index < to && digitAt(bytes, index) >= 0) {
        if (index - fractionStart < 3) millis = millis * 10 + digitAt(bytes, index);
        index += 1;
      }
      const fractionLength = index - fractionStart;
      if (fractionLength === 0) return Number.NaN;
      for (let scale = fractionLength; scale < 3; scale += 1) millis *= 10;
      ms += millis;
    }
  }
  if (index === to) return ms;

  const zone = bytes[index] as number;
  if ((zone === 0x5a || zone === 0x7a) && index + 1 === to) return ms;
  if (zone !== PLUS && zone !== MINUS) return Number.NaN;
  const offsetHours = digits(bytes, index + 1, 2, to);
  const colon = index + 3 < to && bytes[index + 3] === COLON ? 1 : 0;
  const offsetMinutes = digits(bytes, index + 3 + colon, 2, to);
  if (offsetHours < 0 || offsetHours > 23 || offsetMinutes < 0 || offsetMinutes > 59) return Number.NaN;
  if (index + 5 + colon !== to) return Number.NaN;
  const offsetMs = (offsetHours * 60 + offsetMinutes) * MS_PER_MINUTE;
  return zone === PLUS ? ms - offsetMs : ms + offsetMs;
}

/** parseTimestampMs for text. */
export function parseTimestampText(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  return parseTimestampMs(bytes, 0, bytes.length);
}
