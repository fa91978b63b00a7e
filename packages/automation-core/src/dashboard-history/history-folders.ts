import { lstat, readdir } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { JOB_ID_PATTERN } from '../job-id.js';

/**
 * The folder of a dashboard history (`<history-dir>/references/`) holding the runs recorded as a
 * reference to a kept bundle instead of a copy, one JSON-lines file per UTC day.
 */
export const HISTORY_REFERENCES_FOLDER = 'references';

const REFERENCE_FILE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}\.jsonl$/;

/** `<history-dir>/references/<YYYY-MM-DD>.jsonl` for a run generated at `generatedAt` (UTC day). */
export function referenceFilePath(historyDir: string, generatedAt: string): string {
  return join(historyDir, HISTORY_REFERENCES_FOLDER, `${generatedAt.slice(0, 10)}.jsonl`);
}

async function folderEntries(folder: string) {
  try {
    return await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** A history entry that is not what it should be (a link, a FIFO), never read, with why. */
export interface RefusedHistoryEntry {
  path: string;
  reason: string;
}

export interface HistoryBundleNames {
  /** the kept bundle folders' names, sorted */
  names: string[];
  /** entries named like a bundle (`<job_id>`) that are not folders: a link is never followed */
  refused: RefusedHistoryEntry[];
}

const NOT_A_BUNDLE_FOLDER = 'is not a folder (a link, a file, a FIFO): not read';

/**
 * The kept bundle folders of a history (`<history-dir>/<job_id>/`): hidden partial copies and the
 * references folder are not bundles; an entry named like one that is not a real folder is
 * refused, so that a link planted there is reported rather than passed over or followed. Null
 * when the history folder does not exist.
 */
export async function listHistoryBundleNames(historyDir: string): Promise<HistoryBundleNames | null> {
  const entries = await folderEntries(historyDir);
  if (entries === null) return null;
  const listing: HistoryBundleNames = { names: [], refused: [] };
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === HISTORY_REFERENCES_FOLDER) continue;
    if (entry.isDirectory()) listing.names.push(entry.name);
    else if (JOB_ID_PATTERN.test(entry.name)) {
      listing.refused.push({ path: resolve(historyDir, entry.name), reason: NOT_A_BUNDLE_FOLDER });
    }
  }
  listing.names.sort();
  listing.refused.sort((left, right) => (left.path < right.path ? -1 : 1));
  return listing;
}

/** The kept bundle folders of a history as absolute paths, sorted, and the entries refused (see listHistoryBundleNames). */
export async function listHistoryBundleFolders(
  historyDir: string,
): Promise<{ folders: string[]; refused: RefusedHistoryEntry[] } | null> {
  const listing = await listHistoryBundleNames(historyDir);
  if (listing === null) return null;
  const base = resolve(historyDir);
  return { folders: listing.names.map((name) => `${base}${sep}${name}`), refused: listing.refused };
}

export interface ReferenceFiles {
  /** the day files, oldest first, as absolute paths */
  files: string[];
  /** entries not read because they are not what they should be (a link, a FIFO), with why */
  refused: RefusedHistoryEntry[];
}

/**
 * The day files of the references folder: regular files named `<YYYY-MM-DD>.jsonl`, sorted
 * (oldest day first). A day file that is a link or not a regular file, and a references folder
 * that is a link, are refused (never read) and returned apart; temporary files of a rewrite
 * (hidden) and other names are not day files.
 */
export async function listReferenceFiles(historyDir: string): Promise<ReferenceFiles> {
  const folder = join(historyDir, HISTORY_REFERENCES_FOLDER);
  const listing: ReferenceFiles = { files: [], refused: [] };
  const info = await lstat(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (info === null) return listing;
  if (!info.isDirectory()) {
    listing.refused.push({ path: folder, reason: 'is not a folder (a link or a file): not read' });
    return listing;
  }
  for (const entry of (await folderEntries(folder)) ?? []) {
    if (!REFERENCE_FILE.test(entry.name)) continue;
    const path = join(folder, entry.name);
    if (entry.isFile()) listing.files.push(path);
    else listing.refused.push({ path, reason: 'is not a regular file (a link, a folder, a FIFO): not read' });
  }
  listing.files.sort();
  return listing;
}
