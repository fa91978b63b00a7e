import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { appendLines } from '../atomic-file.js';
import { MS_PER_DAY } from '../clock.js';
import { faultPoint } from '../fault-injection.js';
import { jobIdTimeMs } from '../job-id.js';

/** A file deleted by retention; `event: "deleted"` lets obs-verify's trace accept its absence. */
export interface FileDeletion {
  event: 'deleted';
  job_id: string;
  path: string;
  reason: 'retention';
  deleted_at: string;
}

/**
 * Appends what retention is about to delete to its manifest (JSON lines, fsync'ed), before
 * anything goes: a line without its deletion (a run killed in between) is done again by the next
 * run, a deletion without its line never happens.
 */
export async function recordDeletions(manifestPath: string, lines: readonly object[]): Promise<void> {
  await appendLines(
    manifestPath,
    lines.map((line) => JSON.stringify(line)),
  );
}

/** A file a job names after a run: `<job_id>.json` or `<job_id>_<what>.json`, the id starting with its UTC time. */
const JOB_FILE_NAME = /^[0-9]{8}T[0-9]{6}Z-[a-z0-9_-]+\.json$/;

function writtenAtMs(name: string): number | null {
  return JOB_FILE_NAME.test(name) ? jobIdTimeMs(name) : null;
}

export interface JobFileRetention {
  /** the folder of the job's per-run files (dry-run payloads, rehearsed notifications) */
  dir: string;
  days: number;
  now: Date;
  /** the run applying it, recorded in each deletion line */
  jobId: string;
  manifestPath: string;
  /** how the deletion lines name a file (root-relative) */
  shown: (absolute: string) => string;
  /** the fault point between recording and deleting (docs/testing.md) */
  faultPointName: string;
}

/**
 * Deletes the per-run files in `dir` whose job id is older than `days` before the run's clock.
 * Only regular files named as the jobs name them are considered (anything else in the folder is
 * not a job's); the deletions are recorded first. Returns the deleted files as `shown` names them.
 */
export async function pruneJobFiles(retention: JobFileRetention): Promise<string[]> {
  const entries = await readdir(retention.dir, { withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    },
  );
  const cutoffMs = retention.now.getTime() - retention.days * MS_PER_DAY;
  const expired = entries
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .filter((name) => {
      const at = writtenAtMs(name);
      return at !== null && at < cutoffMs;
    })
    .sort()
    .map((name) => join(retention.dir, name));
  if (expired.length === 0) return [];
  const deletedAt = retention.now.toISOString();
  const lines: FileDeletion[] = expired.map((file) => ({
    event: 'deleted',
    job_id: retention.jobId,
    path: retention.shown(file),
    reason: 'retention',
    deleted_at: deletedAt,
  }));
  await recordDeletions(retention.manifestPath, lines);
  faultPoint(retention.faultPointName);
  for (const file of expired) await rm(file, { force: true });
  return lines.map((line) => line.path);
}
