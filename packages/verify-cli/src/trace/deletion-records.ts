import { sep } from 'node:path';
import {
  forEachJsonLine,
  JOB_REGISTRY,
  JobError,
  type RegisteredJob,
  resolveAgainstRoot,
  resolveContainedPath,
} from '@obs-automation/core';

/** The manifests where the jobs' retention records what it deletes, at their default locations. */
export const DEFAULT_RETENTION_MANIFESTS: readonly string[] = (
  JOB_REGISTRY as readonly RegisteredJob[]
).flatMap((job) => job.deletionManifests);

export interface DeletionRecord {
  /** absolute path of the deleted file or folder */
  path: string;
  deletedAt: string | null;
  recordedIn: string;
  /** the job whose artefact was deleted, when the record names one */
  jobId: string | null;
}

/**
 * A manifest line that records a deletion: `event: "deleted"` or a `deleted_at` time, of `path`
 * and of the files `also_deleted` lists with it.
 */
function deletionOf(
  value: Record<string, unknown>,
): { paths: string[]; deletedAt: string | null; jobId: string | null } | null {
  if (typeof value.path !== 'string') return null;
  if (value.event !== 'deleted' && typeof value.deleted_at !== 'string') return null;
  const also = Array.isArray(value.also_deleted) ? value.also_deleted : [];
  return {
    paths: [value.path, ...also.filter((path): path is string => typeof path === 'string')],
    deletedAt: typeof value.deleted_at === 'string' ? value.deleted_at : null,
    jobId: typeof value.job_id === 'string' ? value.job_id : null,
  };
}

/**
 * The manifest's real path when it is a regular file inside the root; null otherwise (a path a
 * log entry names outside the root is the artefact check's to report, and is never opened here).
 */
async function containedManifest(root: string, manifest: string): Promise<string | null> {
  try {
    const path = await resolveContainedPath(root, manifest, {
      code: 'path_not_allowed',
      what: 'manifest',
      mayBeMissing: true,
    });
    return path.exists ? path.absolute : null;
  } catch (error) {
    if (error instanceof JobError) return null;
    throw error;
  }
}

/**
 * Deletion records from JSON-lines manifests (root-relative paths); missing manifests, and
 * manifests the trust rules refuse, add none.
 */
export async function loadDeletionRecords(
  root: string,
  manifests: readonly string[],
): Promise<DeletionRecord[]> {
  const records: DeletionRecord[] = [];
  for (const manifest of new Set(manifests)) {
    const path = await containedManifest(root, manifest);
    if (path === null) continue;
    await forEachJsonLine(path, { shown: manifest }, ({ value }) => {
      const deletion = deletionOf(value);
      if (!deletion) return;
      for (const path of deletion.paths) {
        records.push({
          path: resolveAgainstRoot(root, path),
          deletedAt: deletion.deletedAt,
          recordedIn: manifest,
          jobId: deletion.jobId,
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
