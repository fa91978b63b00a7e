import { createHash } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { commitTempFile, writeSyncedFile } from '../atomic-file.js';
import { openInputStream } from '../bounded-file-read.js';
import { faultPoint } from '../fault-injection.js';
import { tempPathFor } from '../temp-files.js';
import { mappingWriteFailure } from '../write-failure.js';

/** The open log's bytes in [start, end), streamed (a regular file only, never a link). */
export async function openLogRange(logFile: string, start: number, end: number): Promise<Readable> {
  const stream = await openInputStream(logFile, {
    kind: 'run_log',
    shown: logFile,
    code: 'log_write_failed',
    start,
    end: end - 1,
    highWaterMark: 1 << 20,
  });
  if (!stream) throw new Error(`run log ${logFile} disappeared while it was sealed`);
  return stream;
}

/** SHA-256 of the open log's first `bytes` bytes. */
export async function prefixSha256(logFile: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  if (bytes > 0)
    for await (const chunk of await openLogRange(logFile, 0, bytes)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Replaces the open log with what follows its first `sealedBytes` bytes (entries appended after
 * the sealed part), atomically: a crash leaves either the old log, whose sealed prefix the next
 * writer drops, or the new one. The caller holds the run log's lock.
 */
export async function dropSealedPrefix(logFile: string, sealedBytes: number, size: number): Promise<void> {
  const temp = tempPathFor(logFile);
  try {
    if (size > sealedBytes) {
      await mappingWriteFailure(logFile, async () => {
        const handle = await open(temp, 'wx');
        try {
          await pipeline(await openLogRange(logFile, sealedBytes, size), handle.createWriteStream());
        } finally {
          await handle.close().catch(() => undefined);
        }
      });
    } else {
      await mappingWriteFailure(logFile, () => writeSyncedFile(temp, '', 'wx'));
    }
    await commitTempFile(temp, logFile);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  faultPoint('log-seal:after-log-replace');
}
