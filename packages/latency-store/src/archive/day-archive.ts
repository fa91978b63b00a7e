import { createHash, type Hash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { type FileHandle, lstat, open, rm, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeFolder } from '@obs-automation/core';
import { openChunks } from '../file-chunks.js';
import type { LatencyFile } from '../latency-file.js';
import type { ManifestRecord } from './archive-manifest.js';

/**
 * An append to an archive, planned after checking the file against its last manifest line: the
 * bytes it has now (0: the append creates it, starting with a gzip member holding the CSV
 * header), and their hash so far.
 */
export interface ArchiveAppend {
  file: LatencyFile;
  bytesBefore: number;
  /** the archive's last manifest line; null for a new archive */
  current: ManifestRecord | null;
  headerMember: Buffer | null;
  hash: Hash;
}

/** The archive after the append: what its manifest line records. */
export interface AppendedArchive {
  sha256: string;
  bytes: number;
}

const NO_FOLLOW_APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

async function sizeOf(path: string): Promise<number | null> {
  return lstat(path).then(
    (info) => (info.isFile() ? info.size : -1),
    () => null,
  );
}

async function headerLineOf(file: LatencyFile): Promise<string | null> {
  const chunks = await openChunks(file, { gzip: true });
  if (!chunks) return null;
  let text = '';
  for await (const chunk of chunks) {
    text += (chunk as Buffer).toString('utf8');
    const end = text.indexOf('\n');
    if (end >= 0) return `${text.slice(0, end)}\n`;
    if (text.length > 64 * 1024) return null;
  }
  return null;
}

/**
 * Plans appending rows under `headerLine` to `file`, whose last manifest line is `current`; a
 * string says why it cannot be appended to (it would not verify or not read as one CSV), and
 * the caller writes elsewhere. An archive is appended to only when it is exactly what its last
 * line covers (size and SHA-256) and has the same header.
 */
export async function planArchiveAppend(
  file: LatencyFile,
  current: ManifestRecord | undefined,
  headerLine: string,
): Promise<ArchiveAppend | string> {
  const size = await sizeOf(file.path);
  if (size === null) {
    if (current) return `${file.label} is listed in the manifest but missing`;
    return {
      file,
      bytesBefore: 0,
      current: null,
      headerMember: gzipSync(headerLine),
      hash: createHash('sha256'),
    };
  }
  if (size < 0) return `${file.label} is not a regular file`;
  if (!current) return `${file.label} exists but no manifest line names it`;
  if (current.bytes === undefined) return `${file.label} is a per-run archive, never appended to`;
  if (size !== current.bytes)
    return `${file.label} is ${size} bytes; its last manifest line covers ${current.bytes}`;
  const hash = createHash('sha256');
  const chunks = await openChunks(file);
  for await (const chunk of chunks ?? []) hash.update(chunk as Buffer);
  const sha256 = hash.copy().digest('hex');
  if (sha256 !== current.sha256) return `${file.label}: SHA-256 ${sha256} differs from its manifest line's`;
  if ((await headerLineOf(file)) !== headerLine)
    return `${file.label} has another CSV header than the raw file`;
  return { file, bytesBefore: size, current, headerMember: null, hash };
}

async function* memberChunks(path: string): AsyncGenerator<Buffer> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) yield chunk as Buffer;
}

/** SHA-256 and size the archive will have once `memberPath` (a gzip member) is appended. */
export async function appendedArchive(plan: ArchiveAppend, memberPath: string): Promise<AppendedArchive> {
  const hash = plan.hash.copy();
  let bytes = plan.bytesBefore;
  if (plan.headerMember) {
    hash.update(plan.headerMember);
    bytes += plan.headerMember.length;
  }
  for await (const chunk of memberChunks(memberPath)) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await handle.write(data, written, data.length - written);
    written += bytesWritten;
  }
}

/**
 * Appends the plan's header member (a new archive) and the gzip member at `memberPath` to the
 * archive, fsyncs it (and its folder when new), never through a link. `midway` runs after the
 * first bytes are on disk (a fault point). On failure the archive goes back to its size before.
 */
export async function appendToArchive(
  plan: ArchiveAppend,
  memberPath: string,
  midway?: () => void,
): Promise<void> {
  await makeFolder(dirname(plan.file.path), plan.file.path);
  const handle = await open(plan.file.path, NO_FOLLOW_APPEND, 0o666);
  try {
    const { size } = await handle.stat();
    if (size !== plan.bytesBefore) {
      throw new Error(
        `${plan.file.label} changed from ${plan.bytesBefore} to ${size} bytes before the append`,
      );
    }
    if (plan.headerMember) await writeAll(handle, plan.headerMember);
    let first = true;
    for await (const chunk of memberChunks(memberPath)) {
      await writeAll(handle, chunk);
      if (first) midway?.();
      first = false;
    }
    await handle.sync();
  } catch (error) {
    await handle.close();
    await undoArchiveAppend(plan.file.path, plan.bytesBefore);
    throw error;
  }
  await handle.close();
  if (plan.bytesBefore === 0) {
    const folder = await open(dirname(plan.file.path), 'r');
    await folder.sync().finally(() => folder.close());
  }
}

/** Takes an archive back to its size before an append that was not recorded (0: removes it). */
export async function undoArchiveAppend(path: string, bytesBefore: number): Promise<void> {
  if (bytesBefore === 0) {
    await rm(path, { force: true });
    return;
  }
  const size = await sizeOf(path);
  if (size !== null && size > bytesBefore) await truncate(path, bytesBefore);
}

/** The manifest line's figures for the archive after the append: the rows it adds to what it had. */
export function cumulativeFigures(
  current: ManifestRecord | null,
  added: { rows: number; firstMs: number; lastMs: number },
): { row_count: number; first_ts: string; last_ts: string } {
  const firstMs = Math.min(added.firstMs, current?.firstMs ?? Number.POSITIVE_INFINITY);
  const lastMs = Math.max(added.lastMs, current?.lastMs ?? Number.NEGATIVE_INFINITY);
  return {
    row_count: added.rows + (current?.row_count ?? 0),
    first_ts: new Date(firstMs).toISOString(),
    last_ts: new Date(lastMs).toISOString(),
  };
}
