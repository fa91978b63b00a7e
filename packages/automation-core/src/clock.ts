import { usageError } from './job-error.js';

const ZONE_SUFFIX = /(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Parses an ISO-8601 timestamp; a timestamp without a zone is read as UTC. Returns null when
 * the text is not a timestamp.
 */
export function parseTimestamp(text: string): Date | null {
  const trimmed = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(trimmed))
    return null;
  let normalised = trimmed.replace(' ', 'T');
  if (normalised.length === 10) normalised += 'T00:00:00';
  if (!ZONE_SUFFIX.test(normalised)) normalised += 'Z';
  const millis = Date.parse(normalised);
  return Number.isNaN(millis) ? null : new Date(millis);
}

/** The run's clock: `--now` (or `OBS_NOW`) when given, else the system time. */
export function resolveNow(flagValue: string | undefined, env: NodeJS.ProcessEnv = process.env): Date {
  const text = flagValue ?? env.OBS_NOW;
  if (text === undefined || text === '') return new Date();
  const parsed = parseTimestamp(text);
  if (!parsed) {
    throw usageError(`--now "${text}" is not an ISO-8601 timestamp`, {
      flag: flagValue === undefined ? 'OBS_NOW' : '--now',
    });
  }
  return parsed;
}

export function isoSeconds(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;
