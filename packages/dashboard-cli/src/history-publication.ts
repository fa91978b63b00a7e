import { basename, dirname } from 'node:path';
import {
  appendLines,
  compareBundleContents,
  errorMessageOf,
  faultPoint,
  type HistoryReference,
  JobError,
  referenceFilePath,
  referenceLineText,
} from '@obs-automation/core';
import { pruneArchiveManifest } from './archive-manifest-retention.js';
import { copyBundleToHistory, type HistoryState } from './bundle-history.js';
import { type ArchiveManifestLine, deleteExpired, newestBundle, planRetention } from './history-retention.js';
import type { DashboardManifest } from './manifest.js';

export interface HistoryPublication {
  /** `copy`: the bundle went to `<history-dir>/<job_id>/`; `reference`: the kept bundle `bundle` holds the same datasets */
  stored: 'copy' | 'reference';
  /** job id of the kept bundle holding this run's datasets (its own for a copy) */
  bundle: string;
  /** the folder copied to, or the day file the reference was appended to */
  artefact: string;
  pruned: ArchiveManifestLine[];
  /** records the archive manifest's own retention dropped */
  archiveRecordsDropped: number;
  /** why the newest kept bundle could not be compared, when it could not */
  comparisonProblem?: string;
}

type Comparison =
  | { kind: 'same'; bundle: string; contentSha256: string }
  | { kind: 'different'; problem?: string };

/**
 * Compares the bundle just written with the newest kept bundle of the history, each read back
 * from disk and checked against its manifest's checksums: same datasets (by content, see
 * datasetContentSha256) or not.
 */
async function compareWithNewest(
  manifestPath: string,
  manifest: DashboardManifest,
  history: HistoryState,
  shown: (absolute: string) => string,
): Promise<Comparison> {
  const newest = newestBundle(history.bundles);
  if (
    !newest ||
    basename(newest.folder) !== newest.manifest.job_id ||
    newest.manifest.job_id === manifest.job_id
  )
    return { kind: 'different' };
  const folder = dirname(manifestPath);
  const comparison = await compareBundleContents(
    basename(manifestPath),
    { folder, shown: shown(folder) },
    { folder: newest.folder, shown: shown(newest.folder) },
  );
  if (comparison.kind === 'refused') return { kind: 'different', problem: comparison.message };
  return comparison.kind === 'same'
    ? { kind: 'same', bundle: newest.manifest.job_id, contentSha256: comparison.contentSha256 }
    : { kind: 'different' };
}

/** Appends the run's reference to its day file (once per job id) and returns it. */
async function recordReference(
  historyDir: string,
  manifest: DashboardManifest,
  same: { bundle: string; contentSha256: string },
  history: HistoryState,
): Promise<HistoryReference> {
  const file = referenceFilePath(historyDir, manifest.generated_at);
  const reference: HistoryReference = {
    job_id: manifest.job_id,
    sequence: manifest.sequence,
    generated_at: manifest.generated_at,
    bundle: same.bundle,
    content_sha256: same.contentSha256,
    file,
    // after every line the day file held when the run read it
    line: Number.MAX_SAFE_INTEGER,
  };
  if (!history.references.references.some((existing) => existing.job_id === manifest.job_id))
    await appendLines(file, [referenceLineText(reference)]);
  return reference;
}

async function copyToHistory(
  manifestPath: string,
  manifest: DashboardManifest,
  historyDir: string,
  shown: (absolute: string) => string,
): Promise<string> {
  try {
    return await copyBundleToHistory(manifestPath, manifest, historyDir);
  } catch (error) {
    throw new JobError(
      'internal_error',
      `cannot copy the bundle to ${shown(historyDir)}: ${errorMessageOf(error)}`,
      { history_dir: shown(historyDir) },
    );
  }
}

/**
 * Records the bundle just written in the history — a reference to the newest kept bundle when
 * its datasets are the same, a copy otherwise — then applies the retention to the history as it
 * now stands (this run is the newest, so it is never deleted, nor the bundle it names).
 */
export async function publishToHistory(options: {
  manifestPath: string;
  manifest: DashboardManifest;
  history: HistoryState;
  historyDir: string;
  archiveManifest: string;
  retentionDays: number;
  archiveRetentionDays: number;
  now: Date;
  shown: (absolute: string) => string;
}): Promise<HistoryPublication> {
  const { manifest, history, shown } = options;
  const comparison = await compareWithNewest(options.manifestPath, manifest, history, shown);
  let bundles = history.bundles;
  let references = history.references.references;
  let publication: Omit<HistoryPublication, 'pruned' | 'archiveRecordsDropped'>;
  if (comparison.kind === 'same') {
    const reference = await recordReference(options.historyDir, manifest, comparison, history);
    faultPoint('dashboard:after-reference-append');
    references = [...references.filter((item) => item.job_id !== manifest.job_id), reference];
    publication = { stored: 'reference', bundle: comparison.bundle, artefact: reference.file };
  } else {
    const folder = await copyToHistory(options.manifestPath, manifest, options.historyDir, shown);
    faultPoint('dashboard:after-history-copy');
    bundles = [...bundles.filter((bundle) => bundle.folder !== folder), { folder, manifest }];
    publication = {
      stored: 'copy',
      bundle: manifest.job_id,
      artefact: folder,
      ...(comparison.problem ? { comparisonProblem: comparison.problem } : {}),
    };
  }
  const plan = planRetention(bundles, options.retentionDays, options.now, references);
  const pruned = await deleteExpired(
    plan,
    {
      references,
      filesWithInvalidLines: new Set(history.references.invalid.map((line) => line.file)),
    },
    options.archiveManifest,
    options.now,
    shown,
  );
  const archiveRecordsDropped = await pruneArchiveManifest(
    options.archiveManifest,
    options.archiveRetentionDays,
    options.now,
    shown(options.archiveManifest),
  );
  return { ...publication, pruned, archiveRecordsDropped };
}
