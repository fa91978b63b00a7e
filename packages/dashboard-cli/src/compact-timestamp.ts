import { parseTimestamp } from '@obs-automation/core';

// `YYYYMMDD_HHMMSS`, alone or followed by `_…` / `.…` (file names such as `20250924_121343.json`).
const COMPACT_STAMP = /^(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})(?=$|[_.])/;

/** The UTC time of a leading `YYYYMMDD_HHMMSS` stamp, or null when there is none or it is not a real time. */
export function parseCompactUtcStamp(text: string): Date | null {
  const match = COMPACT_STAMP.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const at = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const isRealTime =
    at.getUTCFullYear() === year &&
    at.getUTCMonth() === month - 1 &&
    at.getUTCDate() === day &&
    at.getUTCHours() === hour &&
    at.getUTCMinutes() === minute &&
    at.getUTCSeconds() === second;
  return isRealTime ? at : null;
}

/** A compact stamp or an ISO-8601 timestamp (zone-less = UTC); null otherwise. */
export function parseAnyTimestamp(text: string): Date | null {
  const trimmed = text.trim();
  return parseCompactUtcStamp(trimmed) ?? parseTimestamp(trimmed);
}
