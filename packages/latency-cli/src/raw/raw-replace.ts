import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { commitTempFile, JobError, openInputStream } from '@obs-automation/core';

/**
 * Replaces the raw file with `tempPath`, first copying onto the temp file any bytes appended to
 * the raw file after the first `consumedBytes` were read (a writer that does not take the lock),
 * so that replacing never loses a row. The raw file is read as every latency file is: never
 * through a link, only a regular file.
 */
export async function replaceRawFile(
  rawPath: string,
  tempPath: string,
  consumedBytes: number,
): Promise<void> {
  const size = await stat(rawPath).then(
    (info) => info.size,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return 0;
      throw error;
    },
  );
  if (size < consumedBytes) {
    throw new JobError(
      'archive_failed',
      `${rawPath} shrank from ${consumedBytes} to ${size} bytes while it was being rotated; it was left as it is`,
      { file: rawPath },
    );
  }
  if (size > consumedBytes) {
    const appended = await openInputStream(rawPath, {
      kind: 'raw_samples',
      code: 'archive_failed',
      start: consumedBytes,
      end: size - 1,
    });
    if (appended) await pipeline(appended, createWriteStream(tempPath, { flags: 'a' }));
  }
  await commitTempFile(tempPath, rawPath);
}
