import { parseTimestamp } from '@obs-automation/core';

/** The first field of `record` holding an ISO-8601 timestamp. */
export function timestampField(record: Record<string, unknown>, fields: readonly string[]): Date | null {
  for (const field of fields) {
    const value = record[field];
    const at = typeof value === 'string' ? parseTimestamp(value) : null;
    if (at) return at;
  }
  return null;
}
