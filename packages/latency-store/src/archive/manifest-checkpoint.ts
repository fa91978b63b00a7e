import {
  type HashedPrefix,
  hashedPrefixOf,
  matchHashedPrefix,
  readJsonObjectFile,
  WholeLineHasher,
  writeFileAtomic,
} from '@obs-automation/core';
import type { LatencyFile } from '../latency-file.js';
import {
  type ArchiveManifest,
  type DeletionRecord,
  type ManifestIssue,
  type ManifestRecord,
  manifestRecordReader,
  readManifestLines,
} from './archive-manifest.js';

/**
 * A checkpoint of the archive manifest: its first `manifest_bytes` bytes (`manifest_lines`
 * whole lines, their SHA-256) reduced to what a run uses — for each archive its last line, every
 * line that folds archives in, every deletion and every issue. A run whose manifest still starts
 * with exactly those bytes reads only the lines after them; anything else (no checkpoint, one that
 * fails its checks, a manifest rewritten or cut) is a full read. The manifest stays the record.
 */
interface Checkpoint {
  version: 1;
  manifest_bytes: number;
  manifest_lines: number;
  manifest_sha256: string;
  entries: Omit<ManifestRecord, 'firstMs' | 'lastMs'>[];
  deletions: DeletionRecord[];
  issues: ManifestIssue[];
}

/** The archive manifest as a run read it, and what a new checkpoint of it needs. */
export interface CheckpointedManifest {
  manifest: ArchiveManifest;
  /** lines read past the checkpoint (every line without a usable one) */
  linesRead: number;
  /** bytes up to the end of the last whole line, their line count and SHA-256 */
  wholeLines: HashedPrefix | null;
}

/** A new checkpoint is written once this many lines were read past the last one (about a day of runs). */
export const CHECKPOINT_EVERY_LINES = 96;
const MAX_ISSUE_CHARS = 2000;

export function checkpointPathOf(manifestPath: string): string {
  return `${manifestPath}.checkpoint.json`;
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** The checkpoint's manifest state when every part of it checks out; null for anything else. */
async function loadCheckpoint(
  file: LatencyFile,
): Promise<{ prefix: HashedPrefix; manifest: ArchiveManifest } | null> {
  const read = await readJsonObjectFile(checkpointPathOf(file.path), {
    kind: 'manifest_checkpoint',
    shown: checkpointPathOf(file.label),
    code: 'invalid_input',
  });
  if (read.kind !== 'ok') return null;
  const data = read.data as Partial<Checkpoint>;
  const prefix = hashedPrefixOf({
    bytes: data.manifest_bytes,
    lines: data.manifest_lines,
    sha256: data.manifest_sha256,
  });
  if (
    data.version !== 1 ||
    prefix === null ||
    !Array.isArray(data.entries) ||
    !Array.isArray(data.deletions) ||
    !Array.isArray(data.issues)
  )
    return null;
  const { lines } = prefix;
  const inRange = (line: unknown): line is number => isCount(line) && line >= 1 && line <= lines;
  const recordOf = await manifestRecordReader();
  const manifest: ArchiveManifest = { entries: [], deletions: [], issues: [] };
  for (const saved of [...data.entries, ...data.deletions] as unknown[]) {
    if (saved === null || typeof saved !== 'object' || Array.isArray(saved)) return null;
    const { line, ...value } = saved as { line?: unknown };
    if (!inRange(line)) return null;
    const record = recordOf(value, line);
    if (typeof record === 'string') return null;
    if ('event' in record) manifest.deletions.push(record);
    else manifest.entries.push(record);
  }
  if (manifest.deletions.length !== data.deletions.length) return null;
  for (const issue of data.issues as unknown[]) {
    const { line, message } = (issue ?? {}) as { line?: unknown; message?: unknown };
    if (!inRange(line) || typeof message !== 'string' || message.length > MAX_ISSUE_CHARS) return null;
    manifest.issues.push({ line, message });
  }
  return { prefix, manifest };
}

/**
 * Reads the archive manifest from its checkpoint when the manifest still starts with the bytes
 * the checkpoint covers, else whole; the result is what readArchiveManifest gives for the same
 * file, apart from lines that no longer matter (an archive's earlier lines).
 */
export async function readCheckpointedManifest(file: LatencyFile): Promise<CheckpointedManifest> {
  const saved = await loadCheckpoint(file);
  let manifest: ArchiveManifest = { entries: [], deletions: [], issues: [] };
  let hasher = new WholeLineHasher();
  if (saved) {
    const hash = await matchHashedPrefix(
      file.path,
      { kind: 'jsonl_manifest', shown: file.label },
      saved.prefix,
    );
    if (hash) {
      manifest = saved.manifest;
      hasher = new WholeLineHasher(hash, saved.prefix);
    }
  }
  const startLines = hasher.lineCount;
  await readManifestLines(file, manifest, {
    startOffset: hasher.byteCount,
    firstLineNumber: startLines + 1,
    onChunk: hasher.onChunk,
  });
  return { manifest, linesRead: hasher.lineCount - startLines, wholeLines: hasher.result() };
}

/**
 * Writes a checkpoint of the manifest as read (atomically; a run holds the job lock) once enough
 * lines were read past the last one and the manifest ends with a whole line. Returns whether it did.
 */
export async function writeManifestCheckpoint(
  file: LatencyFile,
  read: CheckpointedManifest,
): Promise<boolean> {
  if (read.linesRead < CHECKPOINT_EVERY_LINES || read.wholeLines === null) return false;
  const lastLineOf = new Map<string, number>();
  for (const entry of read.manifest.entries) lastLineOf.set(entry.path, entry.line);
  const checkpoint: Checkpoint = {
    version: 1,
    manifest_bytes: read.wholeLines.bytes,
    manifest_lines: read.wholeLines.lines,
    manifest_sha256: read.wholeLines.sha256,
    entries: read.manifest.entries
      .filter((entry) => lastLineOf.get(entry.path) === entry.line || (entry.replaces?.length ?? 0) > 0)
      .map(({ firstMs: _first, lastMs: _last, ...entry }) => entry),
    deletions: read.manifest.deletions,
    issues: read.manifest.issues,
  };
  await writeFileAtomic(checkpointPathOf(file.path), `${JSON.stringify(checkpoint)}\n`);
  return true;
}
