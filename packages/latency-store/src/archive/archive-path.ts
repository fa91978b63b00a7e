import { stat } from 'node:fs/promises';
import { join } from 'node:path';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** `YYYY/MM` of a UTC time: the archive folder's month folder. */
function monthFolder(archiveDir: string, at: Date): string {
  const year = String(at.getUTCFullYear()).padStart(4, '0');
  const month = String(at.getUTCMonth() + 1).padStart(2, '0');
  return join(archiveDir, year, month);
}

/** The UTC day of a time, `YYYY-MM-DD`. */
export function utcDayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * The day archive of the UTC day of `at`: `<archive-dir>/YYYY/MM/YYYY-MM-DD.csv.gz`. Every
 * rotation of that day appends its rows to it as one gzip member.
 */
export function dayArchivePath(archiveDir: string, at: Date): string {
  return join(monthFolder(archiveDir, at), `${utcDayOf(at)}.csv.gz`);
}

const DAY_ARCHIVE_NAME = /(?:^|\/)(\d{4})\/(\d{2})\/(\d{4})-(\d{2})-\d{2}\.csv\.gz$/;

/** True for a day archive's path (`YYYY/MM/YYYY-MM-DD.csv.gz`, `/`-separated), false for a per-run one. */
export function isDayArchive(path: string): boolean {
  const match = DAY_ARCHIVE_NAME.exec(path);
  return match !== null && match[1] === match[3] && match[2] === match[4];
}

/**
 * Where a rotation that cannot use its day archive puts its rows, as every rotation did before
 * day archives: `<archive-dir>/YYYY/MM/<job_id>.csv.gz` (UTC). An existing archive is never
 * overwritten: a re-run with the same --now or --job-id gets `<job_id>.2.csv.gz`, and so on.
 */
export async function newArchivePath(archiveDir: string, jobId: string, now: Date): Promise<string> {
  const folder = monthFolder(archiveDir, now);
  for (let copy = 1; ; copy += 1) {
    const candidate = join(folder, copy === 1 ? `${jobId}.csv.gz` : `${jobId}.${copy}.csv.gz`);
    if (!(await exists(candidate))) return candidate;
  }
}
