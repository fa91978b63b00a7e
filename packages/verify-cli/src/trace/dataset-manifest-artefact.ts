import { quoteUntrusted } from '@obs-automation/core';
import { verifyFileChecksum } from './file-checksum.js';
import { isRecord } from './json-files.js';
import type { ListedPath, TraceContext } from './trace-context.js';

interface DatasetRecord {
  path: string;
  checksum_sha256: string;
}

/** A dashboard manifest: `datasets[]` with `path` (relative to the manifest's folder) and `checksum_sha256`. */
export function datasetRecordsOf(value: unknown): DatasetRecord[] | null {
  if (!isRecord(value) || !Array.isArray(value.datasets)) return null;
  const records = value.datasets.filter(
    (entry): entry is DatasetRecord =>
      isRecord(entry) && typeof entry.path === 'string' && typeof entry.checksum_sha256 === 'string',
  );
  return records.length > 0 ? records : null;
}

/**
 * Re-hashes the datasets of a dashboard manifest that the traced job wrote, each contained in
 * the manifest's folder. A manifest a later run has replaced no longer describes this job's
 * files and is only noted.
 */
export async function verifyDatasetManifest(
  context: TraceContext,
  manifestPath: ListedPath,
  manifest: Record<string, unknown>,
  datasets: readonly DatasetRecord[],
  ownerJobId: string,
): Promise<void> {
  const shown = context.display(manifestPath.lexical);
  if (manifest.job_id !== ownerJobId) {
    context.note({
      path: shown,
      kind: 'dashboard_dataset',
      result: 'not_checked',
      note: `the manifest now belongs to ${quoteUntrusted(String(manifest.job_id))}`,
    });
    return;
  }
  for (const dataset of datasets) {
    const file = await context.inBundle(manifestPath.lexical, dataset.path, {
      what: 'dataset path',
      source: shown,
    });
    if (file) await verifyFileChecksum(context, file, dataset.checksum_sha256, 'dashboard_dataset', shown);
  }
}
