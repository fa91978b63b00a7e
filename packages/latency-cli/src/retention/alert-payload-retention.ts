import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { faultPoint, MS_PER_DAY } from '@obs-automation/core';
import { type PayloadDeletion, recordRetention } from './retention-record.js';

/** A dry-run payload as the job names it: `<job_id>.json`, the job id starting with its UTC time. */
const PAYLOAD_NAME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-[a-z0-9_-]+\.json$/;

function writtenAtMs(name: string): number | null {
  const match = PAYLOAD_NAME.exec(name);
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  return Date.UTC(year as number, (month as number) - 1, day, hour, minute, second);
}

export interface PayloadRetention {
  alertsDir: string;
  days: number;
  now: Date;
  jobId: string;
  manifestPath: string;
  shown: (absolute: string) => string;
}

/**
 * Deletes the dry-run alert payloads whose job id is older than `days` before the run's clock.
 * Only regular files named as the job names them are considered (anything else in the folder is
 * not the job's); the deletions are recorded first. Returns the deleted files (root-relative).
 */
export async function pruneAlertPayloads(retention: PayloadRetention): Promise<string[]> {
  const entries = await readdir(retention.alertsDir, { withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    },
  );
  const names = entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
  const cutoffMs = retention.now.getTime() - retention.days * MS_PER_DAY;
  const expired = names
    .filter((name) => {
      const at = writtenAtMs(name);
      return at !== null && at < cutoffMs;
    })
    .sort()
    .map((name) => join(retention.alertsDir, name));
  if (expired.length === 0) return [];
  const deletedAt = retention.now.toISOString();
  const lines: PayloadDeletion[] = expired.map((file) => ({
    event: 'deleted',
    job_id: retention.jobId,
    path: retention.shown(file),
    reason: 'retention',
    deleted_at: deletedAt,
  }));
  await recordRetention(retention.manifestPath, lines);
  faultPoint('latency:after-retention-record');
  for (const file of expired) await rm(file, { force: true });
  return lines.map((line) => line.path);
}
