import {
  isFailureStatus,
  type LatencySample,
  parseDecimalText,
  parseTimestampText,
} from '@obs-automation/latency-store';

/** The fields `record` accepts, as flags (`--latency-ms`) or as JSON-lines keys (`latency_ms`). */
export const SAMPLE_FIELDS = [
  'source',
  'latency_ms',
  'status',
  'detail',
  'timestamp',
  'ingest_latency_ms',
] as const;
export type SampleField = (typeof SAMPLE_FIELDS)[number];

const MAX_SOURCE_LENGTH = 200;
const MAX_STATUS_LENGTH = 64;
const MAX_DETAIL_LENGTH = 4096;

export type SampleInputResult = { sample: LatencySample } | { field: string; error: string };

function invalid(field: string, error: string): SampleInputResult {
  return { field, error: `${field} ${error}` };
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function nonNegative(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : Number.NaN;
  if (typeof value === 'string') {
    const parsed = parseDecimalText(value);
    return parsed >= 0 ? parsed : Number.NaN;
  }
  return Number.NaN;
}

/**
 * Validates one sample given to `record`; every field is checked and the first problem is
 * returned with the field's name. A missing timestamp is the run's clock.
 */
export function sampleFromInput(fields: Record<string, unknown>, now: Date): SampleInputResult {
  const unknown = Object.keys(fields).find((key) => !(SAMPLE_FIELDS as readonly string[]).includes(key));
  if (unknown !== undefined)
    return invalid(unknown, `is not a sample field (expected ${SAMPLE_FIELDS.join(', ')})`);

  const source = text(fields.source)?.trim() ?? '';
  if (source === '') return invalid('source', 'is required (a non-empty string)');
  if (source.length > MAX_SOURCE_LENGTH || /[\r\n]/.test(source)) {
    return invalid('source', `must be one line of at most ${MAX_SOURCE_LENGTH} characters`);
  }
  if (fields.latency_ms === undefined || fields.latency_ms === null)
    return invalid('latency_ms', 'is required');
  const latencyMs = nonNegative(fields.latency_ms);
  if (Number.isNaN(latencyMs)) {
    return invalid('latency_ms', `must be a non-negative number, got ${JSON.stringify(fields.latency_ms)}`);
  }
  const status = fields.status === undefined ? 'success' : text(fields.status)?.trim();
  if (
    status === undefined ||
    status === null ||
    status.length > MAX_STATUS_LENGTH ||
    /[\r\n,"]/.test(status)
  ) {
    return invalid(
      'status',
      `must be a word of at most ${MAX_STATUS_LENGTH} characters, e.g. success or error`,
    );
  }
  const detail = fields.detail === undefined ? '' : text(fields.detail);
  if (detail === null || detail.length > MAX_DETAIL_LENGTH) {
    return invalid('detail', `must be a string of at most ${MAX_DETAIL_LENGTH} characters`);
  }
  let timestampMs = now.getTime();
  if (fields.timestamp !== undefined) {
    const value = text(fields.timestamp);
    timestampMs = value === null ? Number.NaN : parseTimestampText(value);
    if (Number.isNaN(timestampMs)) {
      return invalid('timestamp', `must be an ISO-8601 timestamp, got ${JSON.stringify(fields.timestamp)}`);
    }
  }
  let ingestLatencyMs: number | null = null;
  if (fields.ingest_latency_ms !== undefined && fields.ingest_latency_ms !== null) {
    ingestLatencyMs = nonNegative(fields.ingest_latency_ms);
    if (Number.isNaN(ingestLatencyMs)) return invalid('ingest_latency_ms', 'must be a non-negative number');
  }
  const effectiveStatus = status === '' ? 'success' : status;
  return {
    sample: {
      timestampMs,
      source,
      latencyMs,
      ingestLatencyMs,
      status: effectiveStatus,
      detail,
      failed: isFailureStatus(effectiveStatus),
    },
  };
}
