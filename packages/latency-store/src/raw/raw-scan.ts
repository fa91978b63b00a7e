import { JobError } from '@obs-automation/core';
import type { CsvRow } from '../csv/csv-row.js';
import { CsvTokenizer } from '../csv/csv-tokenizer.js';
import { cannotRead } from '../file-chunks.js';
import { type LatencyFile, LatencyFileError } from '../latency-file.js';
import { layoutFromHeader, measureRow, type RawLayout, type RowMeasure } from './raw-layout.js';

export interface RawScanHandlers {
  onHeader?(layout: RawLayout, headerText: string): void;
  /** a row that counts: the obs-latency rule in measureRow */
  onSample(row: CsvRow, measure: RowMeasure, layout: RawLayout): void;
  /** a row that does not count, with the reason */
  onReject(row: CsvRow, reason: string): void;
  /** Runs after each chunk, before the next is read; a writer can flush and wait for drain here. */
  afterChunk?(): Promise<void> | void;
}

export interface RawScan {
  /** null for an empty file */
  layout: RawLayout | null;
  /** the header line as written (without BOM or line terminator) */
  headerText: string | null;
  bytesRead: number;
}

const MAX_HEADER_IN_MESSAGE = 80;

function headerError(file: LatencyFile, row: CsvRow): LatencyFileError {
  const text = row.raw().toString('utf8');
  const shown = text.length > MAX_HEADER_IN_MESSAGE ? `${text.slice(0, MAX_HEADER_IN_MESSAGE)}…` : text;
  return new LatencyFileError(
    { file: file.label, line: 1 },
    `header ${JSON.stringify(shown)} is not a latency CSV header (it needs timestamp_utc and latency_ms columns, or ts_emit and ts_ack)`,
  );
}

/**
 * Streams a raw latency CSV (any of the known headers; a gzip archive once gunzipped), handing
 * every data row to `onSample` or, with the reason, to `onReject`. Blank lines are not rows. A
 * header that is not a latency header, or a read error, is a LatencyFileError naming the file.
 */
export async function scanRawCsv(
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>,
  file: LatencyFile,
  handlers: RawScanHandlers,
): Promise<RawScan> {
  const result: RawScan = { layout: null, headerText: null, bytesRead: 0 };
  const measure: RowMeasure = { timestampMs: 0, latencyMs: 0, failed: false };
  let layout: RawLayout | null = null;
  const tokenizer = new CsvTokenizer((row) => {
    if (layout === null) {
      if (row.problem) throw headerError(file, row);
      const names = Array.from({ length: row.fieldCount }, (_, index) => row.text(index));
      layout = layoutFromHeader(names);
      if (!layout) throw headerError(file, row);
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
    throw cannotRead(file, error);
  }
  return result;
}
