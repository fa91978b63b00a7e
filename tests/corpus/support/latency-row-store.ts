import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { countedArchiveTexts } from '../../support/counted-archives.js';
import { csvRecords } from '../../support/csv-records.js';
import type { RowStore } from './corpus-case.js';
import { dataLines, missingFrom } from './csv-text.js';

export const LATENCY_RAW = 'ops/signal_latency.csv';
export const LATENCY_REJECTS = 'ops/signal_latency_rejects.csv';

const readIfPresent = (path: string) => readFile(path, 'utf8').catch(() => '');

/** The `raw` column of the rejects file: each rejected row's original text, whole however long. */
export async function rejectedRows(root: string): Promise<string[]> {
  const [, ...records] = csvRecords(await readIfPresent(join(root, LATENCY_REJECTS)));
  return records.map((record) => (record[2] ?? '').replace(/\r$/, ''));
}

/** Every row the archives the manifest counts hold (a day archive as far as its last line covers it). */
async function archivedRows(root: string): Promise<string[]> {
  return (await countedArchiveTexts(root)).flatMap(dataLines);
}

/** Every sample row stored: in the raw file and in the archives the manifest counts. */
export async function storedLatencyRows(root: string): Promise<string[]> {
  return [...dataLines(await readIfPresent(join(root, LATENCY_RAW))), ...(await archivedRows(root))];
}

/**
 * The raw latency file may be rewritten by a run, but each of its rows must afterwards be in the
 * raw file, an archive or the rejects file, whole (as a multiset: duplicates count).
 */
export const LATENCY_RAW_STORE: RowStore = {
  file: LATENCY_RAW,
  async lostRows(root, before) {
    const found = [...(await storedLatencyRows(root)), ...(await rejectedRows(root))];
    return missingFrom(dataLines(before.toString('utf8')), found);
  },
};
