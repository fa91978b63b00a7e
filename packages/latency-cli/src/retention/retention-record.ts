import { appendLines } from '@obs-automation/core';

/** An alert payload deleted by retention; `event: "deleted"` lets obs-verify's trace accept its absence. */
export interface PayloadDeletion {
  event: 'deleted';
  job_id: string;
  path: string;
  reason: 'retention';
  deleted_at: string;
}

/** Rows removed from the rejects file by retention: how many, and the range of their rejection times. */
export interface RejectsPruning {
  event: 'rows_removed';
  job_id: string;
  path: string;
  reason: 'retention';
  rows: number;
  first_rejected_at: string;
  last_rejected_at: string;
  removed_at: string;
}

/**
 * Appends what retention is about to delete to the retention manifest (JSON lines, fsync'ed),
 * before anything goes: a line without its deletion (a run killed in between) is done again by
 * the next run, a deletion without its line never happens.
 */
export async function recordRetention(
  manifestPath: string,
  lines: readonly (PayloadDeletion | RejectsPruning)[],
): Promise<void> {
  await appendLines(
    manifestPath,
    lines.map((line) => JSON.stringify(line)),
  );
}
