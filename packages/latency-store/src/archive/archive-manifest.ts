import { readFile } from 'node:fs/promises';
import {
  appendLines,
  bundledSchemaPath,
  formatSchemaIssues,
  JobError,
  schemaValidator,
  type Validator,
} from '@obs-automation/core';
import { parseTimestampText } from '../csv/ascii-timestamp.js';
import { cannotRead, isMissingFile } from '../file-chunks.js';
import type { LatencyFile } from '../latency-file.js';

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
  /** lines that could not be used; reported, never fatal */
  issues: ManifestIssue[];
}

function manifestValidator(): Promise<Validator> {
  return schemaValidator(bundledSchemaPath(ARCHIVE_MANIFEST_SCHEMA));
}

/** The record of one line, or what is wrong with it (never quoting the line itself). */
function recordOf(text: string, line: number, validate: Validator): ManifestRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not a JSON object';
  }
  const issues = validate(value);
  if (issues.length > 0) return `fails ${ARCHIVE_MANIFEST_SCHEMA}: ${formatSchemaIssues(issues)}`;
  const entry = value as ArchiveManifestEntry;
  const firstMs = parseTimestampText(entry.first_ts);
  const lastMs = parseTimestampText(entry.last_ts);
  if (Number.isNaN(firstMs) || Number.isNaN(lastMs)) return 'first_ts/last_ts are not timestamps';
  return { ...entry, line, firstMs, lastMs };
}

/**
 * Reads the archive manifest (JSON lines), each line validated against the schema its writer
 * used. A missing file is an empty manifest; a line that cannot be used is listed in `issues`
 * with its line number and skipped, so one torn line cannot stop a job.
 */
export async function readArchiveManifest(file: LatencyFile): Promise<ArchiveManifest> {
  let text: string;
  try {
    text = await readFile(file.path, 'utf8');
  } catch (error) {
    if (isMissingFile(error)) return { entries: [], issues: [] };
    throw cannotRead(file, error);
  }
  const manifest: ArchiveManifest = { entries: [], issues: [] };
  if (text.trim() === '') return manifest;
  const validate = await manifestValidator();
  text.split('\n').forEach((content, index) => {
    if (content.trim() === '') return;
    const line = index + 1;
    const record = recordOf(content, line, validate);
    if (typeof record === 'string') manifest.issues.push({ line, message: record });
    else manifest.entries.push(record);
  });
  return manifest;
}

/** Validates the entry against the schema, then appends it as one line (fsync'ed). */
export async function appendArchiveManifestEntry(path: string, entry: ArchiveManifestEntry): Promise<void> {
  const issues = (await manifestValidator())(entry);
  if (issues.length > 0) {
    throw new JobError(
      'schema_validation_failed',
      `archive manifest entry for ${entry.path} fails ${ARCHIVE_MANIFEST_SCHEMA}: ${formatSchemaIssues(issues)}`,
      { schema: ARCHIVE_MANIFEST_SCHEMA },
    );
  }
  await appendLines(path, [JSON.stringify(entry)]);
}
