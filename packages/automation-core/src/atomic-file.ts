import { constants } from 'node:fs';
import { type FileHandle, lstat, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describeFileType } from './bounded-file-read.js';
import { faultPoint } from './fault-injection.js';
import { JobError } from './job-error.js';
import { makeFolder } from './make-folder.js';
import { sweepAbandonedTempFiles, tempPathFor } from './temp-files.js';
import { mappingWriteFailure } from './write-failure.js';

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface AtomicWriteOptions {
  /**
   * false: skip both fsyncs, for a file every run rebuilds (metrics textfiles), where readers
   * need only the rename's atomicity and a power cut may at worst leave the previous file
   */
  durable?: boolean;
}

/**
 * Writes a file whole and, when durable, fsyncs it before closing (`wx`: a file that must not
 * exist yet).
 */
export async function writeSyncedFile(
  path: string,
  data: string | Uint8Array,
  flags: 'w' | 'wx',
  durable = true,
): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.writeFile(data);
    if (durable) await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Whether another file's abandoned temporary may be a replacement its owner's recovery still
 * commits (the latency rotation journal rolls the raw file's forward): one beside an existing
 * file is left to that file's own writer. A temporary whose file does not exist was a first
 * write that never finished; any writer of the folder sweeps it.
 */
async function isStagedReplacement(target: string, name: string): Promise<boolean> {
  if (name === basename(target)) return false;
  return lstat(join(dirname(target), name)).then(
    () => true,
    () => false,
  );
}

/**
 * Replaces `target` so that a crash at any instant leaves either the old or the new file: the
 * data goes to a temporary file in the same folder, is fsync'ed, renamed over the target, and
 * the folder is fsync'ed so the rename itself survives a power cut. A link at the target is
 * replaced, never followed. Failures are mapped by writeFailure (`output_not_writable`,
 * `disk_full`).
 */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const durable = options.durable ?? true;
  await mappingWriteFailure(target, async () => {
    await makeFolder(dirname(target), target);
    await sweepAbandonedTempFiles(dirname(target), { spare: (name) => isStagedReplacement(target, name) });
    const temp = tempPathFor(target);
    try {
      await writeSyncedFile(temp, data, 'wx', durable);
      faultPoint('atomic:before-rename');
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    if (durable) await fsyncDirectory(dirname(target));
  });
}

/**
 * Moves an already complete temporary file into place (for outputs produced by streaming),
 * with the same guarantees as writeFileAtomic.
 */
export async function commitTempFile(temp: string, target: string): Promise<void> {
  await mappingWriteFailure(target, async () => {
    const handle = await open(temp, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
    await fsyncDirectory(dirname(target));
  });
}

// Append to a regular file only: never through a link (O_NOFOLLOW), never blocking on a FIFO.
const APPEND_FLAGS =
  constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK;

async function openForAppend(target: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(target, APPEND_FLAGS, 0o666);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new JobError(
        'output_not_writable',
        `cannot append to ${target}: it is a symbolic link; appends never follow links`,
        {
          file: target,
          reason: 'symlink',
        },
      );
    }
    throw error;
  }
  const stats = await handle.stat();
  if (!stats.isFile()) {
    await handle.close();
    throw new JobError(
      'output_not_writable',
      `cannot append to ${target}: it is a ${describeFileType(stats)}, not a regular file`,
      {
        file: target,
        reason: 'not_regular',
      },
    );
  }
  return handle;
}

export interface AppendOptions {
  /** written first when the file is new or empty (a CSV header) */
  header?: string;
}

/**
 * Appends to a regular file under the caller's lock: `write` gets the open handle and the bytes
 * that must precede its data (the header of a new file, or a newline after a torn last line — a
 * hand edit or a full disk — so the first new line is never glued to it). Everything is fsynced;
 * on failure the file goes back to its size before, so a partial line never stays behind.
 */
async function appendTo(
  target: string,
  options: AppendOptions,
  write: (handle: FileHandle, prefix: string) => Promise<void>,
): Promise<void> {
  await mappingWriteFailure(target, async () => {
    await makeFolder(dirname(target), target);
    const handle = await openForAppend(target);
    try {
      const { size } = await handle.stat();
      let prefix = '';
      if (size === 0 && options.header !== undefined) prefix = `${options.header}\n`;
      else if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = '\n';
      }
      try {
        await write(handle, prefix);
        await handle.sync();
      } catch (error) {
        await handle.truncate(size).catch(() => undefined);
        throw error;
      }
    } finally {
      await handle.close();
    }
  });
}

async function writeAll(handle: FileHandle, data: Uint8Array, target: string): Promise<void> {
  const { bytesWritten } = await handle.write(data);
  if (bytesWritten !== data.length) {
    throw Object.assign(new Error(`wrote ${bytesWritten} of ${data.length} bytes to ${target}`), {
      code: 'ENOSPC',
    });
  }
}

/**
 * Appends whole lines with one write call and fsyncs them. Callers that share the file across
 * processes hold a lock around this (see withLock). A link or anything but a regular file at
 * the target is refused (`output_not_writable`); write failures are mapped by writeFailure.
 */
export async function appendLines(
  target: string,
  lines: readonly string[],
  options: AppendOptions = {},
): Promise<void> {
  if (lines.length === 0) return;
  await appendTo(target, options, (handle, prefix) =>
    writeAll(handle, Buffer.from(`${prefix}${lines.join('\n')}\n`), target),
  );
}

/**
 * appendLines for data produced piece by piece (a rejected line of any length copied from its
 * file): the pieces are written as they come, in bounded memory, and must end with a newline.
 * The same refusals apply, and a failure part-way leaves the file as it was.
 */
export async function appendChunks(
  target: string,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: AppendOptions = {},
): Promise<void> {
  await appendTo(target, options, async (handle, prefix) => {
    if (prefix !== '') await writeAll(handle, Buffer.from(prefix), target);
    for await (const chunk of chunks) if (chunk.length > 0) await writeAll(handle, chunk, target);
  });
}
