import { join } from 'node:path';
import {
  formatSchemaIssues,
  type HistoryReferences,
  type HistoryRun,
  listHistoryBundleFolders,
  newestRun,
  readHistoryReferences,
} from '@obs-automation/core';
import { type BundleManifest, readBundleManifest } from './bundle-manifest.js';

/** One bundle under the history folder, `<history-dir>/<job_id>/`. */
export interface HistoryEntry {
  folder: string;
  manifest: BundleManifest | null;
  /** why the bundle's manifest cannot be used */
  problem?: string;
}

const READ_CONCURRENCY = 16;

async function readEntry(
  folder: string,
  manifestName: string,
  shown: (absolute: string) => string,
): Promise<HistoryEntry> {
  const manifest = join(folder, manifestName);
  const read = await readBundleManifest(manifest, shown(manifest));
  switch (read.kind) {
    case 'ok':
      return { folder, manifest: read.manifest };
    case 'missing':
      return { folder, manifest: null, problem: `no ${manifestName}` };
    case 'unreadable':
      return { folder, manifest: null, problem: `${manifestName}: ${read.reason}` };
    case 'schema_invalid':
      return { folder, manifest: null, problem: `${manifestName}: ${formatSchemaIssues(read.issues)}` };
  }
}

/** A dashboard history: its kept bundles and the runs recorded as references to them. */
export interface History {
  bundles: HistoryEntry[];
  references: HistoryReferences;
}

/**
 * The kept bundles of the history folder with their manifests (hidden partial copies and the
 * references folder are not bundles), and its references; null when the folder does not exist.
 */
export async function readHistory(
  historyDir: string,
  manifestName: string,
  shown: (absolute: string) => string,
): Promise<History | null> {
  const folders = await listHistoryBundleFolders(historyDir);
  if (folders === null) return null;
  const bundles: HistoryEntry[] = [];
  for (let start = 0; start < folders.length; start += READ_CONCURRENCY) {
    const batch = folders.slice(start, start + READ_CONCURRENCY);
    bundles.push(...(await Promise.all(batch.map((folder) => readEntry(folder, manifestName, shown)))));
  }
  return { bundles, references: await readHistoryReferences(historyDir, shown) };
}

/** The newest run of the history, a kept bundle's manifest or a reference: retention never deletes it. */
export function newestHistoryRun(history: History): HistoryRun | null {
  return newestRun<HistoryRun>([
    ...history.bundles.flatMap((entry) => (entry.manifest ? [entry.manifest] : [])),
    ...history.references.references,
  ]);
}
