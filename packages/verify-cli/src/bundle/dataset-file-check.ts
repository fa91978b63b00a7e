import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { errorMessageOf, sha256Hex } from '@obs-automation/core';
import { CheckBuilder, type CheckOutcome } from '../checks/check-outcome.js';
import type { BundleManifest } from './bundle-manifest.js';

type DatasetEntry = BundleManifest['datasets'][number];

/**
 * Where an entry's file is: relative paths against the manifest's folder. Manifests of the
 * earlier tooling hold absolute paths; when such a bundle was copied elsewhere, the file beside
 * the manifest is the one meant.
 */
export async function locateBundleFile(
  entry: { path: string },
  manifestDir: string,
): Promise<{ path: string; bytes: Buffer } | null> {
  const candidates = isAbsolute(entry.path)
    ? [entry.path, join(manifestDir, basename(entry.path))]
    : [resolve(manifestDir, entry.path)];
  for (const path of candidates) {
    try {
      return { path, bytes: await readFile(path) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return null;
}

function rowCountOf(bytes: Buffer): number | string {
  try {
    const rows = (JSON.parse(bytes.toString('utf8')) as { rows?: unknown } | null)?.rows;
    return Array.isArray(rows) ? rows.length : 'the file has no rows list';
  } catch (error) {
    return `the file is not valid JSON (${errorMessageOf(error)})`;
  }
}

/** `dataset:<name>`: the file exists, its SHA-256 and its number of rows match the manifest. */
export async function datasetFileCheck(
  entry: DatasetEntry,
  manifestPath: string,
  shown: (absolute: string) => string,
): Promise<CheckOutcome> {
  const check = new CheckBuilder(`dataset:${entry.dataset}`);
  const manifestDir = dirname(manifestPath);
  let found: Awaited<ReturnType<typeof locateBundleFile>>;
  try {
    found = await locateBundleFile(entry, manifestDir);
  } catch (error) {
    check.fail('dataset_missing', `${entry.dataset}: cannot read ${entry.path}: ${errorMessageOf(error)}`);
    return check.done({ path: entry.path });
  }
  if (!found) {
    check.fail(
      'dataset_missing',
      `${entry.dataset}: ${shown(resolve(manifestDir, entry.path))} listed in ${shown(manifestPath)} does not exist`,
    );
    return check.done({ path: entry.path });
  }
  const checksum = sha256Hex(found.bytes);
  if (checksum !== entry.checksum_sha256) {
    check.fail(
      'checksum_mismatch',
      `${entry.dataset}: ${shown(found.path)} has SHA-256 ${checksum}, the manifest records ${entry.checksum_sha256}`,
    );
  }
  const rows = rowCountOf(found.bytes);
  if (rows !== entry.row_count) {
    check.fail(
      'row_count_mismatch',
      typeof rows === 'number'
        ? `${entry.dataset}: ${shown(found.path)} has ${rows} rows, the manifest records ${entry.row_count}`
        : `${entry.dataset}: ${shown(found.path)}: ${rows}, the manifest records ${entry.row_count} rows`,
    );
  }
  return check.done({
    path: shown(found.path),
    checksum_sha256: checksum,
    row_count: typeof rows === 'number' ? rows : null,
  });
}
