import type { RunLogEntry } from './run-log-entry.js';

/** A line, newline included, stays under this many bytes so log shippers never split it. */
export const MAX_LOG_LINE_BYTES = 4096;

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));
const lineBytes = (entry: unknown): number => jsonBytes(entry) + 1;
const fits = (entry: unknown): boolean => lineBytes(entry) < MAX_LOG_LINE_BYTES;

const STRING_LIMITS = [512, 256, 128, 64, 32];
/** Error codes are machine-read; they are only cut when they are absurdly long. */
const ERROR_CODE_LIMIT = 64;
/** The last resort cuts every remaining string to this; 32 characters escaped as \uXXXX are 192 bytes. */
const LAST_RESORT_CHARS = 32;

function cutString(text: string, maxChars: number): string {
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}

function cutStrings(value: unknown, maxChars: number): unknown {
  if (typeof value === 'string') return cutString(value, maxChars);
  if (Array.isArray(value)) return value.map((item) => cutStrings(item, maxChars));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, cutStrings(item, maxChars)]));
  }
  return value;
}

function cutDiagnostics(diagnostics: Record<string, unknown>, maxChars: number): Record<string, unknown> {
  const { error_code, ...rest } = diagnostics;
  const cut = cutStrings(rest, maxChars) as Record<string, unknown>;
  return error_code === undefined
    ? cut
    : {
        error_code: typeof error_code === 'string' ? cutString(error_code, ERROR_CODE_LIMIT) : error_code,
        ...cut,
      };
}

/**
 * How many leading items of a list fit: the first is always kept (its room is reserved by the
 * caller), each further one costs its JSON plus a comma.
 */
function leadingItemsWithin(items: readonly unknown[], budget: number): { count: number; bytes: number } {
  let bytes = 0;
  let count = Math.min(1, items.length);
  for (const item of items.slice(1)) {
    const cost = jsonBytes(item) + 1;
    if (bytes + cost > budget) break;
    bytes += cost;
    count += 1;
  }
  return { count, bytes };
}

const firstItemBytes = (items: readonly unknown[]): number => (items.length > 0 ? jsonBytes(items[0]) : 0);

function addCount(diagnostics: Record<string, unknown>, key: string, omitted: number): void {
  if (omitted <= 0) return;
  const already = diagnostics[key];
  diagnostics[key] = (typeof already === 'number' && Number.isSafeInteger(already) ? already : 0) + omitted;
}

/**
 * Keeps the first artefacts and alerts that fit (at least the first of each, cut later if it is
 * too long itself), counting the rest in the diagnostics.
 */
function shortenLists(entry: RunLogEntry): RunLogEntry {
  const diagnostics = { ...entry.diagnostics };
  // Room for the counters is reserved up front (their values can only be smaller than this).
  const reserved = {
    ...entry,
    artefacts: [],
    alerts: [],
    diagnostics: {
      ...diagnostics,
      omitted_artefacts: entry.artefacts.length + Number(diagnostics.omitted_artefacts ?? 0),
      omitted_alerts: entry.alerts.length + Number(diagnostics.omitted_alerts ?? 0),
    },
  };
  let budget =
    MAX_LOG_LINE_BYTES -
    1 -
    lineBytes(reserved) -
    firstItemBytes(entry.artefacts) -
    firstItemBytes(entry.alerts);
  const artefacts = leadingItemsWithin(entry.artefacts, budget);
  budget -= artefacts.bytes;
  const alerts = leadingItemsWithin(entry.alerts, budget);
  addCount(diagnostics, 'omitted_artefacts', entry.artefacts.length - artefacts.count);
  addCount(diagnostics, 'omitted_alerts', entry.alerts.length - alerts.count);
  return {
    ...entry,
    artefacts: entry.artefacts.slice(0, artefacts.count),
    alerts: entry.alerts.slice(0, alerts.count),
    diagnostics,
  };
}

function cutIdentifier(id: string): string {
  // Cut without an ellipsis so that a job id keeps matching its pattern.
  return id.slice(0, 64);
}

/**
 * Keeps only what identifies the run and why it ended, each string short: what is left of an
 * entry whose identity fields themselves are huge (a very long --job-name or OBS_ENV).
 */
function lastResort(entry: RunLogEntry): RunLogEntry {
  const { diagnostics } = entry;
  const count = (key: string, dropped: number) =>
    (typeof diagnostics[key] === 'number' ? (diagnostics[key] as number) : 0) + dropped;
  const short = (value: unknown) => (typeof value === 'string' ? cutString(value, LAST_RESORT_CHARS) : value);
  return {
    job_id: cutIdentifier(entry.job_id),
    job_name: cutString(entry.job_name, LAST_RESORT_CHARS),
    status: entry.status,
    ...(entry.sequence === undefined ? {} : { sequence: entry.sequence }),
    logged_at: entry.logged_at,
    started_at: entry.started_at,
    duration_ms: entry.duration_ms,
    attempts: entry.attempts,
    artefacts: [],
    alerts: [],
    diagnostics: {
      ...(typeof diagnostics.error_code === 'string'
        ? { error_code: cutString(diagnostics.error_code, LAST_RESORT_CHARS) }
        : {}),
      ...(typeof diagnostics.error_message === 'string'
        ? { error_message: cutString(diagnostics.error_message, LAST_RESORT_CHARS) }
        : {}),
      ...(typeof diagnostics.retry_after === 'number' ? { retry_after: diagnostics.retry_after } : {}),
      truncated: true,
      original_bytes: diagnostics.original_bytes,
      omitted_artefacts: count('omitted_artefacts', entry.artefacts.length),
      omitted_alerts: count('omitted_alerts', entry.alerts.length),
    },
    ...(entry.parent_job_id === undefined ? {} : { parent_job_id: cutIdentifier(entry.parent_job_id) }),
    context: {
      commit_sha: short(entry.context.commit_sha) as string,
      environment: short(entry.context.environment) as string,
      scheduler: short(entry.context.scheduler) as string,
    },
  };
}

/**
 * Serialises an entry as one log line under MAX_LOG_LINE_BYTES. A large entry is never refused:
 * the summary goes first, then artefacts and alerts are shortened (keeping the first items and
 * counting the rest), then long strings are cut; the entry says it was truncated and how large
 * it was. The cost is linear in the entry's size.
 */
export function fitLogLine(entry: RunLogEntry): { line: string; truncated: boolean } {
  const full = JSON.stringify(entry);
  const originalBytes = Buffer.byteLength(full) + 1;
  if (originalBytes < MAX_LOG_LINE_BYTES) return { line: full, truncated: false };

  const { summary: _dropped, ...withoutSummary } = entry;
  let fitted: RunLogEntry = {
    ...withoutSummary,
    diagnostics: { ...entry.diagnostics, truncated: true, original_bytes: originalBytes },
  };
  if (!fits(fitted)) fitted = shortenLists(fitted);
  for (const maxChars of STRING_LIMITS) {
    if (fits(fitted)) break;
    fitted = {
      ...fitted,
      artefacts: cutStrings(fitted.artefacts, maxChars) as string[],
      alerts: cutStrings(fitted.alerts, maxChars) as RunLogEntry['alerts'],
      diagnostics: cutDiagnostics(fitted.diagnostics, maxChars),
    };
  }
  if (!fits(fitted)) fitted = lastResort(fitted);
  return { line: JSON.stringify(fitted), truncated: true };
}
