import { roundMs } from '@obs-automation/core';
import { csvLine } from '../csv/csv-format.js';
import type { CsvRow } from '../csv/csv-row.js';
import { type LatencySample, SUCCESS_STATUSES } from './latency-sample.js';

/** The header this package writes for new raw files and archives of them. */
export const WRITTEN_HEADER: readonly string[] = [
  'timestamp_utc',
  'source',
  'latency_ms',
  'ingest_latency_ms',
  'status',
  'detail',
];

/**
 * Where each field lives in one raw file, found by header name so that every known writer's
 * files load unchanged: this package's header, the earlier tooling's
 * `timestamp_utc,latency_ms,status,detail,source`, and notifier logs with `ts_emit` and `ts_ack`.
 */
export interface RawLayout {
  format: 'samples' | 'notifier';
  /** header names as written in the file */
  columns: string[];
  timestamp: number;
  latency: number;
  source: number;
  ingest: number;
  status: number;
  detail: number;
  emit: number;
  ack: number;
  signalId: number;
}

/** What the rollup needs from a row. */
export interface RowMeasure {
  timestampMs: number;
  latencyMs: number;
  failed: boolean;
}

export function layoutFromHeader(columns: string[]): RawLayout | null {
  const names = columns.map((name) => name.trim().toLowerCase());
  const find = (name: string) => names.indexOf(name);
  const layout: RawLayout = {
    format: 'samples',
    columns,
    timestamp: find('timestamp_utc'),
    latency: find('latency_ms'),
    source: find('source'),
    ingest: find('ingest_latency_ms'),
    status: find('status'),
    detail: find('detail'),
    emit: find('ts_emit'),
    ack: find('ts_ack'),
    signalId: find('signal_id'),
  };
  if (layout.timestamp >= 0 && layout.latency >= 0) return layout;
  if (layout.emit >= 0 && layout.ack >= 0) return { ...layout, format: 'notifier' };
  return null;
}

function readTimestamp(row: CsvRow, index: number, name: string): number | string {
  const value = row.timestampMs(index);
  return Number.isNaN(value) ? `${name} ${row.quoted(index)} is not an ISO-8601 timestamp` : value;
}

function readLatency(row: CsvRow, index: number, name: string): number | string {
  if (row.isBlank(index)) return `${name} is empty`;
  const value = row.decimal(index);
  if (Number.isNaN(value)) return `${name} ${row.quoted(index)} is not a number`;
  if (value < 0) return `${name} ${row.quoted(index)} is negative`;
  return value;
}

/**
 * Reads the fields the rollup needs into `out`. Returns null for a good row, else the reason it
 * is rejected: wrong column count, a bad timestamp, or a latency that is empty, not a number or
 * negative.
 */
export function measureRow(layout: RawLayout, row: CsvRow, out: RowMeasure): string | null {
  if (row.problem) return row.problem;
  if (row.fieldCount !== layout.columns.length) {
    return `expected ${layout.columns.length} columns, found ${row.fieldCount}`;
  }
  if (layout.format === 'samples') {
    const timestamp = readTimestamp(row, layout.timestamp, 'timestamp_utc');
    if (typeof timestamp === 'string') return timestamp;
    const latency = readLatency(row, layout.latency, 'latency_ms');
    if (typeof latency === 'string') return latency;
    if (layout.ingest >= 0 && !row.isBlank(layout.ingest)) {
      const ingest = readLatency(row, layout.ingest, 'ingest_latency_ms');
      if (typeof ingest === 'string') return ingest;
    }
    out.timestampMs = timestamp;
    out.latencyMs = latency;
  } else {
    const emitted = readTimestamp(row, layout.emit, 'ts_emit');
    if (typeof emitted === 'string') return emitted;
    const acknowledged = readTimestamp(row, layout.ack, 'ts_ack');
    if (typeof acknowledged === 'string') return acknowledged;
    out.timestampMs = acknowledged;
    out.latencyMs = Math.max(0, acknowledged - emitted);
  }
  out.failed =
    layout.status >= 0 &&
    !row.isBlank(layout.status) &&
    !row.equalsAnyIgnoringCase(layout.status, SUCCESS_STATUSES);
  return null;
}

/** The whole sample of a row that measureRow accepted. */
export function sampleFromRow(layout: RawLayout, row: CsvRow, measure: RowMeasure): LatencySample {
  const text = (index: number) => (index >= 0 ? row.text(index) : '');
  const ingest =
    layout.format === 'samples' && layout.ingest >= 0 && !row.isBlank(layout.ingest)
      ? row.decimal(layout.ingest)
      : null;
  const status = text(layout.status).trim();
  return {
    timestampMs: measure.timestampMs,
    source: text(layout.format === 'notifier' ? layout.signalId : layout.source),
    latencyMs: measure.latencyMs,
    ingestLatencyMs: ingest,
    status: status === '' ? 'success' : status,
    detail: text(layout.detail),
    failed: measure.failed,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Formats a sample for a file with this layout, column by column, so appends keep whatever
 * header the file already has; a notifier log gets `ts_emit = timestamp − latency`.
 */
export function formatSampleRow(layout: RawLayout, sample: LatencySample): string {
  const latency = roundMs(sample.latencyMs);
  const values = layout.columns.map((column) => {
    switch (column.trim().toLowerCase()) {
      case 'timestamp_utc':
      case 'ts_ack':
        return iso(sample.timestampMs);
      case 'ts_emit':
        return iso(sample.timestampMs - Math.round(sample.latencyMs));
      case 'source':
      case 'signal_id':
        return sample.source;
      case 'latency_ms':
        return latency;
      case 'ingest_latency_ms':
        return sample.ingestLatencyMs === null ? '' : roundMs(sample.ingestLatencyMs);
      case 'status':
        return sample.status;
      case 'detail':
        return sample.detail;
      default:
        return '';
    }
  });
  return csvLine(values);
}
