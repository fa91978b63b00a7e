import { createHash } from 'node:crypto';
import { openChunks } from '../file-chunks.js';
import { type LatencyFile, LatencyFileError } from '../latency-file.js';
import type { LatencySample } from './latency-sample.js';
import { sampleFromRow } from './raw-layout.js';
import { scanRawCsv } from './raw-scan.js';

export interface RejectedRow {
  line: number;
  reason: string;
  /** the row's original bytes (the first OVERLONG_PREFIX_BYTES of an over-long line) */
  raw: Buffer;
}

export interface SampleVisitor {
  /** Asked with each counted row's timestamp first; false skips building that sample. */
  wants?(timestampMs: number): boolean;
  onSample(sample: LatencySample, line: number): void;
  onReject?(rejected: RejectedRow): void;
}

export interface SampleReadResult {
  /** rows that count, wanted or not */
  samples: number;
  rejected: number;
  /** null for an empty file */
  format: 'samples' | 'notifier' | null;
}

async function readSamples(
  chunks: AsyncIterable<Buffer>,
  file: LatencyFile,
  visitor: SampleVisitor,
): Promise<SampleReadResult> {
  const result: SampleReadResult = { samples: 0, rejected: 0, format: null };
  const scan = await scanRawCsv(chunks, file, {
    onSample(row, measure, layout) {
      result.samples += 1;
      if (visitor.wants && !visitor.wants(measure.timestampMs)) return;
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
 * numbers; rows that do not count go to `onReject`. Memory stays flat whatever the file size.
 * Null when the file does not exist (no samples yet).
 */
export async function readLatencySamples(
  file: LatencyFile,
  visitor: SampleVisitor,
): Promise<SampleReadResult | null> {
  const chunks = await openChunks(file);
  return chunks && readSamples(chunks, file, visitor);
}

/** What a manifest line says an archive holds: its SHA-256, of its first `bytes` bytes when given. */
export interface ArchiveContent {
  sha256: string;
  bytes?: number;
}

/**
 * readLatencySamples for a gzip archive written by the latency job, checking its bytes against
 * the SHA-256 its manifest line records (a day archive: only the bytes the line covers are read,
 * so an append made since is not seen). Samples reach `visitor` while the file is read, so on a
 * LatencyFileError (a missing archive, a checksum that differs, a file that is not gzip) the
 * caller must drop what it received.
 */
export async function readArchiveSamples(
  file: LatencyFile,
  expected: ArchiveContent,
  visitor: SampleVisitor,
): Promise<SampleReadResult> {
  const expectedSha256 = expected.sha256;
  const hash = createHash('sha256');
  const chunks = await openChunks(file, {
    gzip: true,
    onStoredBytes: (chunk) => hash.update(chunk),
    ...(expected.bytes !== undefined && { bytes: expected.bytes }),
  });
  if (!chunks) throw new LatencyFileError({ file: file.label }, 'listed in the manifest but missing');
  const result = await readSamples(chunks, file, visitor);
  const actual = hash.digest('hex');
  if (actual !== expectedSha256.toLowerCase()) {
    throw new LatencyFileError(
      { file: file.label },
      `SHA-256 ${actual} differs from the manifest's ${expectedSha256}`,
    );
  }
  return result;
}
