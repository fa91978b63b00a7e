import { usageError } from './job-error.js';

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

function offsetMinutes(zone: string | undefined): number | null {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(-2));
  if (hours > 23 || minutes > 59) return null;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/**
 * Parses an ISO-8601 timestamp (`T` or a space between date and time, optional seconds and
 * fraction, `Z` or a `±hh:mm`/`±hhmm` offset); a timestamp without a zone is read as UTC.
 * Returns null when the text is not a timestamp or names a day that does not exist
 * (2026-02-30 is rejected, not rolled over into March).
 */
export function parseTimestamp(text: string): Date | null {
  // Called for every timestamp cell of every input: no array or Date allocated but the result.
  const match = TIMESTAMP.exec(text.trim());
  if (!match) return null;
  const y = Number(match[1]);
  const mo = Number(match[2]);
  const d = Number(match[3]);
  const h = Number(match[4] ?? 0);
  const mi = Number(match[5] ?? 0);
  const s = Number(match[6] ?? 0);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return null;
  const offset = offsetMinutes(match[8]);
  if (offset === null) return null;
  const fraction = match[7];
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  if (y >= 100) return new Date(Date.UTC(y, mo - 1, d, h, mi, s, millis) - offset * 60_000);
  // Date.UTC maps the years 0–99 onto 1900–1999; setUTCFullYear does not.
  const at = new Date(0);
  at.setUTCFullYear(y, mo - 1, d);
  at.setUTCHours(h, mi, s, millis);
  return new Date(at.getTime() - offset * 60_000);
}

// `YYYYMMDD_HHMMSS`, the stamp the earlier tooling writes in run ids, the runs index and file names.
const COMPACT_STAMP = /^(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})/;
const STAMP_LENGTH = 15;

/**
 * The UTC time of a `YYYYMMDD_HHMMSS` stamp, or null when the text is not one or names a time
 * that does not exist. With `inFileName`, the stamp may open a longer name and be followed by
 * `_…` or `.…` (`20250924_121343.json`, `20250923_125717_USDJPY_….json`).
 */
export function parseCompactStamp(text: string, options: { inFileName?: boolean } = {}): Date | null {
  const match = COMPACT_STAMP.exec(text);
  if (!match) return null;
  const next = text.charAt(STAMP_LENGTH);
  if (next !== '' && !(options.inFileName && (next === '_' || next === '.'))) return null;
  const [, year, month, day, hour, minute, second] = match;
  return parseTimestamp(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
}

/** A `YYYYMMDD_HHMMSS` stamp or an ISO-8601 timestamp (zone-less = UTC); null otherwise. */
export function parseStampOrTimestamp(text: string): Date | null {
  const trimmed = text.trim();
  return parseCompactStamp(trimmed) ?? parseTimestamp(trimmed);
}

/** The run's clock: `--now` (or `OBS_NOW`) when given, else the system time. */
export function resolveNow(flagValue: string | undefined, env: NodeJS.ProcessEnv = process.env): Date {
  const text = flagValue ?? env.OBS_NOW;
  if (text === undefined || text === '') return new Date();
  const parsed = parseTimestamp(text);
  if (!parsed) {
    const source = flagValue === undefined ? 'OBS_NOW' : '--now';
    throw usageError(`${source} "${text}" is not an ISO-8601 timestamp`, { flag: source });
  }
  return parsed;
}

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;
