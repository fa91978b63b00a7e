import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { openInputStream } from '../bounded-file-read.js';
import { sha256File } from '../checksum.js';
import { resolveContainedPath } from '../contained-path.js';
import { errorMessageOf } from '../job-error.js';
import { MAX_JSON_LINE_BYTES } from '../line-file.js';
import { type FileLine, LineSplitter } from '../line-splitter.js';
import type { SealedSegment } from './segment-manifest.js';
import { SEGMENT_FILE_PATTERN } from './segment-paths.js';

/**
 * A segment is read 16 KiB of gzip at a time and unpacked in 256 KiB chunks: each read is unpacked
 * whole before the next, and the chain's entries compress up to 25:1, so larger reads put
 * megabytes of unpacked lines in flight (1 MiB reads peaked at 131 MB reading a million entries).
 */
const STORED_CHUNK_BYTES = 16 * 1024;
const UNPACKED_CHUNK_BYTES = 256 * 1024;

/** Why a sealed segment cannot be trusted; each is an error code of its own in the runbook. */
export type SegmentProblemCode = 'segment_missing' | 'segment_hash_mismatch' | 'segment_unreadable';

export type CheckedSegment =
  | { ok: true; path: string; shown: string; storedBytes: number }
  | { ok: false; code: SegmentProblemCode; shown: string; message: string };

/**
 * Finds a segment the manifest lists and checks it before anything reads it: the name must be a
 * segment name inside the segment folder (no link leading out of it), a regular file, and its
 * SHA-256 must equal the manifest's. A segment that fails is reported with why, never read.
 */
export async function checkSegment(
  dir: string,
  shownDir: string,
  segment: SealedSegment,
): Promise<CheckedSegment> {
  const shown = `${shownDir}/${segment.file}`;
  const refused = (code: SegmentProblemCode, message: string): CheckedSegment => ({
    ok: false,
    code,
    shown,
    message,
  });
  try {
    const path = await resolveContainedPath(dir, segment.file, {
      code: 'segment_unreadable',
      what: 'run-log segment',
      allowed: SEGMENT_FILE_PATTERN,
      mayBeMissing: true,
    });
    if (!path.exists) {
      return refused(
        'segment_missing',
        `run-log segment ${shown} (sequences ${segment.first_sequence}–${segment.last_sequence}) is listed in the segment manifest but does not exist`,
      );
    }
    const sha256 = await sha256File(path.absolute, {
      kind: 'run_log_segment',
      shown,
      code: 'segment_unreadable',
    });
    if (sha256 !== segment.sha256) {
      return refused(
        'segment_hash_mismatch',
        `run-log segment ${shown} has SHA-256 ${sha256}, not ${segment.sha256} as its manifest line records: not read`,
      );
    }
    return { ok: true, path: path.absolute, shown, storedBytes: segment.bytes };
  } catch (error) {
    return refused('segment_unreadable', `run-log segment ${shown} cannot be read: ${errorMessageOf(error)}`);
  }
}

export interface SegmentLineOptions {
  /** read only the last gzip member (the segment's last lines) */
  tailOnly?: boolean;
}

/**
 * The lines of a checked segment in batches (one per unpacked chunk), unpacked on the way in
 * bounded memory; `read.bytes` counts the unpacked bytes. Unpacking stops with an error once it
 * passes the size on record (a segment is never read beyond what was sealed), and a segment
 * that unpacks to less is an error too.
 */
export async function* segmentLineBatches(
  checked: Extract<CheckedSegment, { ok: true }>,
  segment: SealedSegment,
  read: { bytes: number },
  options: SegmentLineOptions = {},
): AsyncGenerator<FileLine[]> {
  const stored = await openInputStream(checked.path, {
    kind: 'run_log_segment',
    shown: checked.shown,
    code: 'segment_unreadable',
    followSymlinks: false,
    highWaterMark: STORED_CHUNK_BYTES,
    ...(options.tailOnly ? { start: segment.tail_offset } : {}),
  });
  if (!stored) throw new Error(`run-log segment ${checked.shown} disappeared while it was read`);
  const gunzip = createGunzip({ chunkSize: UNPACKED_CHUNK_BYTES });
  const piped = pipeline(stored, gunzip);
  // awaited below; a failure also ends the iteration, so it is never left unhandled
  piped.catch(() => undefined);
  const splitter = new LineSplitter({ maxKeptBytes: MAX_JSON_LINE_BYTES });
  let batch: FileLine[] = [];
  const collect = (line: FileLine) => {
    batch.push(line);
  };
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      read.bytes += chunk.length;
      if (read.bytes > segment.source_bytes) {
        throw new Error(`unpacks past the ${segment.source_bytes} bytes on record`);
      }
      splitter.push(chunk, collect);
      if (batch.length > 0) {
        yield batch;
        batch = [];
      }
    }
    await piped;
  } catch (error) {
    stored.destroy();
    throw new Error(`run-log segment ${checked.shown} cannot be read: ${errorMessageOf(error)}`);
  }
  splitter.end(collect);
  if (batch.length > 0) yield batch;
  if (!options.tailOnly && read.bytes !== segment.source_bytes) {
    throw new Error(
      `run-log segment ${checked.shown} unpacks to ${read.bytes} bytes, not the ${segment.source_bytes} on record`,
    );
  }
}

/** Calls `onLine` for every line of a checked segment (segmentLineBatches); returns the unpacked bytes. */
export async function forEachSegmentLine(
  checked: Extract<CheckedSegment, { ok: true }>,
  segment: SealedSegment,
  onLine: (line: FileLine) => void,
  options: SegmentLineOptions = {},
): Promise<number> {
  const read = { bytes: 0 };
  for await (const batch of segmentLineBatches(checked, segment, read, options)) {
    for (const line of batch) onLine(line);
  }
  return read.bytes;
}

/** SHA-256 of bytes streamed through it, for hashing a file while it is written or read. */
export function hashingTap(hash = createHash('sha256')) {
  let bytes = 0;
  return {
    update(chunk: Buffer) {
      bytes += chunk.length;
      hash.update(chunk);
    },
    bytesSoFar: () => bytes,
    result: () => ({ bytes, sha256: hash.digest('hex') }),
  };
}
