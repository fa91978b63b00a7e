import { rm } from 'node:fs/promises';
import { appendLines, faultPoint, forEachJsonLine, MS_PER_DAY } from '@obs-automation/core';
import type { HistoryBundle } from './bundle-history.js';
import type { DashboardManifest } from './manifest.js';

/** One line of the archive manifest: a history bundle deleted by retention. */
export interface ArchiveManifestLine {
  job_id: string;
  sequence: number;
  deleted_at: string;
  path: string;
  datasets: { dataset: string; checksum_sha256: string; row_count: number }[];
}

export interface RetentionPlan {
  expired: (HistoryBundle & { manifest: DashboardManifest })[];
  /** bundles whose manifest cannot be read: kept, and reported */
  unreadable: HistoryBundle[];
}

function newerThan(left: DashboardManifest, right: DashboardManifest): boolean {
  const delta = Date.parse(left.generated_at) - Date.parse(right.generated_at);
  return delta !== 0 ? delta > 0 : left.sequence > right.sequence;
}

/**
 * The bundles older than the retention (by their manifest's `generated_at`); the newest bundle
 * is never among them, however old it is.
 */
export function planRetention(
  bundles: readonly HistoryBundle[],
  retentionDays: number,
  now: Date,
): RetentionPlan {
  const readable = bundles.filter((bundle): bundle is HistoryBundle & { manifest: DashboardManifest } =>
    Boolean(bundle.manifest),
  );
  const newest = readable.reduce<(typeof readable)[number] | null>(
    (best, bundle) => (best === null || newerThan(bundle.manifest, best.manifest) ? bundle : best),
    null,
  );
  const cutoff = now.getTime() - retentionDays * MS_PER_DAY;
  return {
    expired: readable.filter(
      (bundle) => bundle !== newest && Date.parse(bundle.manifest.generated_at) < cutoff,
    ),
    unreadable: bundles.filter((bundle) => !bundle.manifest),
  };
}

/**
 * Job ids among `wanted` that the archive manifest already records (streamed and bounded; lines
 * that are not JSON objects only cannot match: obs-verify bundle reports them).
 */
async function alreadyRecorded(
  archiveManifest: string,
  shown: string,
  wanted: ReadonlySet<string>,
): Promise<Set<string>> {
  const found = new Set<string>();
  await forEachJsonLine(archiveManifest, { shown }, ({ value }) => {
    if (typeof value.job_id === 'string' && wanted.has(value.job_id)) found.add(value.job_id);
  });
  return found;
}

/**
 * Deletes expired bundles after recording them: one archive-manifest line per bundle is appended
 * (in one write) before any folder is removed, so a crash in between leaves a recorded bundle
 * that the next run deletes without recording it twice.
 */
export async function deleteExpiredBundles(
  expired: RetentionPlan['expired'],
  archiveManifest: string,
  deletedAt: Date,
  shownPath: (absolute: string) => string,
): Promise<ArchiveManifestLine[]> {
  if (expired.length === 0) return [];
  const recorded = await alreadyRecorded(
    archiveManifest,
    shownPath(archiveManifest),
    new Set(expired.map((bundle) => bundle.manifest.job_id)),
  );
  const lines = expired.map(
    ({ folder, manifest }): ArchiveManifestLine => ({
      job_id: manifest.job_id,
      sequence: manifest.sequence,
      deleted_at: deletedAt.toISOString(),
      path: shownPath(folder),
      datasets: manifest.datasets.map(({ dataset, checksum_sha256, row_count }) => ({
        dataset,
        checksum_sha256,
        row_count,
      })),
    }),
  );
  await appendLines(
    archiveManifest,
    lines.filter((line) => !recorded.has(line.job_id)).map((line) => JSON.stringify(line)),
  );
  faultPoint('dashboard:after-archive-manifest-append');
  for (const { folder } of expired) await rm(folder, { recursive: true, force: true });
  return lines;
}
