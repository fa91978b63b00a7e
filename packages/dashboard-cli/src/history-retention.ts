import { rm } from 'node:fs/promises';
import {
  appendLines,
  faultPoint,
  forEachJsonLine,
  type HistoryReference,
  type HistoryRun,
  MS_PER_DAY,
  newestRun,
  referenceLineText,
  writeFileAtomic,
} from '@obs-automation/core';
import type { HistoryBundle } from './bundle-history.js';
import type { DashboardManifest } from './manifest.js';

/**
 * One line of the archive manifest: a history bundle, or a reference to one (`bundle` names the
 * kept bundle, `path` the day file it was recorded in, `datasets` is empty), deleted by retention.
 */
export interface ArchiveManifestLine {
  job_id: string;
  sequence: number;
  deleted_at: string;
  path: string;
  datasets: { dataset: string; checksum_sha256: string; row_count: number }[];
  bundle?: string;
}

type ReadableBundle = HistoryBundle & { manifest: DashboardManifest };

export interface RetentionPlan {
  expired: ReadableBundle[];
  expiredReferences: HistoryReference[];
  /** bundles whose manifest cannot be read: kept, and reported */
  unreadable: HistoryBundle[];
}

export function readableBundles(bundles: readonly HistoryBundle[]): ReadableBundle[] {
  return bundles.filter((bundle): bundle is ReadableBundle => Boolean(bundle.manifest));
}

/** The newest readable kept bundle (by `generated_at`, then sequence), or null. */
export function newestBundle(bundles: readonly HistoryBundle[]): ReadableBundle | null {
  const newest = newestRun(readableBundles(bundles).map((bundle) => bundle.manifest));
  return readableBundles(bundles).find((bundle) => bundle.manifest === newest) ?? null;
}

/** Runs generated before this time are past the history's retention. */
export function historyExpiryCutoffMs(now: Date, retentionDays: number): number {
  return now.getTime() - retentionDays * MS_PER_DAY;
}

/**
 * What the retention deletes: references older than the retention (by their `generated_at`),
 * and bundles older than it that no remaining reference names. The newest run — bundle or
 * reference — is never among them, however old it is, and nor is the bundle it names.
 */
export function planRetention(
  bundles: readonly HistoryBundle[],
  retentionDays: number,
  now: Date,
  references: readonly HistoryReference[] = [],
): RetentionPlan {
  const newest = newestRun<HistoryRun>([
    ...readableBundles(bundles).map((bundle) => bundle.manifest),
    ...references,
  ]);
  const cutoff = historyExpiryCutoffMs(now, retentionDays);
  const expiredAt = (item: HistoryRun) => item !== newest && Date.parse(item.generated_at) < cutoff;
  const expiredReferences = references.filter(expiredAt);
  const referenced = new Set(
    references.filter((reference) => !expiredAt(reference)).map((reference) => reference.bundle),
  );
  return {
    expired: readableBundles(bundles).filter(
      (bundle) => expiredAt(bundle.manifest) && !referenced.has(bundle.manifest.job_id),
    ),
    expiredReferences,
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

function archiveLines(plan: RetentionPlan, deletedAt: string, shownPath: (absolute: string) => string) {
  return [
    ...plan.expired.map(
      ({ folder, manifest }): ArchiveManifestLine => ({
        job_id: manifest.job_id,
        sequence: manifest.sequence,
        deleted_at: deletedAt,
        path: shownPath(folder),
        datasets: manifest.datasets.map(({ dataset, checksum_sha256, row_count }) => ({
          dataset,
          checksum_sha256,
          row_count,
        })),
      }),
    ),
    ...plan.expiredReferences.map(
      (reference): ArchiveManifestLine => ({
        job_id: reference.job_id,
        sequence: reference.sequence,
        deleted_at: deletedAt,
        path: shownPath(reference.file),
        datasets: [],
        bundle: reference.bundle,
      }),
    ),
  ];
}

/**
 * Rewrites each day file that held an expired reference with the references it keeps (replaced
 * atomically), or deletes it when none remain. A day file with lines that are not references is
 * left alone: they are an operator's to see, never silently dropped.
 */
async function removeReferences(
  expired: readonly HistoryReference[],
  all: readonly HistoryReference[],
  filesWithInvalidLines: ReadonlySet<string>,
): Promise<void> {
  const gone = new Set(expired.map((reference) => `${reference.file}\n${reference.line}`));
  for (const file of new Set(expired.map((reference) => reference.file))) {
    if (filesWithInvalidLines.has(file)) continue;
    const kept = all.filter(
      (reference) => reference.file === file && !gone.has(`${reference.file}\n${reference.line}`),
    );
    if (kept.length === 0) await rm(file, { force: true });
    else await writeFileAtomic(file, `${kept.map(referenceLineText).join('\n')}\n`);
  }
}

/**
 * Deletes what the plan expires after recording it: one archive-manifest line per bundle and per
 * reference is appended (in one write) before anything is removed; then the references leave
 * their day files; then the bundle folders go. A crash in between leaves recorded entries that
 * the next run removes without recording them twice.
 */
export async function deleteExpired(
  plan: RetentionPlan,
  history: { references: readonly HistoryReference[]; filesWithInvalidLines: ReadonlySet<string> },
  archiveManifest: string,
  deletedAt: Date,
  shownPath: (absolute: string) => string,
): Promise<ArchiveManifestLine[]> {
  const lines = archiveLines(plan, deletedAt.toISOString(), shownPath);
  if (lines.length === 0) return [];
  const recorded = await alreadyRecorded(
    archiveManifest,
    shownPath(archiveManifest),
    new Set(lines.map((line) => line.job_id)),
  );
  await appendLines(
    archiveManifest,
    lines.filter((line) => !recorded.has(line.job_id)).map((line) => JSON.stringify(line)),
  );
  faultPoint('dashboard:after-archive-manifest-append');
  await removeReferences(plan.expiredReferences, history.references, history.filesWithInvalidLines);
  faultPoint('dashboard:after-reference-prune');
  for (const { folder } of plan.expired) await rm(folder, { recursive: true, force: true });
  return lines;
}
