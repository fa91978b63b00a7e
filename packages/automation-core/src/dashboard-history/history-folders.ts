import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

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
 * The kept bundle folders of a history (`<history-dir>/<job_id>/`), sorted, as absolute paths:
 * hidden partial copies and the references folder are not bundles. Null when the history folder
 * does not exist.
 */
export async function listHistoryBundleFolders(historyDir: string): Promise<string[] | null> {
  const entries = await folderEntries(historyDir);
  if (entries === null) return null;
  return entries
    .filter(
      (entry) =>
        entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== HISTORY_REFERENCES_FOLDER,
    )
    .map((entry) => join(historyDir, entry.name))
    .sort();
}

/**
 * The day files of the references folder, sorted (oldest day first), as absolute paths. Only
 * regular files named `<YYYY-MM-DD>.jsonl` count: temporary files of a rewrite, links and
 * anything else are not read.
 */
export async function listReferenceFiles(historyDir: string): Promise<string[]> {
  const folder = join(historyDir, HISTORY_REFERENCES_FOLDER);
  const entries = (await folderEntries(folder)) ?? [];
  return entries
    .filter((entry) => entry.isFile() && REFERENCE_FILE.test(entry.name))
    .map((entry) => join(folder, entry.name))
    .sort();
}
