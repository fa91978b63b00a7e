import { lstat, readdir } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';

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

/**
 * The names of the kept bundle folders of a history (`<history-dir>/<job_id>/`), sorted: hidden
 * partial copies and the references folder are not bundles. Null when the history folder does
 * not exist.
 */
export async function listHistoryBundleNames(historyDir: string): Promise<string[] | null> {
  const entries = await folderEntries(historyDir);
  if (entries === null) return null;
  return entries
    .filter(
      (entry) =>
        entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== HISTORY_REFERENCES_FOLDER,
    )
    .map((entry) => entry.name)
    .sort();
}

/** The kept bundle folders of a history as absolute paths, sorted (see listHistoryBundleNames). */
export async function listHistoryBundleFolders(historyDir: string): Promise<string[] | null> {
  const names = await listHistoryBundleNames(historyDir);
  if (names === null) return null;
  const base = resolve(historyDir);
  return names.map((name) => `${base}${sep}${name}`);
}

export interface ReferenceFiles {
  /** the day files, oldest first, as absolute paths */
  files: string[];
  /** entries not read because they are not what they should be (a link, a FIFO), with why */
  refused: { path: string; reason: string }[];
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
