import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { errorMessageOf, JobError, openInputStream, openRegularFile } from '@obs-automation/core';
import { type LatencyFile, LatencyFileError } from './latency-file.js';

const READ_CHUNK_BYTES = 1 << 20;
/**
 * What gunzip hands out at a time. Its output buffer is allocated per stream at this size, so a
 * megabyte for each of hundreds of small archives (compaction, a week of day archives) made
 * garbage collection most of the work; a large archive just comes in more chunks.
 */
const GUNZIP_CHUNK_BYTES = 64 * 1024;

export interface ChunkOptions {
  /** gunzip the file on the way (archives) */
  gzip?: boolean;
  /** sees every byte as stored on disk (before gunzip), e.g. to hash the file in the same pass */
  onStoredBytes?: (chunk: Buffer) => void;
  /** read only the file's first `bytes` bytes (a day archive as a manifest line covers it) */
  bytes?: number;
}

export function cannotRead(file: LatencyFile, error: unknown): LatencyFileError {
  return new LatencyFileError({ file: file.label }, `cannot read: ${errorMessageOf(error)}`);
}

/**
 * The core's refusal of a file that is not a readable regular file (a FIFO, a device, a link,
 * a folder) as a LatencyFileError naming it; other errors pass.
 */
export function refusedFile(file: LatencyFile, error: unknown): unknown {
  if (!(error instanceof JobError) || error instanceof LatencyFileError) return error;
  return new LatencyFileError({ file: file.label }, String(error.details.problem ?? error.message));
}

/**
 * Opens a latency file the jobs write (never through a link, never blocking, only a regular
 * file) for a positioned read; null when it does not exist.
 */
export async function openLatencyFile(file: LatencyFile, gzip = false) {
  try {
    return await openRegularFile(file.path, { kind: gzip ? 'archive' : 'raw_samples', shown: file.label });
  } catch (error) {
    throw refusedFile(file, error);
  }
}

async function* tapped(
  source: AsyncIterable<Buffer>,
  onBytes: (chunk: Buffer) => void,
): AsyncIterable<Buffer> {
  for await (const chunk of source) {
    onBytes(chunk);
    yield chunk;
  }
}

/**
 * Opens a file for reading in 1 MiB chunks, as openLatencyFile opens it; null when it does not
 * exist. A file that cannot be used is a LatencyFileError naming it; read errors surface from
 * the iteration.
 */
export async function openChunks(
  file: LatencyFile,
  options: ChunkOptions = {},
): Promise<AsyncIterable<Buffer> | null> {
  let stored: AsyncIterable<Buffer> & NodeJS.ReadableStream;
  try {
    const stream = await openInputStream(file.path, {
      kind: options.gzip ? 'archive' : 'raw_samples',
      shown: file.label,
      highWaterMark: READ_CHUNK_BYTES,
      ...(options.bytes !== undefined && { end: options.bytes - 1 }),
    });
    if (!stream) return null;
    stored = stream as typeof stored;
  } catch (error) {
    throw refusedFile(file, error);
  }
  const { onStoredBytes } = options;
  if (!options.gzip) return onStoredBytes ? tapped(stored, onStoredBytes) : stored;
  // The pipe below attaches its own listener in the same tick, so both see every chunk.
  if (onStoredBytes) stored.on('data', (chunk) => onStoredBytes(chunk as Buffer));
  const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
  pipeline(stored, gunzip, () => undefined);
  return gunzip;
}
