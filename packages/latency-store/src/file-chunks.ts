import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { errorMessageOf } from '@obs-automation/core';
import { type LatencyFile, LatencyFileError } from './latency-file.js';

const READ_CHUNK_BYTES = 1 << 20;

export interface ChunkOptions {
  /** gunzip the file on the way (archives) */
  gzip?: boolean;
  /** sees every byte as stored on disk (before gunzip), e.g. to hash the file in the same pass */
  onStoredBytes?: (chunk: Buffer) => void;
}

export function isMissingFile(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function cannotRead(file: LatencyFile, error: unknown): LatencyFileError {
  return new LatencyFileError({ file: file.label }, `cannot read: ${errorMessageOf(error)}`);
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
 * Opens a file for reading in 1 MiB chunks; null when it does not exist. Other failures to
 * open it are a LatencyFileError naming the file; read errors surface from the iteration.
 */
export async function openChunks(
  file: LatencyFile,
  options: ChunkOptions = {},
): Promise<AsyncIterable<Buffer> | null> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file.path, 'r');
  } catch (error) {
    if (isMissingFile(error)) return null;
    throw cannotRead(file, error);
  }
  const stored = handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES });
  const { onStoredBytes } = options;
  if (!options.gzip) return onStoredBytes ? tapped(stored, onStoredBytes) : stored;
  // The pipe below attaches its own listener in the same tick, so both see every chunk.
  if (onStoredBytes) stored.on('data', (chunk) => onStoredBytes(chunk as Buffer));
  const gunzip = createGunzip({ chunkSize: READ_CHUNK_BYTES });
  pipeline(stored, gunzip, () => undefined);
  return gunzip;
}
