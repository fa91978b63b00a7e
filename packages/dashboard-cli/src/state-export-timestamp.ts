import { parseCompactStamp, parseTimestamp } from '@obs-automation/core';

/**
 * When a state export was taken: the `YYYYMMDD_HHMMSS` prefix of its file name (UTC; the second
 * stamp of `…_<SYMBOL>_<mode>_<stamp>.json` names is local time and ignored), else
 * `meta.last_timestamp` (a timestamp without a zone is UTC). Null when neither is usable.
 */
export function stateExportTimestamp(fileName: string, document: Record<string, unknown>): Date | null {
  const fromName = parseCompactStamp(fileName, { inFileName: true });
  if (fromName) return fromName;
  const meta = document.meta;
  if (meta && typeof meta === 'object' && !Array.isArray(meta)) {
    const lastTimestamp = (meta as Record<string, unknown>).last_timestamp;
    if (typeof lastTimestamp === 'string') return parseTimestamp(lastTimestamp);
  }
  return null;
}
