import { dirname } from 'node:path';
import { JobError } from './job-error.js';

const NOT_WRITABLE: Readonly<Record<string, string>> = {
  EACCES: 'is not writable (permission denied)',
  EPERM: 'is not writable (operation not permitted)',
  EROFS: 'is on a read-only file system',
  ENOTDIR: 'cannot be used: part of its path is not a folder',
  // mkdir of a folder where a file of that name already stands
  EEXIST: 'cannot be used: part of its path is not a folder',
};
const FULL: Readonly<Record<string, string>> = {
  ENOSPC: 'has no space left',
  EDQUOT: 'is over its disk quota',
  EFBIG: 'cannot take a file this large',
};

/**
 * The one mapping of a failed write to an error code: a folder that cannot be written is
 * `output_not_writable`, a full disk or quota `disk_full`, both naming the target and its folder
 * (never the hidden temporary file the failing call was about) — or the folder given, when a
 * parent further up is the one at fault. Anything else, and a JobError, is returned unchanged.
 */
export function writeFailure(error: unknown, target: string, folder: string = dirname(target)): unknown {
  if (error instanceof JobError) return error;
  const errno = (error as NodeJS.ErrnoException)?.code;
  if (errno === undefined) return error;
  const failed = (code: string, problem: string) =>
    new JobError(code, `cannot write ${target}: ${problem} (${errno})`, { folder, file: target, errno });
  if (errno === 'EISDIR') return failed('output_not_writable', 'it is a folder');
  const notWritable = NOT_WRITABLE[errno];
  if (notWritable) return failed('output_not_writable', `folder ${folder} ${notWritable}`);
  const full = FULL[errno];
  if (full) return failed('disk_full', `the disk holding folder ${folder} ${full}`);
  return error;
}

/** System calls that only ever write: a permission error from one of them is about an output. */
const WRITING_CALLS: ReadonlySet<string> = new Set([
  'mkdir',
  'rename',
  'write',
  'writev',
  'unlink',
  'rmdir',
  'symlink',
  'link',
  'copyfile',
  'ftruncate',
  'fsync',
  'fdatasync',
]);

/**
 * The harness's last resort for a failure no write site mapped: a full disk, a quota or a
 * read-only file system is a write failure whatever the call; a permission error only when the
 * call writes (an `open` may be a read). It names the path the error carries; anything else is
 * returned unchanged (and becomes `internal_error`).
 */
export function unmappedWriteFailure(error: unknown): unknown {
  const { code, path, syscall } = (error ?? {}) as NodeJS.ErrnoException;
  if (error instanceof JobError || code === undefined || typeof path !== 'string') return error;
  const writes =
    FULL[code] !== undefined ||
    code === 'EROFS' ||
    (NOT_WRITABLE[code] !== undefined && WRITING_CALLS.has(syscall ?? ''));
  return writes ? writeFailure(error, path) : error;
}

/** Runs a write and rethrows its failure mapped by writeFailure. */
export async function mappingWriteFailure<T>(target: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw writeFailure(error, target);
  }
}
