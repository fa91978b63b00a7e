import type { RunLogEntry } from './run-log-entry.js';

/** A line, newline included, stays under this many bytes so log shippers never split it. */
export const MAX_LOG_LINE_BYTES = 4096;

const lineBytes = (entry: unknown): number => Buffer.byteLength(JSON.stringify(entry)) + 1;
const fits = (entry: unknown): boolean => lineBytes(entry) < MAX_LOG_LINE_BYTES;

function cutStrings(value: unknown, maxChars: number): unknown {
  if (typeof value === 'string') return value.length > maxChars ? `${value.slice(0, maxChars)}…` : value;
  if (Array.isArray(value)) return value.map((item) => cutStrings(item, maxChars));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, cutStrings(item, maxChars)]));
  }
  return value;
}

function keepFirst(entry: RunLogEntry, field: 'artefacts' | 'alerts', counter: string): void {
  const items: unknown[] = entry[field];
  while (items.length > 1 && !fits(entry)) {
    items.pop();
    entry.diagnostics[counter] = ((entry.diagnostics[counter] as number | undefined) ?? 0) + 1;
  }
}

/**
 * Serialises an entry as one log line under MAX_LOG_LINE_BYTES. A large entry is never refused:
 * the summary goes first, then artefacts and alerts are shortened (keeping the first items and
 * counting the rest), then long strings are cut; the entry says it was truncated and how large
 * it was.
 */
export function fitLogLine(entry: RunLogEntry): { line: string; truncated: boolean } {
  const full = JSON.stringify(entry);
  if (Buffer.byteLength(full) + 1 < MAX_LOG_LINE_BYTES) return { line: full, truncated: false };

  const originalBytes = Buffer.byteLength(full) + 1;
  const fitted: RunLogEntry = structuredClone(entry);
  fitted.diagnostics = { ...fitted.diagnostics, truncated: true, original_bytes: originalBytes };
  delete fitted.summary;
  keepFirst(fitted, 'artefacts', 'omitted_artefacts');
  keepFirst(fitted, 'alerts', 'omitted_alerts');
  for (const maxChars of [512, 256, 128, 64, 32]) {
    if (fits(fitted)) break;
    fitted.artefacts = cutStrings(fitted.artefacts, maxChars) as string[];
    fitted.alerts = cutStrings(fitted.alerts, maxChars) as RunLogEntry['alerts'];
    fitted.diagnostics = cutStrings(fitted.diagnostics, maxChars) as RunLogEntry['diagnostics'];
  }
  if (!fits(fitted)) {
    fitted.diagnostics = {
      error_code: fitted.diagnostics.error_code,
      error_message: cutStrings(fitted.diagnostics.error_message, 32),
      truncated: true,
      original_bytes: originalBytes,
      omitted_artefacts:
        ((fitted.diagnostics.omitted_artefacts as number | undefined) ?? 0) + fitted.artefacts.length,
      omitted_alerts: ((fitted.diagnostics.omitted_alerts as number | undefined) ?? 0) + fitted.alerts.length,
    };
    fitted.artefacts = [];
    fitted.alerts = [];
  }
  return { line: JSON.stringify(fitted), truncated: true };
}
