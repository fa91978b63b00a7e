import { lstat, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { faultPoint } from '../fault-injection.js';
import { appendManifestLine, type DeletedSegment, readSegmentManifest } from './segment-manifest.js';
import { runLogSegmentPaths, SEGMENT_FILE_PATTERN, segmentKpiDigestName } from './segment-paths.js';

/** How long sealed segments are kept by default, after their last entry. */
export const DEFAULT_SEGMENT_RETENTION_DAYS = 400;
const DAY_MS = 86_400_000;

async function isFile(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => null))?.isFile() ?? false;
}

async function removeIfPresent(path: string): Promise<void> {
  if (await isFile(path)) await rm(path, { force: true });
}

/** Removes a segment and its KPI digest (the digest first: a digest never outlives its segment unrecorded). */
async function removeSegmentFiles(dir: string, file: string): Promise<void> {
  await removeIfPresent(join(dir, segmentKpiDigestName(file)));
  await removeIfPresent(join(dir, file));
}

/**
 * Deletes the oldest sealed segments whose last entry is older than `retentionDays` before
 * `now`, oldest first and never one newer than a segment it keeps. Each deletion is recorded in
 * the segment manifest before the file is removed; a deletion recorded by a run killed before
 * its removal is carried out now. Returns the deletions made. The caller holds the log's lock.
 */
export async function applySegmentRetention(
  logFile: string,
  root: string,
  retentionDays: number,
  now: Date,
): Promise<DeletedSegment[]> {
  const paths = runLogSegmentPaths(logFile);
  const manifest = await readSegmentManifest(paths.manifest, paths.manifest);
  for (const recorded of manifest.deleted) {
    if (SEGMENT_FILE_PATTERN.test(recorded.file)) await removeSegmentFiles(paths.dir, recorded.file);
  }
  const cutoffMs = now.getTime() - retentionDays * DAY_MS;
  const deleted: DeletedSegment[] = [];
  const shown = (name: string) => relative(root, join(paths.dir, name)).split(sep).join('/');
  for (const segment of manifest.live) {
    if (Date.parse(segment.last_logged_at) >= cutoffMs) break;
    const digest = segmentKpiDigestName(segment.file);
    const record: DeletedSegment = {
      file: segment.file,
      path: shown(segment.file),
      first_sequence: segment.first_sequence,
      last_sequence: segment.last_sequence,
      last_logged_at: segment.last_logged_at,
      deleted_at: now.toISOString(),
      ...((await isFile(join(paths.dir, digest))) ? { also_deleted: [shown(digest)] } : {}),
    };
    await appendManifestLine(paths.manifest, { event: 'deleted', ...record });
    faultPoint('log-retention:after-deletion-record');
    await removeSegmentFiles(paths.dir, segment.file);
    deleted.push(record);
  }
  return deleted;
}
