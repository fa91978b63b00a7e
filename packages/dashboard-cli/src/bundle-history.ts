import { randomBytes } from 'node:crypto';
import { copyFile, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import {
  type HistoryReferences,
  isoDate,
  jobIdTimeMs,
  listHistoryBundleFolders,
  makeFolder,
  type ReferenceFileChoice,
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

/**
 * What of the history a run reads: all of it, or what a run on `runDay` (YYYY-MM-DD) needs (see
 * historyFoldersToRead and neededReferenceFiles).
 */
export type HistoryScope = { kind: 'all' } | { kind: 'needed'; expiryCutoffMs: number; runDay: string };

/** How many of the newest bundles (by the time in their folder names) a run reads besides those old enough to expire. */
const NEWEST_READ = 4;

/**
 * The folders whose manifest a run reads: the newest few by the time in their names (the
 * comparison and the next sequence need the newest), those whose name is older than the expiry
 * cutoff (the retention decides on their manifest's `generated_at`), and any whose name holds no
 * time. The rest are not read, so a run's cost does not grow with the history's length: a folder
 * whose name says it is newer than its manifest only expires once its name is old enough, and
 * `obs-verify bundle` checks every bundle.
 */
export function historyFoldersToRead(folders: readonly string[], scope: HistoryScope): string[] {
  if (scope.kind === 'all') return [...folders];
  // once per folder: a history holds thousands
  const times = folders.map((folder) => jobIdTimeMs(folder.slice(folder.lastIndexOf(sep) + 1)));
  const timed = folders
    .map((folder, index) => ({ folder, ms: times[index] ?? null }))
    .filter((item): item is { folder: string; ms: number } => item.ms !== null)
    .sort((a, b) => b.ms - a.ms);
  const wanted = new Set(timed.slice(0, NEWEST_READ).map((item) => item.folder));
  for (const item of timed) if (item.ms < scope.expiryCutoffMs) wanted.add(item.folder);
  return folders.filter((folder, index) => wanted.has(folder) || times[index] === null);
}

/** The kept bundles of the history folder in `scope` (none when it does not exist), with their manifests read. */
async function listHistoryBundles(
  historyDir: string,
  manifestName: string,
  shown: (absolute: string) => string,
  scope: HistoryScope,
): Promise<HistoryBundle[]> {
  const listing = await listHistoryBundleFolders(historyDir);
  const folders = historyFoldersToRead(listing?.folders ?? [], scope);
  const refused = (listing?.refused ?? []).map(
    ({ path, reason }): HistoryBundle => ({ folder: path, manifest: null, problem: reason }),
  );
  const read = await mapWithConcurrency(folders, READ_CONCURRENCY, async (folder): Promise<HistoryBundle> => {
    const manifest = join(folder, manifestName);
    const read = await readManifest(manifest, shown(manifest));
    if (read.kind === 'ok') return { folder, manifest: read.manifest };
    return {
      folder,
      manifest: null,
      problem: read.kind === 'missing' ? `no ${manifestName}` : `${manifestName} ${read.reason}`,
    };
  });
  return [...read, ...refused];
}

/** A dashboard history: its kept bundles (those in the scope it was read with) and the runs recorded as references to them. */
export interface HistoryState {
  bundles: HistoryBundle[];
  references: HistoryReferences;
}

/**
 * The day files of references a run reads, from the newest back: the newest and the run's own
 * (the newest run, the next sequence, a reference already recorded), those of days up to the
 * expiry cutoff's (their references may expire), and further back only while a bundle that may
 * expire has not been found named by an unexpired reference (a bundle none names is deleted).
 */
function neededReferenceFiles(
  expiryCutoffMs: number,
  runDay: string,
  expiring: readonly string[],
): ReferenceFileChoice {
  const cutoffDay = isoDate(expiryCutoffMs);
  return (file, newest, read) => {
    const day = basename(file, '.jsonl');
    if (newest || day <= cutoffDay || day === runDay) return true;
    const named = new Set(
      read.filter((reference) => Date.parse(reference.generated_at) >= expiryCutoffMs).map((r) => r.bundle),
    );
    return expiring.some((jobId) => !named.has(jobId));
  };
}

export async function readHistoryState(
  historyDir: string,
  manifestName: string,
  shown: (absolute: string) => string,
  scope: HistoryScope,
): Promise<HistoryState> {
  const bundles = await listHistoryBundles(historyDir, manifestName, shown, scope);
  if (scope.kind === 'all') return { bundles, references: await readHistoryReferences(historyDir, shown) };
  const expiring = bundles.flatMap((bundle) =>
    bundle.manifest && Date.parse(bundle.manifest.generated_at) < scope.expiryCutoffMs
      ? [bundle.manifest.job_id]
      : [],
  );
  const choice = neededReferenceFiles(scope.expiryCutoffMs, scope.runDay, expiring);
  return { bundles, references: await readHistoryReferences(historyDir, shown, choice) };
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
