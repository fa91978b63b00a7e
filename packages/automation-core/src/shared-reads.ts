import { type BigIntStats, lstatSync, statSync } from 'node:fs';
import type { FileKind } from './file-read-rules.js';

/**
 * The inputs several jobs of one obs-daily chain read: the configs (once to plan the chain, once
 * to run each job), the runs index and each run's daily.csv, the latency rollup and samples,
 * the heartbeats. Other kinds are read by one job only, or are re-read on purpose (the run log
 * and its sequence file under the log lock).
 */
const SHARED_KINDS: ReadonlySet<FileKind> = new Set(['config', 'heartbeat', 'csv_input', 'raw_samples']);
/** A larger file is read again rather than kept: the chain's memory matters more than one read. */
const MAX_SHARED_FILE_BYTES = 4 * 1024 * 1024;
const MAX_SHARED_TOTAL_BYTES = 32 * 1024 * 1024;

interface SharedFile {
  identity: string;
  bytes: Buffer;
}

interface SharedReads {
  files: Map<string, SharedFile>;
  totalBytes: number;
  /** values parsed from file contents, by what they were parsed from (see sharedParse) */
  parsed: Map<string, unknown>;
}

/**
 * The chain being run. A process runs one chain, so a module variable serves where an
 * AsyncLocalStorage would enable promise hooks that slow every await of the run.
 */
let current: SharedReads | null = null;

/**
 * Runs `run` with the files it reads kept and handed on to later reads of the same path, as
 * long as the file on disk is still the one that was read (same device, inode, size, change and
 * modification times to the nanosecond): a file replaced or appended to in between is read
 * again. obs-daily runs its chain this way, so each shared input is opened once per chain.
 */
export async function withSharedReads<T>(run: () => Promise<T>): Promise<T> {
  const outer = current;
  current = { files: new Map(), totalBytes: 0, parsed: new Map() };
  try {
    return await run();
  } finally {
    current = outer;
  }
}

/** What makes two reads of a path the same file with the same bytes. */
export function fileIdentity(stats: BigIntStats): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
}

/** The scope when `kind` is shared and a chain is running; null otherwise. */
export function sharedReadsFor(kind: FileKind): SharedReads | null {
  return current && SHARED_KINDS.has(kind) ? current : null;
}

/**
 * The bytes an earlier read of `path` kept, when the file is still the same; null when it was
 * never read, has changed or is gone (the caller then opens it as usual and gets the usual
 * refusal for a link or a special file).
 */
export function sharedBytes(shared: SharedReads, path: string, followSymlinks: boolean): Buffer | null {
  const kept = shared.files.get(path);
  if (!kept) return null;
  let stats: BigIntStats | undefined;
  try {
    stats = (followSymlinks ? statSync : lstatSync)(path, { bigint: true, throwIfNoEntry: false });
  } catch {
    return null;
  }
  return stats?.isFile() && fileIdentity(stats) === kept.identity ? kept.bytes : null;
}

/** Keeps the whole content of a file just read (the identity taken from its open descriptor). */
export function keepSharedBytes(shared: SharedReads, path: string, stats: BigIntStats, bytes: Buffer): void {
  if (bytes.length !== Number(stats.size) || bytes.length > MAX_SHARED_FILE_BYTES) return;
  const previous = shared.files.get(path)?.bytes.length ?? 0;
  if (shared.totalBytes - previous + bytes.length > MAX_SHARED_TOTAL_BYTES) return;
  shared.files.set(path, { identity: fileIdentity(stats), bytes });
  shared.totalBytes += bytes.length - previous;
}

/** Whether a file of this size may be kept (a stream only gathers its chunks when it may). */
export function mayKeep(size: number): boolean {
  return size <= MAX_SHARED_FILE_BYTES;
}

/**
 * The value `parse` derives from a file's content: in a chain, parsed once per distinct `key`
 * (which must contain the content and everything else the value depends on) and handed to each
 * caller as its own copy; outside a chain, parsed every time. A failed parse is not kept.
 */
export async function sharedParse<T>(key: string, parse: () => Promise<T>): Promise<T> {
  const shared = current;
  if (!shared) return parse();
  if (!shared.parsed.has(key)) shared.parsed.set(key, await parse());
  return structuredClone(shared.parsed.get(key)) as T;
}
