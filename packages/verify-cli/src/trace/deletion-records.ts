import { sep } from 'node:path';
import { JOB_REGISTRY, type RegisteredJob, resolveAgainstRoot } from '@obs-automation/core';
import { forEachJsonLine } from './json-files.js';

/** The manifests where the jobs' retention records what it deletes, at their default locations. */
export const DEFAULT_RETENTION_MANIFESTS: readonly string[] = (
  JOB_REGISTRY as readonly RegisteredJob[]
).flatMap((job) => job.deletionManifests);

export interface DeletionRecord {
  /** absolute path of the deleted file or folder */
  path: string;
  deletedAt: string | null;
  recordedIn: string;
}

/** A manifest line that records a deletion: `event: "deleted"` or a `deleted_at` time. */
function deletionOf(value: Record<string, unknown>): { path: string; deletedAt: string | null } | null {
  if (typeof value.path !== 'string') return null;
  if (value.event !== 'deleted' && typeof value.deleted_at !== 'string') return null;
  return { path: value.path, deletedAt: typeof value.deleted_at === 'string' ? value.deleted_at : null };
}

/** Deletion records from JSON-lines manifests (root-relative paths); missing manifests add none. */
export async function loadDeletionRecords(
  root: string,
  manifests: readonly string[],
): Promise<DeletionRecord[]> {
  const records: DeletionRecord[] = [];
  for (const manifest of new Set(manifests)) {
    await forEachJsonLine(resolveAgainstRoot(root, manifest), ({ value }) => {
      const deletion = deletionOf(value);
      if (deletion) {
        records.push({
          path: resolveAgainstRoot(root, deletion.path),
          deletedAt: deletion.deletedAt,
          recordedIn: manifest,
        });
      }
    });
  }
  return records;
}

/** The record covering a path: the path itself or a folder holding it was deleted. */
export function deletionCovering(
  records: readonly DeletionRecord[],
  absolutePath: string,
): DeletionRecord | null {
  return (
    records.find(
      (record) => absolutePath === record.path || absolutePath.startsWith(`${record.path}${sep}`),
    ) ?? null
  );
}
