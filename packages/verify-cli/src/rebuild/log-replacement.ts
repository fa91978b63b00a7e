import { constants } from 'node:fs';
import { copyFile, link, open, rm } from 'node:fs/promises';
import {
  commitTempFile,
  compactUtcStamp,
  faultPoint,
  tempPathFor,
  writeSequenceFile,
} from '@obs-automation/core';

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Keeps the current log as `<log>.bak-<stamp>` (a hard link, so the log itself is never moved
 * away; a copy where links are not supported). A second backup within the same second gets a
 * numbered suffix rather than overwriting the first.
 */
export async function backUpLog(logPath: string, now: Date): Promise<string> {
  const base = `${logPath}.bak-${compactUtcStamp(now)}`;
  for (let attempt = 1; ; attempt += 1) {
    const target = attempt === 1 ? base : `${base}-${attempt}`;
    try {
      await link(logPath, target);
      return target;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw error;
    }
    try {
      await copyFile(logPath, target, constants.COPYFILE_EXCL);
      await syncFile(target);
      return target;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * Replaces the log with the rebuilt one (temp copy in the log's folder, then rename: the path
 * always holds either the old or the new log) and then the sequence file.
 */
export async function replaceLog(
  logPath: string,
  rebuiltPath: string,
  sequencePath: string,
  lastSequence: number,
  now: Date,
): Promise<void> {
  const temp = tempPathFor(logPath);
  try {
    await copyFile(rebuiltPath, temp);
    await commitTempFile(temp, logPath);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  // A crash here leaves the new log with the old sequence file: the next append logs a
  // sequence_gap warning and numbers on from the larger value, as after any such crash.
  faultPoint('rebuild-log:after-log-replace');
  await writeSequenceFile(sequencePath, lastSequence, now);
}
