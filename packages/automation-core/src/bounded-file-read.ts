import {
  type BigIntStats,
  closeSync,
  constants,
  createReadStream,
  fstatSync,
  openSync,
  read,
  readSync,
  type Stats,
} from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { FILE_READ_RULES, type FileKind } from './file-read-rules.js';
import { statsOrNull } from './file-stats.js';
import { JobError } from './job-error.js';
import { escapeUntrusted } from './message-text.js';
import { keepSharedBytes, mayKeep, sharedBytes, sharedReadsFor } from './shared-reads.js';

export interface RegularFileOptions {
  /** which rule of FILE_READ_RULES applies: its size cap and whether a link is followed */
  kind: FileKind;
  /** how messages name the file, e.g. its root-relative path (default: the path as given) */
  shown?: string;
  /** what the file is, for messages (default: the kind, e.g. `heartbeat`) */
  what?: string;
  /** the error code of a refused file (default `invalid_input`) */
  code?: string;
  /** a tighter cap than the kind's */
  maxBytes?: number;
  /** overrides the kind's rule: false for a path already resolved by resolveContainedPath */
  followSymlinks?: boolean;
}

export interface OpenedRegularFile {
  handle: FileHandle;
  size: number;
  /** fstat of the descriptor, with nanosecond times (what identifies the file read) */
  stats: BigIntStats;
}

const READ_CHUNK_BYTES = 64 * 1024;
/**
 * Up to this size a whole file is read with synchronous calls: a read through libuv's thread
 * pool costs a round trip per call (open, fstat, read, close), tens of microseconds each, while
 * a small file's bytes are a page-cache copy. Larger files are read asynchronously, so timers
 * (heartbeats, lock refreshes) are never held up by a long read.
 */
const SYNC_READ_MAX_BYTES = 1024 * 1024;
const readAsync = promisify(read);
const MAX_SHOWN_PATH_CHARS = 300;

/** `FIFO`, `character device`, … for messages about a file that is not a regular file. */
export function describeFileType(stats: Stats | BigIntStats): string {
  if (stats.isFile()) return 'regular file';
  if (stats.isDirectory()) return 'folder';
  if (stats.isFIFO()) return 'FIFO';
  if (stats.isCharacterDevice()) return 'character device';
  if (stats.isBlockDevice()) return 'block device';
  if (stats.isSocket()) return 'socket';
  if (stats.isSymbolicLink()) return 'symbolic link';
  return 'special file';
}

function refusal(options: RegularFileOptions, problem: string, details: Record<string, unknown>): JobError {
  const what = options.what ?? options.kind.replaceAll('_', ' ');
  // The name may come from a workspace file: escaped, so it cannot forge a line or hide characters.
  const shown = escapeUntrusted(options.shown ?? '(unnamed file)', MAX_SHOWN_PATH_CHARS);
  return new JobError(options.code ?? 'invalid_input', `${what} ${shown} ${problem}`, {
    file: shown,
    problem,
    ...details,
  });
}

function followsSymlinks(options: RegularFileOptions): boolean {
  return options.followSymlinks ?? FILE_READ_RULES[options.kind].followSymlinks;
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Why opening failed, in words: the file's type when that is the reason (a socket cannot be opened). */
function openFailure(path: string, error: unknown, options: RegularFileOptions): JobError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  if (code === 'ELOOP' && !followsSymlinks(options)) {
    return refusal(
      options,
      'is a symbolic link; the jobs write this file themselves and never follow a link there',
      {
        reason: 'symlink',
      },
    );
  }
  const stats = statsOrNull(path, false);
  if (stats && !stats.isFile() && !stats.isSymbolicLink()) {
    const type = describeFileType(stats);
    return refusal(options, `is a ${type}, not a regular file`, { reason: 'not_regular', file_type: type });
  }
  return refusal(options, `cannot be read (${code})`, { reason: 'unreadable', errno: code });
}

function openFlags(options: RegularFileOptions): number {
  return constants.O_RDONLY | constants.O_NONBLOCK | (followsSymlinks(options) ? 0 : constants.O_NOFOLLOW);
}

/** The size of an opened file, after refusing anything but a regular file within the kind's cap. */
function checkedSize(stats: BigIntStats, options: RegularFileOptions): number {
  if (!stats.isFile()) {
    const type = describeFileType(stats);
    throw refusal(options, `is a ${type}, not a regular file`, { reason: 'not_regular', file_type: type });
  }
  const size = Number(stats.size);
  const maxBytes = options.maxBytes ?? FILE_READ_RULES[options.kind].maxBytes;
  if (maxBytes !== null && size > maxBytes) throw tooLarge(options, maxBytes, size);
  return size;
}

/**
 * Opens a file for reading without ever blocking: O_NONBLOCK (a FIFO opens at once instead of
 * waiting for a writer), O_NOFOLLOW unless the kind allows links, then fstat on the descriptor:
 * anything but a regular file, or a file over the kind's cap, is refused with a JobError naming
 * the file and why. Returns null when the file does not exist.
 */
export async function openRegularFile(
  path: string,
  options: RegularFileOptions,
): Promise<OpenedRegularFile | null> {
  let handle: FileHandle;
  try {
    handle = await open(path, openFlags(options));
  } catch (error) {
    if (isMissing(error)) return null;
    throw openFailure(path, error, options);
  }
  try {
    const stats = await handle.stat({ bigint: true });
    return { handle, size: checkedSize(stats, options), stats };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

interface OpenedDescriptor {
  fd: number;
  size: number;
  stats: BigIntStats;
}

/** openRegularFile with synchronous calls (opening with O_NONBLOCK never waits), for whole reads. */
function openRegularDescriptor(path: string, options: RegularFileOptions): OpenedDescriptor | null {
  let fd: number;
  try {
    fd = openSync(path, openFlags(options));
  } catch (error) {
    if (isMissing(error)) return null;
    throw openFailure(path, error, options);
  }
  try {
    const stats = fstatSync(fd, { bigint: true });
    return { fd, size: checkedSize(stats, options), stats };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function tooLarge(options: RegularFileOptions, maxBytes: number, size: number | null): JobError {
  const cap = `the ${maxBytes}-byte cap for a ${options.kind.replaceAll('_', ' ')}`;
  const problem = size === null ? `grew past ${cap} while it was read` : `is ${size} bytes, over ${cap}`;
  return refusal(options, problem, {
    reason: 'too_large',
    max_bytes: maxBytes,
    ...(size === null ? {} : { size }),
  });
}

/**
 * Reads an opened file to its end, closing it; more than `maxBytes` is refused. A short read
 * once the file has the size it had when opened is its end: a small file takes one read.
 */
async function readOpened(
  opened: OpenedDescriptor,
  maxBytes: number,
  options: RegularFileOptions,
): Promise<Buffer> {
  const synchronous = opened.size <= SYNC_READ_MAX_BYTES;
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, maxBytes + 1 - total));
      const bytesRead = synchronous
        ? readSync(opened.fd, chunk, 0, chunk.length, null)
        : (await readAsync(opened.fd, chunk, 0, chunk.length, null)).bytesRead;
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw tooLarge(options, maxBytes, null);
      if (bytesRead < chunk.length && total >= opened.size) break;
    }
  } catch (error) {
    if (error instanceof JobError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw refusal(options, `cannot be read (${code})`, { reason: 'unreadable', errno: code });
  } finally {
    closeSync(opened.fd);
  }
  return Buffer.concat(chunks, total);
}

/**
 * What an earlier read in the same obs-daily chain kept of this file (see shared-reads.ts), as
 * a copy the caller may change; null when there is none, and the file is read as usual.
 */
function keptBytes(path: string, options: RegularFileOptions): Buffer | null {
  const shared = sharedReadsFor(options.kind);
  const kept = shared ? sharedBytes(shared, path, followsSymlinks(options)) : null;
  if (!kept) return null;
  const maxBytes = options.maxBytes ?? FILE_READ_RULES[options.kind].maxBytes;
  if (maxBytes !== null && kept.length > maxBytes) throw tooLarge(options, maxBytes, kept.length);
  return Buffer.from(kept);
}

/** Reads the whole file and keeps it for the rest of the chain, when one is running. */
async function readAndKeep(
  path: string,
  opened: OpenedDescriptor,
  maxBytes: number,
  options: RegularFileOptions,
): Promise<Buffer> {
  const bytes = await readOpened(opened, maxBytes, options);
  const shared = sharedReadsFor(options.kind);
  if (shared) keepSharedBytes(shared, path, opened.stats, Buffer.from(bytes));
  return bytes;
}

/**
 * Reads a whole file under its kind's cap (see openRegularFile). A file that grows past the cap
 * while it is read is refused too. Returns null when the file does not exist.
 */
export async function readBoundedFile(path: string, options: RegularFileOptions): Promise<Buffer | null> {
  const kept = keptBytes(path, options);
  if (kept) return kept;
  const opened = openRegularDescriptor(path, options);
  if (!opened) return null;
  const maxBytes = options.maxBytes ?? FILE_READ_RULES[options.kind].maxBytes;
  if (maxBytes === null) {
    closeSync(opened.fd);
    throw new Error(`${options.kind} files are streamed, never read whole: use openInputStream`);
  }
  return readAndKeep(path, opened, maxBytes, options);
}

/** readBoundedFile as UTF-8 text, a leading byte-order mark removed. */
export async function readBoundedText(path: string, options: RegularFileOptions): Promise<string | null> {
  const bytes = await readBoundedFile(path, options);
  return bytes === null ? null : bytes.toString('utf8').replace(/^\uFEFF/, '');
}

/** The smallest chunk a stream reads in (Node's default): a file that grows is still read in few calls. */
const MIN_STREAM_CHUNK_BYTES = 64 * 1024;

/**
 * The chunk a stream reads in: as asked, but no larger than what the file holds (one byte more,
 * so that a file read whole takes one read before its end). Every read allocates a buffer of the
 * chunk's size, so a 1 MiB chunk for a file of a few hundred bytes was a megabyte of garbage per
 * file, and reading hundreds of small archives spent most of its time collecting it.
 */
function streamChunkBytes(asked: number, size: number, range: { start?: number; end?: number }): number {
  const last = Math.min(range.end ?? size - 1, size - 1);
  const readable = Math.max(0, last - (range.start ?? 0) + 1);
  return Math.min(asked, Math.max(MIN_STREAM_CHUNK_BYTES, readable + 1));
}

export interface InputStreamOptions extends RegularFileOptions {
  start?: number;
  end?: number;
  highWaterMark?: number;
}

/** A stream over bytes already in memory, read as a file stream is. */
function streamOf(bytes: Buffer): Readable {
  return Readable.from(bytes.length > 0 ? [bytes] : [], { objectMode: false });
}

/**
 * A stream over a regular file, opened as openRegularFile opens it (never blocking, links as
 * the kind allows, the kind's cap checked against the size); the descriptor closes with the
 * stream. Returns null when the file does not exist. In an obs-daily chain a small input of a
 * shared kind is read whole and handed on to later readers (see shared-reads.ts).
 */
export async function openInputStream(path: string, options: InputStreamOptions): Promise<Readable | null> {
  const whole = options.start === undefined && options.end === undefined;
  const kept = whole ? keptBytes(path, options) : null;
  if (kept) return streamOf(kept);
  const opened = openRegularDescriptor(path, options);
  if (!opened) return null;
  if (whole && sharedReadsFor(options.kind) && mayKeep(opened.size)) {
    // streamed kinds have no cap on what a file grows by while it is read
    return streamOf(await readAndKeep(path, opened, Number.POSITIVE_INFINITY, options));
  }
  return createReadStream('', {
    fd: opened.fd,
    autoClose: true,
    ...(options.start === undefined ? {} : { start: options.start }),
    ...(options.end === undefined ? {} : { end: options.end }),
    ...(options.highWaterMark === undefined
      ? {}
      : { highWaterMark: streamChunkBytes(options.highWaterMark, opened.size, options) }),
  });
}
