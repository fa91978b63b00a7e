import { createHash, type Hash } from 'node:crypto';
import { forEachFileChunk, forEachFileLine, type LineFileOptions } from './line-file.js';
import type { FileLine } from './line-splitter.js';

/**
 * The start of an append-only file as a reader saw it: its first `bytes` bytes, `lines` whole
 * lines, with their SHA-256. A later reader whose file still starts with exactly those bytes can
 * take over what was learnt from them and read only what follows.
 */
export interface HashedPrefix {
  bytes: number;
  lines: number;
  sha256: string;
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** The prefix fields of a record read back from the workspace, or null when any is malformed. */
export function hashedPrefixOf(value: {
  bytes?: unknown;
  lines?: unknown;
  sha256?: unknown;
}): HashedPrefix | null {
  const { bytes, lines, sha256 } = value;
  if (!isCount(bytes) || !isCount(lines) || typeof sha256 !== 'string' || !/^[a-f0-9]{64}$/.test(sha256))
    return null;
  return { bytes, lines, sha256 };
}

/**
 * Reads the file's first `prefix.bytes` bytes, hashing them (and handing their lines to
 * `onLine`): the running hash when they are `prefix.lines` whole lines with that SHA-256, to be
 * continued over what follows; null for anything else (a file cut, rewritten or grown in place).
 */
export async function matchHashedPrefix(
  path: string,
  options: LineFileOptions,
  prefix: HashedPrefix,
  onLine?: (line: FileLine) => void,
): Promise<Hash | null> {
  const hash = createHash('sha256');
  if (prefix.bytes === 0) return prefix.lines === 0 ? hash : null;
  let bytes = 0;
  let lastByte = -1;
  let newlines = 0;
  const onChunk = (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
    lastByte = chunk.at(-1) ?? lastByte;
    for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) newlines += 1;
  };
  const read = { ...options, endOffset: prefix.bytes, onChunk };
  // Lines are split only for a reader that wants them: hashing alone goes at the disk's pace.
  const exists = onLine
    ? (await forEachFileLine(path, read, onLine)) !== null
    : await forEachFileChunk(path, read);
  const matches =
    exists &&
    newlines === prefix.lines &&
    bytes === prefix.bytes &&
    lastByte === 0x0a &&
    hash.copy().digest('hex') === prefix.sha256;
  return matches ? hash : null;
}

/**
 * Hashes a file's chunks as they are read (pass `onChunk` to the line reader), counting lines,
 * and keeps the hash as of the end of the last whole line: the prefix a later reader can match.
 * Starts after a matched prefix (with its running hash) or at the file's start.
 */
export class WholeLineHasher {
  private bytes: number;
  private lines: number;
  private wholeBytes: number;
  private wholeSha256: string | null;

  constructor(
    private readonly hash: Hash = createHash('sha256'),
    start: HashedPrefix | null = null,
  ) {
    this.bytes = start?.bytes ?? 0;
    this.wholeBytes = this.bytes;
    this.lines = start?.lines ?? 0;
    this.wholeSha256 = start?.sha256 ?? null;
  }

  /** lines counted so far, those of the start included */
  get lineCount(): number {
    return this.lines;
  }

  /** bytes hashed so far, those of the start included: where reading goes on */
  get byteCount(): number {
    return this.bytes;
  }

  readonly onChunk = (chunk: Buffer): void => {
    const last = chunk.lastIndexOf(0x0a);
    if (last === -1) {
      this.hash.update(chunk);
      this.bytes += chunk.length;
      return;
    }
    for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) this.lines += 1;
    this.hash.update(chunk.subarray(0, last + 1));
    this.wholeBytes = this.bytes + last + 1;
    this.wholeSha256 = this.hash.copy().digest('hex');
    this.hash.update(chunk.subarray(last + 1));
    this.bytes += chunk.length;
  };

  /** The prefix read, when everything read ends with a whole line; null otherwise or when empty. */
  result(): HashedPrefix | null {
    if (this.wholeSha256 === null || this.wholeBytes !== this.bytes) return null;
    return { bytes: this.wholeBytes, lines: this.lines, sha256: this.wholeSha256 };
  }
}
