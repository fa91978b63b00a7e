import { lstat } from 'node:fs/promises';
import { describeFileType, JobError } from '@obs-automation/core';

/**
 * Bytes in a run log; null when it does not exist. A link, FIFO, device or folder in its place is
 * refused (`invalid_input`, naming it and its type) rather than read as an empty log: the jobs
 * append to a regular file only, so anything else was put there.
 */
export async function fileSize(path: string, shown: string = path): Promise<number | null> {
  let stats: Awaited<ReturnType<typeof lstat>>;
  try {
    stats = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  if (!stats.isFile()) {
    const type = describeFileType(stats);
    throw new JobError('invalid_input', `run log ${shown} is a ${type}, not a regular file`, {
      file: shown,
      reason: 'not_regular',
      file_type: type,
    });
  }
  return stats.size;
}
