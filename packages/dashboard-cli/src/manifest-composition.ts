import { isAbsolute, relative, sep } from 'node:path';
import { isJsonObject, parseTimestamp, resolveContainedPath } from '@obs-automation/core';
import type { HistoryState } from './bundle-history.js';
import type { RenderedDataset } from './dataset-file.js';
import { DATASET_NAMES, type DatasetName } from './dataset-names.js';
import type { ManifestDatasetEntry, ManifestRead } from './manifest.js';
import { sourceHash } from './source-hash.js';

export type DatasetState = 'ok' | 'error';

/**
 * The next bundle sequence: one more than the previous manifest's and every history bundle's and
 * reference's, so that a lost or hand-edited manifest never makes a sequence number repeat or go
 * backwards.
 */
export function nextSequence(previous: ManifestRead, history: HistoryState): number {
  const previousSequence =
    previous.kind === 'ok'
      ? previous.manifest.sequence
      : previous.kind === 'invalid'
        ? (previous.sequence ?? 0)
        : 0;
  const historySequence = Math.max(
    0,
    ...history.bundles.map((bundle) => bundle.manifest?.sequence ?? 0),
    ...history.references.references.map((reference) => reference.sequence),
  );
  return Math.max(previousSequence, historySequence) + 1;
}

/** Posix path of `absolute` relative to the bundle (manifest) folder. */
export function bundleRelativePath(bundleDir: string, absolute: string): string {
  return relative(bundleDir, absolute).split(sep).join('/');
}

export function manifestEntry(
  written: RenderedDataset,
  bundleDir: string,
  generatedAt: string,
): ManifestDatasetEntry {
  return {
    dataset: written.content.dataset,
    path: bundleRelativePath(bundleDir, written.path),
    checksum_sha256: written.checksum,
    row_count: written.rowCount,
    generated_at: generatedAt,
    source_hash: sourceHash(written.content.inputs),
  };
}

/**
 * True when a previous entry's file may stay in the bundle: a regular file inside the bundle
 * folder, also after following links (an absolute path of the earlier tooling never does).
 */
async function staysInBundle(bundleDir: string, path: string): Promise<boolean> {
  if (isAbsolute(path)) return false;
  return resolveContainedPath(bundleDir, path, {
    code: 'invalid_input',
    what: 'dataset path',
    base: '.',
  }).then(
    () => true,
    () => false,
  );
}

/**
 * Entries of the previous manifest for datasets this run did not write (failed or not
 * requested): their files are left in place and stay part of the bundle. An entry whose file
 * is gone, is not a regular file, or that points outside the bundle (absolute paths of the
 * earlier tooling, `..`, a link leading out) is dropped and named.
 */
export async function carriedEntries(
  previous: ManifestRead,
  written: ReadonlySet<DatasetName>,
  bundleDir: string,
): Promise<{ entries: ManifestDatasetEntry[]; dropped: string[] }> {
  const entries: ManifestDatasetEntry[] = [];
  const dropped: string[] = [];
  if (previous.kind !== 'ok') return { entries, dropped };
  for (const entry of previous.manifest.datasets) {
    if (written.has(entry.dataset)) continue;
    if (await staysInBundle(bundleDir, entry.path)) entries.push(entry);
    else dropped.push(entry.dataset);
  }
  return { entries, dropped };
}

export function orderedEntries(entries: readonly ManifestDatasetEntry[]): ManifestDatasetEntry[] {
  return [...entries].sort(
    (left, right) => DATASET_NAMES.indexOf(left.dataset) - DATASET_NAMES.indexOf(right.dataset),
  );
}

function isoOrNull(value: unknown): string | null {
  return typeof value === 'string' ? (parseTimestamp(value)?.toISOString() ?? null) : null;
}

function failureOrNull(value: unknown): { job_id: string; error_code: string; at: string } | null {
  if (!isJsonObject(value)) return null;
  const at = isoOrNull(value.at);
  if (typeof value.job_id !== 'string' || typeof value.error_code !== 'string' || at === null) return null;
  return { job_id: value.job_id, error_code: value.error_code, at };
}

/**
 * The manifest's `heartbeat`: the export's state when the manifest was written, so a consumer of
 * an uploaded bundle (who cannot see ops/) learns which datasets are stale. Values carried from
 * the previous heartbeat are normalised; unusable ones become null. A dry run is no success: it
 * keeps the previous `last_success_at`, as the job's heartbeat does.
 */
export function manifestHeartbeat(
  previousHeartbeat: Record<string, unknown> | null,
  datasets: Record<string, DatasetState>,
  run: { jobId: string; at: string; errorCode: string | null; dryRun: boolean },
): Record<string, unknown> {
  return {
    last_success_at:
      run.errorCode === null && !run.dryRun ? run.at : isoOrNull(previousHeartbeat?.last_success_at),
    last_failure:
      run.errorCode === null
        ? failureOrNull(previousHeartbeat?.last_failure)
        : { job_id: run.jobId, error_code: run.errorCode, at: run.at },
    datasets,
  };
}

/** Dataset states of this run over those of the previous heartbeat (datasets not exported keep theirs). */
export function mergedDatasetStates(
  previousHeartbeat: Record<string, unknown> | null,
  current: Record<string, DatasetState>,
): Record<string, DatasetState> {
  const previous = isJsonObject(previousHeartbeat?.datasets) ? previousHeartbeat.datasets : {};
  const merged: Record<string, DatasetState> = {};
  for (const name of DATASET_NAMES) {
    const state = current[name] ?? previous[name];
    if (state === 'ok' || state === 'error') merged[name] = state;
  }
  return merged;
}
