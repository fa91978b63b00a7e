import {
  appendLines,
  bundledSchemaPath,
  forEachJsonLine,
  formatSchemaIssues,
  JobError,
  type LineFileOptions,
  resolveContainedPath,
  schemaValidator,
  type Validator,
} from '@obs-automation/core';
import { parseTimestampText } from '../csv/ascii-timestamp.js';
import { refusedFile } from '../file-chunks.js';
import { type LatencyFile, LatencyFileError } from '../latency-file.js';

export const ARCHIVE_MANIFEST_SCHEMA = 'signal_latency_archive.schema.json';

/** One line of the archive manifest (schemas/signal_latency_archive.schema.json). */
export interface ArchiveManifestEntry {
  job_id: string;
  /** archive path relative to the workspace root, `/`-separated */
  path: string;
  sha256: string;
  row_count: number;
  first_ts: string;
  last_ts: string;
  reason: 'retention' | 'size' | 'compaction';
  /** day archives: the line covers the file's first `bytes` bytes (later appends never change them) */
  bytes?: number;
  /** compaction: archives whose rows this change folded in; they no longer count from this line on */
  replaces?: string[];
  rotated_at: string;
}

/** A line recording an archive deleted after its rows were folded into a day archive. */
export interface ArchiveDeletionEntry {
  event: 'deleted';
  job_id: string;
  path: string;
  sha256: string;
  row_count: number;
  reason: 'compacted';
  /** the day archive holding its rows */
  into: string;
  deleted_at: string;
}

export type ArchiveManifestLine = ArchiveManifestEntry | ArchiveDeletionEntry;

export interface ManifestRecord extends ArchiveManifestEntry {
  line: number;
  firstMs: number;
  lastMs: number;
}

export interface DeletionRecord extends ArchiveDeletionEntry {
  line: number;
}

export interface ManifestIssue {
  line: number;
  message: string;
}

export interface ArchiveManifest {
  /** every archive line, in file order (a day archive has one per change) */
  entries: ManifestRecord[];
  deletions: DeletionRecord[];
  /** lines that could not be used; reported, never fatal */
  issues: ManifestIssue[];
}

function manifestValidator(): Promise<Validator> {
  return schemaValidator(bundledSchemaPath(ARCHIVE_MANIFEST_SCHEMA));
}

function isDeletion(line: ArchiveManifestLine): line is ArchiveDeletionEntry {
  return 'event' in line;
}

/** The record of one line, or what is wrong with it (never quoting the line itself). */
function recordOf(
  value: unknown,
  line: number,
  validate: Validator,
): ManifestRecord | DeletionRecord | string {
  const issues = validate(value);
  if (issues.length > 0) return `fails ${ARCHIVE_MANIFEST_SCHEMA}: ${formatSchemaIssues(issues)}`;
  const parsed = value as ArchiveManifestLine;
  if (isDeletion(parsed)) return { ...parsed, line };
  const entry = parsed;
  const firstMs = parseTimestampText(entry.first_ts);
  const lastMs = parseTimestampText(entry.last_ts);
  if (Number.isNaN(firstMs) || Number.isNaN(lastMs)) return 'first_ts/last_ts are not timestamps';
  return { ...entry, line, firstMs, lastMs };
}

/** Where a read of the manifest's lines starts, and who else sees its bytes. */
export type ManifestLinesRead = Pick<LineFileOptions, 'startOffset' | 'firstLineNumber' | 'onChunk'>;

/**
 * Adds the manifest's lines (from `from.startOffset`, or all) to `manifest`: each line validated
 * against the schema its writer used; a line that cannot be used goes to `issues`. A manifest
 * that is a link, a FIFO or a device is a LatencyFileError naming it.
 */
export async function readManifestLines(
  file: LatencyFile,
  manifest: ArchiveManifest,
  from: ManifestLinesRead = {},
): Promise<void> {
  const validate = await manifestValidator();
  try {
    await forEachJsonLine(
      file.path,
      { shown: file.label, what: 'archive manifest', ...from },
      ({ line, value }) => {
        const record = recordOf(value, line, validate);
        if (typeof record === 'string') manifest.issues.push({ line, message: record });
        else if ('event' in record) manifest.deletions.push(record);
        else manifest.entries.push(record);
      },
      (line, message) => manifest.issues.push({ line, message }),
    );
  } catch (error) {
    throw refusedFile(file, error);
  }
}

/**
 * Reads the archive manifest (JSON lines, streamed: lines over the core's line cap, not JSON or
 * nested too deep are issues), each line validated against the schema its writer used. A
 * missing file is an empty manifest; a line that cannot be used is listed in `issues` with its
 * line number and skipped, so one torn line cannot stop a job. A manifest that is a link, a FIFO
 * or a device is a LatencyFileError naming it.
 */
export async function readArchiveManifest(file: LatencyFile): Promise<ArchiveManifest> {
  const manifest: ArchiveManifest = { entries: [], deletions: [], issues: [] };
  await readManifestLines(file, manifest);
  return manifest;
}

/** The record of a line as the manifest reader makes it, or what is wrong with the line. */
export async function manifestRecordReader(): Promise<
  (value: unknown, line: number) => ManifestRecord | DeletionRecord | string
> {
  const validate = await manifestValidator();
  return (value, line) => recordOf(value, line, validate);
}

/**
 * What an archive manifest line may name: an archive as obs-latency writes it,
 * `<archive-dir>/YYYY/MM/<name>.csv.gz`, relative to the root and inside it (links resolved).
 */
export const ARCHIVE_ENTRY_RULE = {
  what: 'archive path',
  allowed: /(?:^|\/)\d{4}\/\d{2}\/[^/]+\.csv\.gz$/,
} as const;

/**
 * The archive a manifest line names, resolved inside the root by ARCHIVE_ENTRY_RULE; a path it
 * may not name (outside the root, through a link, not an archive path, not a regular file) is a
 * LatencyFileError naming the path quoted, and nothing is opened. A missing archive is returned
 * as it is (its reader reports it).
 */
export async function archiveFileOf(root: string, entryPath: string, manifest: string): Promise<LatencyFile> {
  try {
    const path = await resolveContainedPath(root, entryPath, {
      ...ARCHIVE_ENTRY_RULE,
      code: 'invalid_input',
      source: manifest,
      mayBeMissing: true,
    });
    return { path: path.absolute, label: path.relative };
  } catch (error) {
    if (!(error instanceof JobError)) throw error;
    throw new LatencyFileError(
      { file: String(error.details.path) },
      `${ARCHIVE_ENTRY_RULE.what} named in ${manifest} ${String(error.details.problem)}`,
    );
  }
}

/**
 * The archives whose rows count, each by the last line naming it: a day archive's latest
 * change, without the archives a compaction folded in (from its line on) or deleted.
 */
export function currentArchives(manifest: ArchiveManifest): ManifestRecord[] {
  const current = new Map<string, ManifestRecord>();
  for (const entry of manifest.entries) {
    for (const folded of entry.replaces ?? []) current.delete(folded);
    current.delete(entry.path);
    current.set(entry.path, entry);
  }
  for (const deletion of manifest.deletions) {
    if (current.get(deletion.path)?.sha256 === deletion.sha256) current.delete(deletion.path);
  }
  return [...current.values()].sort((a, b) => a.line - b.line);
}

/** Validates each line against the schema, then appends them in one write (fsync'ed); nothing on refusal. */
export async function appendArchiveManifestLines(
  path: string,
  lines: readonly ArchiveManifestLine[],
): Promise<void> {
  const validate = await manifestValidator();
  for (const line of lines) {
    const issues = validate(line);
    if (issues.length > 0) {
      throw new JobError(
        'schema_validation_failed',
        `archive manifest line for ${line.path} fails ${ARCHIVE_MANIFEST_SCHEMA}: ${formatSchemaIssues(issues)}`,
        { schema: ARCHIVE_MANIFEST_SCHEMA },
      );
    }
  }
  await appendLines(
    path,
    lines.map((line) => JSON.stringify(line)),
  );
}

/** Validates the entry against the schema, then appends it as one line (fsync'ed). */
export async function appendArchiveManifestEntry(path: string, entry: ArchiveManifestEntry): Promise<void> {
  await appendArchiveManifestLines(path, [entry]);
}
