import { errorMessageOf, faultPoint, JobError } from '@obs-automation/core';
import { copyBundleToHistory, type HistoryBundle } from './bundle-history.js';
import { type ArchiveManifestLine, deleteExpiredBundles, planRetention } from './history-retention.js';
import type { DashboardManifest } from './manifest.js';

export interface HistoryPublication {
  folder: string;
  pruned: ArchiveManifestLine[];
}

/**
 * Copies the bundle just written to the history, then applies the retention to the history as
 * it now stands (the new bundle is the newest, so it is never deleted).
 */
export async function publishToHistory(options: {
  manifestPath: string;
  manifest: DashboardManifest;
  history: readonly HistoryBundle[];
  historyDir: string;
  archiveManifest: string;
  retentionDays: number;
  now: Date;
  shown: (absolute: string) => string;
}): Promise<HistoryPublication> {
  const { manifest, shown } = options;
  let folder: string;
  try {
    folder = await copyBundleToHistory(options.manifestPath, manifest, options.historyDir);
  } catch (error) {
    throw new JobError(
      'internal_error',
      `cannot copy the bundle to ${shown(options.historyDir)}: ${errorMessageOf(error)}`,
      { history_dir: shown(options.historyDir) },
    );
  }
  faultPoint('dashboard:after-history-copy');
  const current = [...options.history.filter((bundle) => bundle.folder !== folder), { folder, manifest }];
  const plan = planRetention(current, options.retentionDays, options.now);
  const pruned = await deleteExpiredBundles(plan.expired, options.archiveManifest, options.now, shown);
  return { folder, pruned };
}
