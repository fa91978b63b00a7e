import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import {
  formatIssuePath,
  type InputFile,
  JobError,
  openInputStream,
  parseTimestamp,
} from '@obs-automation/core';
import { z } from 'zod';
import { type LatencySample, readWeekSamples, type SkippedRows } from './latency-samples.js';
import type { WeekWindow } from './week-window.js';

/** A line of `ops/signal_latency_archive/manifest.jsonl`, as far as the weekly report needs it. */
const manifestLine = z.looseObject({
  path: z.string().min(1),
  sha256: z.string().regex(/^[A-Fa-f0-9]{64}$/),
  first_ts: z.string().optional(),
  last_ts: z.string().optional(),
});

export interface ArchiveEntry {
  path: string;
  sha256: string;
}

export interface ArchiveSamples {
  file: string;
  samples: LatencySample[];
  skipped: SkippedRows;
}

export interface UnusableArchive {
  file: string;
  reason: string;
}

export interface ManifestIssue {
  line: number;
  message: string;
}

/**
 * The archives whose `first_ts..last_ts` overlaps the week (an entry without the range is
 * read too). A missing manifest means nothing was archived yet. A line that cannot be read is
 * reported and skipped, as the latency job does: the samples it stood for are then missing, so
 * the weekly figures fall back to the rollups rather than fail.
 */
export async function archivesOverlapping(
  manifest: InputFile,
  week: WeekWindow,
): Promise<{ entries: ArchiveEntry[]; issues: ManifestIssue[] }> {
  const entries: ArchiveEntry[] = [];
  const issues: ManifestIssue[] = [];
  const source = await openInputStream(manifest);
  if (!source) return { entries, issues };
  let line = 0;
  for await (const text of createInterface({ input: source, crlfDelay: Number.POSITIVE_INFINITY })) {
    line++;
    if (text.trim() === '') continue;
    const entry = parseManifestLine(text);
    if (typeof entry === 'string') {
      issues.push({ line, message: entry });
      continue;
    }
    const first = entry.first_ts === undefined ? null : parseTimestamp(entry.first_ts);
    const last = entry.last_ts === undefined ? null : parseTimestamp(entry.last_ts);
    const before = last !== null && last.getTime() < week.start.getTime();
    const after = first !== null && first.getTime() >= week.end.getTime();
    if (!before && !after) entries.push({ path: entry.path, sha256: entry.sha256.toLowerCase() });
  }
  return { entries, issues };
}

/** The entry, or what is wrong with the line. */
function parseManifestLine(text: string): z.output<typeof manifestLine> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not a JSON object';
  }
  const parsed = manifestLine.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return `${formatIssuePath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`;
}

/**
 * Reads one gzip archive's samples of the week, checking the archive's bytes against the
 * manifest's SHA-256. An archive that is missing, altered or unreadable is reported instead of
 * read, so the weekly figures never rest on part of a file.
 */
export async function readArchiveSamples(
  archive: InputFile,
  expectedSha256: string,
  week: WeekWindow,
): Promise<ArchiveSamples | UnusableArchive> {
  const file = archive.relative;
  let compressed: Readable | null;
  try {
    compressed = await openInputStream(archive);
  } catch (error) {
    return { file, reason: (error as Error).message };
  }
  if (!compressed) return { file, reason: 'listed in the manifest but missing' };
  const hash = createHash('sha256');
  compressed.on('data', (chunk) => hash.update(chunk as Buffer));
  const decompressed = compressed.pipe(createGunzip());
  compressed.on('error', (error) => decompressed.destroy(error));
  try {
    const { samples, skipped } = await readWeekSamples(decompressed, file, week);
    const actual = hash.digest('hex');
    if (actual !== expectedSha256)
      return { file, reason: `SHA-256 ${actual} differs from the manifest's ${expectedSha256}` };
    return { file, samples, skipped };
  } catch (error) {
    if (error instanceof JobError) return { file, reason: error.message };
    throw error;
  } finally {
    compressed.destroy();
  }
}
