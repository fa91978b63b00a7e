import { parseTimestamp } from '@obs-automation/core';

const COMPACT = /^(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})$/;

/**
 * A run's `timestamp` as the runs index writes it: `YYYYMMDD_HHMMSS` in UTC. ISO-8601 is
 * accepted too, so an index written by other tools loads. Null when the text is neither.
 */
export function parseRunTimestamp(text: string): Date | null {
  const match = COMPACT.exec(text);
  if (!match) return parseTimestamp(text);
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  const at = new Date(Date.UTC(year as number, (month as number) - 1, day, hour, minute, second));
  // Date.UTC rolls 20250231 over into March; a date that does not round-trip is not a date.
  const valid =
    at.getUTCFullYear() === year &&
    at.getUTCMonth() === (month as number) - 1 &&
    at.getUTCDate() === day &&
    at.getUTCHours() === hour &&
    at.getUTCMinutes() === minute &&
    at.getUTCSeconds() === second;
  return valid ? at : null;
}
