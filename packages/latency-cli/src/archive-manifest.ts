import { readFile } from 'node:fs/promises';
import {
  appendLines,
  bundledSchemaPath,
  errorMessageOf,
  formatSchemaIssues,
  JobError,
  schemaValidator,
} from '@obs-automation/core';
import { parseTimestampText } from './ascii-timestamp.js';

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
  reason: 'retention' | 'size';
  rotated_at: string;
}

export interface ManifestRecord extends ArchiveManifestEntry {
  line: number;
  firstMs: number;
  lastMs: number;
}

export interface ManifestIssue {
  line: number;
  message: string;
}

export interface ArchiveManifest {
  entries: ManifestRecord[];
  /** lines that could not be read; reported, never fatal */
  issues: ManifestIssue[];
}

function recordOf(value: unknown, line: number): ManifestRecord | string {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const entry = value as Partial<ArchiveManifestEntry>;
  if (typeof entry.path !== 'string' || entry.path === '') return 'path is missing';
  const firstMs = typeof entry.first_ts === 'string' ? parseTimestampText(entry.first_ts) : Number.NaN;
  const lastMs = typeof entry.last_ts === 'string' ? parseTimestampText(entry.last_ts) : Number.NaN;
  if (Number.isNaN(firstMs) || Number.isNaN(lastMs)) return 'first_ts/last_ts are not timestamps';
  return { ...(entry as ArchiveManifestEntry), line, firstMs, lastMs };
}

/**
 * Reads the archive manifest (JSON lines). A missing file is an empty manifest; a line that does
 * not parse is listed in `issues` with its line number and skipped, so one torn line cannot stop
 * the job.
 */
export async function readArchiveManifest(path: string): Promise<ArchiveManifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], issues: [] };
    throw new JobError('input_unreadable', `${path}: cannot read: ${errorMessageOf(error)}`, { file: path });
  }
  const manifest: ArchiveManifest = { entries: [], issues: [] };
  const lines = text.split('\n');
  lines.forEach((content, index) => {
    if (content.trim() === '') return;
    const line = index + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch (error) {
      manifest.issues.push({ line, message: `invalid JSON: ${errorMessageOf(error)}` });
      return;
    }
    const record = recordOf(parsed, line);
    if (typeof record === 'string') manifest.issues.push({ line, message: record });
    else manifest.entries.push(record);
  });
  return manifest;
}

/** Validates the entry against the bundled schema, then appends it as one line (fsync'ed). */
export async function appendArchiveManifestEntry(path: string, entry: ArchiveManifestEntry): Promise<void> {
  const validate = await schemaValidator(bundledSchemaPath(ARCHIVE_MANIFEST_SCHEMA));
  const issues = validate(entry);
  if (issues.length > 0) {
    throw new JobError(
      'schema_validation_failed',
      `archive manifest entry for ${entry.path} fails ${ARCHIVE_MANIFEST_SCHEMA}: ${formatSchemaIssues(issues)}`,
      { schema: ARCHIVE_MANIFEST_SCHEMA },
    );
  }
  await appendLines(path, [JSON.stringify(entry)]);
}
