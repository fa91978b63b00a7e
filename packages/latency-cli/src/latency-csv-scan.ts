import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { errorMessageOf, JobError } from '@obs-automation/core';
import type { CsvRow } from './csv-row.js';
import { CsvTokenizer } from './csv-tokenizer.js';
import { layoutFromHeader, measureRow, type RawLayout, type RowMeasure } from './raw-layout.js';

const READ_CHUNK_BYTES = 1 << 20;

export interface LatencyCsvHandlers {
  onHeader?(layout: RawLayout, headerText: string): void;
  onSample(row: CsvRow, measure: RowMeasure, layout: RawLayout): void;
  onReject(row: CsvRow, reason: string): void;
  /** Runs after each chunk, before the next is read; a writer can flush and wait for drain here. */
  afterChunk?(): Promise<void> | void;
}

export interface LatencyCsvScan {
  /** null for an empty file */
  layout: RawLayout | null;
  /** the header line as written (without BOM or line terminator) */
  headerText: string | null;
  bytesRead: number;
}

const MAX_HEADER_IN_MESSAGE = 80;

function headerError(label: string, row: CsvRow): JobError {
  const text = row.raw().toString('utf8');
  const shown = text.length > MAX_HEADER_IN_MESSAGE ? `${text.slice(0, MAX_HEADER_IN_MESSAGE)}…` : text;
  return new JobError(
    'input_unreadable',
    `${label}: line 1: header ${JSON.stringify(shown)} is not a latency CSV header (it needs timestamp_utc and latency_ms columns, or ts_emit and ts_ack)`,
    { file: label, line: 1 },
  );
}

/** Reads a file as byte chunks, gunzipping it on the way when asked. */
export function fileChunks(path: string, gzip = false): AsyncIterable<Buffer> {
  const file = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  if (!gzip) return file;
  const gunzip = createGunzip({ chunkSize: READ_CHUNK_BYTES });
  pipeline(file, gunzip, () => undefined);
  return gunzip;
}

/**
 * Streams a latency CSV (any of the known headers), handing every data row to `onSample` or,
 * with the reason, to `onReject`. Blank lines are not rows. A header that is not a latency
 * header, or a read error, is `input_unreadable` naming the file (`label`).
 */
export async function scanLatencyCsv(
  chunks: AsyncIterable<Buffer>,
  label: string,
  handlers: LatencyCsvHandlers,
): Promise<LatencyCsvScan> {
  const result: LatencyCsvScan = { layout: null, headerText: null, bytesRead: 0 };
  const measure: RowMeasure = { timestampMs: 0, latencyMs: 0, failed: false };
  let layout: RawLayout | null = null;
  const tokenizer = new CsvTokenizer((row) => {
    if (layout === null) {
      if (row.problem) throw headerError(label, row);
      const names = Array.from({ length: row.fieldCount }, (_, index) => row.text(index));
      layout = layoutFromHeader(names);
      if (!layout) throw headerError(label, row);
      result.layout = layout;
      result.headerText = row.raw().toString('utf8');
      handlers.onHeader?.(layout, result.headerText);
      return;
    }
    if (row.isBlankRecord()) return;
    const reason = measureRow(layout, row, measure);
    if (reason === null) handlers.onSample(row, measure, layout);
    else handlers.onReject(row, reason);
  });
  try {
    for await (const chunk of chunks) {
      result.bytesRead += chunk.length;
      tokenizer.push(chunk);
      await handlers.afterChunk?.();
    }
    tokenizer.end();
    await handlers.afterChunk?.();
  } catch (error) {
    if (error instanceof JobError) throw error;
    throw new JobError('input_unreadable', `${label}: cannot read: ${errorMessageOf(error)}`, {
      file: label,
    });
  }
  return result;
}
