import { fileChunks, scanLatencyCsv } from './latency-csv-scan.js';
import type { LatencySample } from './latency-sample.js';
import { sampleFromRow } from './raw-layout.js';

export interface RejectedRow {
  line: number;
  reason: string;
  /** the row's original bytes */
  raw: Buffer;
}

export interface SampleVisitor {
  onSample(sample: LatencySample, line: number): void;
  onReject?(rejected: RejectedRow): void;
}

export interface SampleReadResult {
  samples: number;
  rejected: number;
  format: 'samples' | 'notifier' | null;
}

async function readSamples(path: string, gzip: boolean, visitor: SampleVisitor): Promise<SampleReadResult> {
  const result: SampleReadResult = { samples: 0, rejected: 0, format: null };
  const scan = await scanLatencyCsv(fileChunks(path, gzip), path, {
    onSample(row, measure, layout) {
      result.samples += 1;
      visitor.onSample(sampleFromRow(layout, row, measure), row.line);
    },
    onReject(row, reason) {
      result.rejected += 1;
      visitor.onReject?.({ line: row.line, reason, raw: Buffer.from(row.raw()) });
    },
  });
  result.format = scan.layout?.format ?? null;
  return result;
}

/**
 * Streams the samples of a raw latency CSV (any known header) to `visitor`, with their line
 * numbers; rows that do not parse go to `onReject`. Memory stays flat whatever the file size.
 */
export function readLatencySamples(path: string, visitor: SampleVisitor): Promise<SampleReadResult> {
  return readSamples(path, false, visitor);
}

/** readLatencySamples for a gzip archive written by the latency job. */
export function readArchiveSamples(path: string, visitor: SampleVisitor): Promise<SampleReadResult> {
  return readSamples(path, true, visitor);
}
