import { escapeUntrusted, JobError, parseJsonBounded, sha256Hex } from '@obs-automation/core';
import { CheckBuilder, type CheckOutcome } from '../checks/check-outcome.js';
import { readBundleFile } from './bundle-file.js';
import type { BundleManifest } from './bundle-manifest.js';

type DatasetEntry = BundleManifest['datasets'][number];

function rowCountOf(bytes: Buffer, shown: string): number | string {
  try {
    const rows = (parseJsonBounded(bytes, { what: 'dataset', file: shown }) as { rows?: unknown } | null)
      ?.rows;
    return Array.isArray(rows) ? rows.length : 'the file has no rows list';
  } catch (error) {
    if (!(error instanceof JobError)) throw error;
    return `the file ${String(error.details.problem ?? 'is not valid JSON')}`;
  }
}

/** `dataset:<name>`: the file exists, its SHA-256 and its number of rows match the manifest. */
export async function datasetFileCheck(
  entry: DatasetEntry,
  manifestPath: string,
  shown: (absolute: string) => string,
): Promise<CheckOutcome> {
  const check = new CheckBuilder(`dataset:${entry.dataset}`);
  const read = await readBundleFile(entry.path, manifestPath, {
    what: 'dataset path',
    source: shown(manifestPath),
    missingCode: 'dataset_missing',
  });
  if (read.kind === 'refused') {
    check.fail(read.errorCode, `${entry.dataset}: ${read.message}`);
    return check.done({ path: escapeUntrusted(entry.path) });
  }
  const path = shown(read.absolute);
  const checksum = sha256Hex(read.bytes);
  if (checksum !== entry.checksum_sha256) {
    check.fail(
      'checksum_mismatch',
      `${entry.dataset}: ${path} has SHA-256 ${checksum}, the manifest records ${entry.checksum_sha256}`,
    );
  }
  const rows = rowCountOf(read.bytes, path);
  if (rows !== entry.row_count) {
    check.fail(
      'row_count_mismatch',
      typeof rows === 'number'
        ? `${entry.dataset}: ${path} has ${rows} rows, the manifest records ${entry.row_count}`
        : `${entry.dataset}: ${path}: ${rows}, the manifest records ${entry.row_count} rows`,
    );
  }
  return check.done({ path, checksum_sha256: checksum, row_count: typeof rows === 'number' ? rows : null });
}
