import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { faultPoint } from './fault-injection.js';

export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const TEMP_FILE_NAME = /^\..+\.tmp-(\d+)-[0-9a-f]{8}$/;

/**
 * Removes the temporary files in `dir` left by writers that were killed between their write and
 * their rename (their process is gone); a live writer's temporary file is left alone.
 */
async function removeAbandonedTempFiles(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(TEMP_FILE_NAME.exec(name)?.[1]);
    if (pid > 0 && pid !== process.pid && !isProcessAlive(pid)) await rm(join(dir, name), { force: true });
  }
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `target` so that a crash at any instant leaves either the old or the new file: the
 * data goes to a temporary file in the same folder, is fsync'ed, renamed over the target, and
 * the folder is fsync'ed so the rename itself survives a power cut.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  await removeAbandonedTempFiles(dirname(target));
  const temp = tempPathFor(target);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    faultPoint('atomic:before-rename');
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncDirectory(dirname(target));
}

/**
 * Moves an already complete temporary file into place (for outputs produced by streaming),
 * with the same guarantees as writeFileAtomic.
 */
export async function commitTempFile(temp: string, target: string): Promise<void> {
  const handle = await open(temp, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, target);
  await fsyncDirectory(dirname(target));
}

/**
 * Appends whole lines with one write call and fsyncs them. Callers that share the file across
 * processes hold a lock around this (see appendLinesLocked).
 */
export async function appendLines(target: string, lines: readonly string[]): Promise<void> {
  if (lines.length === 0) return;
  await mkdir(dirname(target), { recursive: true });
  const handle = await open(target, 'a+');
  try {
    const { size } = await handle.stat();
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      // A torn last line (hand edit, full disk) must not swallow the first new line.
      if (last[0] !== 0x0a) prefix = '\n';
    }
    const data = Buffer.from(`${prefix}${lines.join('\n')}\n`);
    try {
      const { bytesWritten } = await handle.write(data);
      if (bytesWritten !== data.length) {
        throw new Error(`wrote ${bytesWritten} of ${data.length} bytes to ${target} (disk full?)`);
      }
      await handle.sync();
    } catch (error) {
      // A partial line must not stay behind: the file goes back to what it was.
      await handle.truncate(size).catch(() => undefined);
      throw error;
    }
  } finally {
    await handle.close();
  }
}
