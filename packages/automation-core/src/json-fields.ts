import { parseTimestamp } from './clock.js';
import { escapeUntrusted, escapeUntrustedText } from './message-text.js';
import { ERROR_CODE_PATTERN } from './runbook-link.js';

/**
 * Readers of single fields of JSON read back from a workspace file (heartbeats, log entries,
 * manifests), for code that must take whatever shape it finds: a field that is absent or of
 * another type reads as null, never as an exception.
 */

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A finite number, or null for anything else (absent, null, text, NaN). */
export function finiteOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** A non-empty text made safe to show (escaped, cut to `maxChars`), or null. */
export function shownTextOrNull(value: unknown, maxChars?: number): string | null {
  return typeof value === 'string' && value !== '' ? escapeUntrusted(value, maxChars) : null;
}

/** A non-empty message made safe to print as prose (see escapeUntrustedText), or null. */
export function shownMessageOrNull(value: unknown, maxChars?: number): string | null {
  return typeof value === 'string' && value !== '' ? escapeUntrustedText(value, maxChars) : null;
}

/** An ISO-8601 timestamp as a Date, or null when absent or not a timestamp. */
export function timestampOrNull(value: unknown): Date | null {
  return typeof value === 'string' ? parseTimestamp(value) : null;
}

/** An error code as the jobs write them (`missing_input`); anything else is shown escaped. */
export function errorCodeOrNull(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  return ERROR_CODE_PATTERN.test(value) ? value : escapeUntrusted(value, 64);
}
