import type { FileHandle } from 'node:fs/promises';
import { openRegularFile } from './bounded-file-read.js';

export interface LastSequencedEntry {
  /** a whole number ≥ 0; it may lie past Number.MAX_SAFE_INTEGER (the caller refuses to go on from there) */
  sequence: number;
  jobId: string | null;
}

const CHUNK_BYTES = 64 * 1024;
/** Log lines are < 4096 bytes; a longer run without a newline is garbage and is skipped unread. */
const MAX_LINE_BYTES = 1024 * 1024;

/**
 * The lines of a JSON-lines file from its end backwards, read in chunks so that the cost does not
 * grow with the file and memory stays flat. With `maxBytes`, only that many bytes from the end
 * are read and the partial line at the cut is not yielded. Each line (without its newline, maybe
 * empty) is only valid until the next one is asked for. A line longer than MAX_LINE_BYTES is
 * passed over unread.
 */
export async function* linesBackwards(
  handle: FileHandle,
  size: number,
  options: { maxBytes?: number } = {},
): AsyncGenerator<Buffer> {
  const floor = options.maxBytes === undefined ? 0 : Math.max(0, size - options.maxBytes);
  let position = size;
  // The start of a line whose beginning lies in the chunk before the one just read.
  let carry = Buffer.alloc(0);
  // Set while passing over an overlong line: its bytes are dropped until its start is found.
  let skipping = false;
  while (position > floor) {
    const length = Math.min(CHUNK_BYTES, position - floor);
    position -= length;
    const chunk = Buffer.alloc(length);
    await handle.read(chunk, 0, length, position);
    const buffer = Buffer.concat([chunk, carry]);
    let end = buffer.length;
    // lastIndexOf searches natively: a byte-by-byte loop cost obs-status ~10 ms over 256 KB of tail.
    while (end >= 0) {
      const index = end > 0 ? buffer.lastIndexOf(0x0a, end - 1) : -1;
      // the first line of the chunk starts in the one before it (or before the cut)
      if (index < 0 && position > 0) break;
      if (skipping) skipping = false;
      else yield buffer.subarray(index + 1, end);
      end = index;
    }
    carry = buffer.subarray(0, Math.max(end, 0));
    if (carry.length > MAX_LINE_BYTES) {
      skipping = true;
      carry = Buffer.alloc(0);
    }
  }
}

/**
 * The complete lines among a file's first `maxBytes` bytes (default: one line's cap), read in
 * chunks until a newline: the head of a log in bounded time and memory. Each line is only valid
 * until the next one is asked for.
 */
export async function* linesForward(
  handle: FileHandle,
  size: number,
  maxBytes: number = MAX_LINE_BYTES,
): AsyncGenerator<Buffer> {
  const limit = Math.min(size, maxBytes);
  let carry = Buffer.alloc(0);
  for (let position = 0; position < limit; ) {
    const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, limit - position));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const buffer = Buffer.concat([carry, chunk.subarray(0, bytesRead)]);
    let start = 0;
    for (let newline = buffer.indexOf(0x0a); newline !== -1; newline = buffer.indexOf(0x0a, start)) {
      yield buffer.subarray(start, newline);
      start = newline + 1;
    }
    carry = buffer.subarray(start);
  }
  if (carry.length > 0 && limit === size) yield carry;
}

function parseSequenced(line: Buffer): LastSequencedEntry | null {
  if (line.length === 0) return null;
  try {
    const entry = JSON.parse(line.toString('utf8')) as { sequence?: unknown; job_id?: unknown } | null;
    if (!Number.isInteger(entry?.sequence) || (entry?.sequence as number) < 0) return null;
    return {
      sequence: entry?.sequence as number,
      jobId: typeof entry?.job_id === 'string' ? entry.job_id : null,
    };
  } catch {
    return null;
  }
}

export interface SequencedEnd {
  entry: LastSequencedEntry | null;
  /** the log's size when it was read */
  size: number;
}

/**
 * Finds the first (reading forwards, within the first line's cap) or last (reading backwards)
 * entry carrying a sequence. Unparseable lines (a torn tail, a hand edit) are passed over.
 * Throws a JobError (`log_write_failed`) for a log that is a link or not a regular file; null
 * when the log does not exist.
 */
export async function sequencedEnd(logPath: string, end: 'first' | 'last'): Promise<SequencedEnd | null> {
  // The log is only ever appended to in place: a link or a FIFO there is refused, not followed.
  const opened = await openRegularFile(logPath, {
    kind: 'run_log',
    shown: logPath,
    code: 'log_write_failed',
  });
  if (!opened) return null;
  try {
    const lines =
      end === 'last' ? linesBackwards(opened.handle, opened.size) : linesForward(opened.handle, opened.size);
    for await (const line of lines) {
      const found = parseSequenced(line);
      if (found) return { entry: found, size: opened.size };
    }
    return { entry: null, size: opened.size };
  } finally {
    await opened.handle.close();
  }
}

/** The last entry carrying a sequence, read backwards (sequencedEnd). */
export async function lastSequencedEntry(logPath: string): Promise<LastSequencedEntry | null> {
  return (await sequencedEnd(logPath, 'last'))?.entry ?? null;
}
