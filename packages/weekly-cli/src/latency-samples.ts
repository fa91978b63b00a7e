import type { Readable } from 'node:stream';
import {
  type CsvRow,
  DIAGNOSTIC_LINES_SHOWN,
  invalidInput,
  JobError,
  readCsvRows,
} from '@obs-automation/core';
import type { WeekWindow } from './week-window.js';

/** One latency sample of the week, with the identity used to recognise the same row in two files. */
export interface LatencySample {
  at: number;
  latencyMs: number;
  identity: string;
}

/** Rows the weekly figures could not use; the latency job moves such rows to its rejects file. */
export interface SkippedRows {
  file: string;
  count: number;
  /** the first few of them */
  lines: number[];
}

function skip(skipped: SkippedRows, line: number): void {
  skipped.count++;
  if (skipped.lines.length < DIAGNOSTIC_LINES_SHOWN) skipped.lines.push(line);
}

/** A row that cannot be a sample returns null or throws invalid_input; both skip the row. */
type SampleShape = (row: CsvRow) => LatencySample | null;

/**
 * Reads the samples of the week from a raw latency CSV (or a decompressed archive of one), by
 * header: `timestamp_utc,source,latency_ms,ingest_latency_ms,status,detail`, the earlier
 * `timestamp_utc,latency_ms,status,detail,source`, or a notifier log with `ts_emit,ts_ack`
 * (latency = ack − emit, clamped at 0). Rows the latency job would reject are skipped and
 * their lines reported; failures count as samples, as they do in the rollups.
 */
export async function readWeekSamples(
  source: Readable,
  file: string,
  week: WeekWindow,
): Promise<{ samples: LatencySample[]; skipped: SkippedRows }> {
  const samples: LatencySample[] = [];
  const skipped: SkippedRows = { file, count: 0, lines: [] };
  // The latency job reads an empty raw file as one with no samples yet; so does the report.
  const rows = readCsvRows(source, {
    file,
    onInconsistentRow: (line) => skip(skipped, line),
    emptyHasNoRows: true,
  });
  let shape: SampleShape | undefined;
  for await (const row of rows) {
    shape ??= sampleShapeOf(row, file);
    let sample: LatencySample | null;
    try {
      sample = shape(row);
    } catch (error) {
      if (!(error instanceof JobError) || error.code !== 'invalid_input') throw error;
      sample = null;
    }
    if (!sample) {
      skip(skipped, row.line);
      continue;
    }
    if (sample.at >= week.start.getTime() && sample.at < week.end.getTime()) samples.push(sample);
  }
  return { samples, skipped };
}

function sampleShapeOf(row: CsvRow, file: string): SampleShape {
  if (row.has('timestamp_utc') && row.has('latency_ms')) return rawSample;
  if (row.has('ts_emit') && row.has('ts_ack')) return notifierSample;
  throw invalidInput({ file, line: 1 }, 'header has neither timestamp_utc,latency_ms nor ts_emit,ts_ack');
}

function rawSample(row: CsvRow): LatencySample | null {
  const at = row.timestamp('timestamp_utc');
  const latencyMs = row.number('latency_ms');
  if (!at || latencyMs === null || latencyMs < 0) return null;
  return sample(at.getTime(), latencyMs, row, 'source');
}

function notifierSample(row: CsvRow): LatencySample | null {
  const emitted = row.timestamp('ts_emit');
  const acknowledged = row.timestamp('ts_ack');
  if (!emitted || !acknowledged) return null;
  const latencyMs = Math.max(0, acknowledged.getTime() - emitted.getTime());
  return sample(acknowledged.getTime(), latencyMs, row, 'signal_id');
}

function sample(at: number, latencyMs: number, row: CsvRow, sourceColumn: string): LatencySample {
  const status = row.text('status') ?? 'success';
  const identity = [at, row.text(sourceColumn) ?? '', latencyMs, status, row.text('detail') ?? ''].join(
    '\u0000',
  );
  return { at, latencyMs, identity };
}
