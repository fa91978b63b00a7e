import {
  fileLineBatches,
  forEachFileLine,
  isJsonObject,
  JobError,
  MS_PER_DAY,
  parseJsonBounded,
  parseTimestamp,
  writeFileAtomic,
} from '@obs-automation/core';

/** Lines are dropped once the oldest is this far past the retention: the file is rewritten about once a day. */
const REWRITE_SLACK_MS = MS_PER_DAY;

function deletedAtMs(text: string, shown: string, line: number): number | null {
  try {
    const value = parseJsonBounded(text, { what: 'line', file: shown, line });
    if (!isJsonObject(value) || typeof value.deleted_at !== 'string') return null;
    return parseTimestamp(value.deleted_at)?.getTime() ?? null;
  } catch (error) {
    if (error instanceof JobError) return null;
    throw error;
  }
}

/**
 * The `deleted_at` of the file's first line, read alone; null when it cannot tell (no file, no
 * line, or a first line that is not a record with one).
 */
async function firstDeletedAtMs(path: string, shown: string): Promise<number | null> {
  for await (const batch of fileLineBatches(path, { kind: 'jsonl_manifest', shown })) {
    for (const line of batch) {
      if (line.text === null) return null;
      if (line.text.trim() !== '') return deletedAtMs(line.text, shown, line.number);
    }
  }
  return null;
}

/**
 * Applies the archive manifest's own retention: records of deletions older than `retentionDays`
 * (by their `deleted_at`) are dropped by replacing the file atomically with the lines it keeps,
 * byte for byte. It is rewritten only once its oldest record is a day past the retention, and
 * never when it holds a line too long to keep (that line is an operator's to see). Lines that are
 * not records with a `deleted_at` are kept. Records are appended oldest first, so a run whose
 * first record is not that old reads that line alone: the file (up to 400 days of deletions) is
 * read whole about once a day. Returns how many records were dropped.
 */
export async function pruneArchiveManifest(
  path: string,
  retentionDays: number,
  now: Date,
  shown: string,
): Promise<number> {
  const cutoff = now.getTime() - retentionDays * MS_PER_DAY;
  const first = await firstDeletedAtMs(path, shown);
  if (first !== null && first >= cutoff - REWRITE_SLACK_MS) return 0;
  const kept: string[] = [];
  let dropped = 0;
  let oldest = Number.POSITIVE_INFINITY;
  let overlong = false;
  const lines = await forEachFileLine(path, { kind: 'jsonl_manifest', shown }, (line) => {
    if (line.text === null) {
      overlong = true;
      return;
    }
    const deletedAt = line.text.trim() === '' ? null : deletedAtMs(line.text, shown, line.number);
    if (deletedAt !== null && deletedAt < cutoff) {
      dropped += 1;
      oldest = Math.min(oldest, deletedAt);
    } else if (line.text.trim() !== '') kept.push(line.text);
  });
  if (lines === null || overlong || dropped === 0 || oldest >= cutoff - REWRITE_SLACK_MS) return 0;
  await writeFileAtomic(path, kept.length > 0 ? `${kept.join('\n')}\n` : '');
  return dropped;
}
