import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { formatSchemaIssues } from '@obs-automation/core';
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

/**
 * The bundles of the history folder with their manifests (hidden partial copies are not
 * bundles); null when the folder does not exist.
 */
export async function readHistory(
  historyDir: string,
  manifestName: string,
  shown: (absolute: string) => string,
): Promise<HistoryEntry[] | null> {
  let folders: string[];
  try {
    const entries = await readdir(historyDir, { withFileTypes: true });
    folders = entries
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
      .map((entry) => join(historyDir, entry.name))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const entries: HistoryEntry[] = [];
  for (let start = 0; start < folders.length; start += READ_CONCURRENCY) {
    const batch = folders.slice(start, start + READ_CONCURRENCY);
    entries.push(...(await Promise.all(batch.map((folder) => readEntry(folder, manifestName, shown)))));
  }
  return entries;
}

/** The newest readable bundle (by `generated_at`, then sequence): retention never deletes it. */
export function newestBundle(entries: readonly HistoryEntry[]): HistoryEntry | null {
  let newest: HistoryEntry | null = null;
  for (const entry of entries) {
    if (!entry.manifest) continue;
    if (!newest?.manifest) {
      newest = entry;
      continue;
    }
    const delta = Date.parse(entry.manifest.generated_at) - Date.parse(newest.manifest.generated_at);
    if (delta > 0 || (delta === 0 && entry.manifest.sequence > newest.manifest.sequence)) newest = entry;
  }
  return newest;
}
