import { stat } from 'node:fs/promises';
import { join } from 'node:path';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Where a rotation at `now` puts its archive: `<archive-dir>/YYYY/MM/<job_id>.csv.gz` (UTC). An
 * existing archive is never overwritten: a re-run with the same --now or --job-id gets
 * `<job_id>.2.csv.gz`, and so on.
 */
export async function newArchivePath(archiveDir: string, jobId: string, now: Date): Promise<string> {
  const year = String(now.getUTCFullYear()).padStart(4, '0');
  const month = String(now.getUTCMonth() + 1).padStart(2, '0');
  const folder = join(archiveDir, year, month);
  for (let copy = 1; ; copy += 1) {
    const candidate = join(folder, copy === 1 ? `${jobId}.csv.gz` : `${jobId}.${copy}.csv.gz`);
    if (!(await exists(candidate))) return candidate;
  }
}
