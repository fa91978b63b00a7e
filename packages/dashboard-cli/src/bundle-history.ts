import { randomBytes } from 'node:crypto';
import { copyFile, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  type HistoryReferences,
  listHistoryBundleFolders,
  makeFolder,
  readHistoryReferences,
} from '@obs-automation/core';
import { mapWithConcurrency, READ_CONCURRENCY } from './concurrency.js';
import { bundleFilePaths, type DashboardManifest, readManifest } from './manifest.js';

/** One bundle under the history folder: `<history-dir>/<job_id>/` holding datasets and manifest. */
export interface HistoryBundle {
  folder: string;
  manifest: DashboardManifest | null;
  /** why the manifest could not be used (such a bundle is reported, never deleted) */
  problem?: string;
}

const PARTIAL_MARK = '.partial-';

async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Every kept bundle in the history folder (none when it does not exist), with its manifest read. */
export async function listHistoryBundles(
  historyDir: string,
  manifestName: string,
  shown: (absolute: string) => string,
): Promise<HistoryBundle[]> {
  const folders = (await listHistoryBundleFolders(historyDir)) ?? [];
  return mapWithConcurrency(folders, READ_CONCURRENCY, async (folder): Promise<HistoryBundle> => {
    const manifest = join(folder, manifestName);
    const read = await readManifest(manifest, shown(manifest));
    if (read.kind === 'ok') return { folder, manifest: read.manifest };
    return {
      folder,
      manifest: null,
      problem: read.kind === 'missing' ? `no ${manifestName}` : `${manifestName} ${read.reason}`,
    };
  });
}

/** A dashboard history: its kept bundles and the runs recorded as references to them. */
export interface HistoryState {
  bundles: HistoryBundle[];
  references: HistoryReferences;
}

export async function readHistoryState(
  historyDir: string,
  manifestName: string,
  shown: (absolute: string) => string,
): Promise<HistoryState> {
  return {
    bundles: await listHistoryBundles(historyDir, manifestName, shown),
    references: await readHistoryReferences(historyDir, shown),
  };
}

/**
 * Copies a bundle (its datasets and page, then its manifest) to `<history-dir>/<job_id>/`. The copy is
 * assembled in a hidden partial folder, fsync'ed and renamed into place, so the history never
 * holds half a bundle; partial folders left by a crashed run are removed first (the job lock is
 * held, so no live run owns them). A bundle already there for the same job id is replaced.
 */
export async function copyBundleToHistory(
  manifestPath: string,
  manifest: DashboardManifest,
  historyDir: string,
): Promise<string> {
  await makeFolder(historyDir);
  for (const entry of await readdir(historyDir)) {
    if (entry.startsWith('.') && entry.includes(PARTIAL_MARK))
      await rm(join(historyDir, entry), { recursive: true, force: true });
  }
  const target = join(historyDir, manifest.job_id);
  const partial = join(
    historyDir,
    `.${manifest.job_id}${PARTIAL_MARK}${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  const bundleDir = dirname(manifestPath);
  try {
    for (const path of bundleFilePaths(manifest)) {
      const copy = resolve(partial, path);
      await makeFolder(dirname(copy), copy);
      await copyFile(resolve(bundleDir, path), copy);
      await syncPath(copy);
    }
    const manifestCopy = join(partial, basename(manifestPath));
    await copyFile(manifestPath, manifestCopy);
    await syncPath(manifestCopy);
    await rm(target, { recursive: true, force: true });
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
  await syncPath(historyDir);
  return target;
}
