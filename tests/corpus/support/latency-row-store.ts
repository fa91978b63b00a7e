import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { csvRecords } from '../../support/csv-records.js';
import type { RowStore } from './corpus-case.js';
import { dataLines, missingFrom } from './csv-text.js';

export const LATENCY_RAW = 'ops/signal_latency.csv';
export const LATENCY_REJECTS = 'ops/signal_latency_rejects.csv';
const LATENCY_ARCHIVE_MANIFEST = 'ops/signal_latency_archive/manifest.jsonl';

const readIfPresent = (path: string) => readFile(path, 'utf8').catch(() => '');

interface RejectedRecord {
  reason: string;
  /** the row's original text; the first bytes only of an over-long line */
  raw: string;
}

async function rejectedRecords(root: string): Promise<RejectedRecord[]> {
  const [, ...records] = csvRecords(await readIfPresent(join(root, LATENCY_REJECTS)));
  return records.map((record) => ({ reason: record[1] ?? '', raw: (record[2] ?? '').replace(/\r$/, '') }));
}

/** The `raw` column of the rejects file: each rejected row's original text. */
export async function rejectedRows(root: string): Promise<string[]> {
  return (await rejectedRecords(root)).map((record) => record.raw);
}

const OVER_LONG = /^line of \d+ bytes is longer than the limit of \d+ bytes$/;

/**
 * Rows not found whole that the rejects file records as over-long: such a row is rejected with
 * its length and only its start is kept (docs/decisions.md), so its start must be there.
 */
function withoutRecordedOverLong(missing: string[], rejected: readonly RejectedRecord[]): string[] {
  const prefixes = rejected.filter((record) => OVER_LONG.test(record.reason)).map((record) => record.raw);
  return missing.filter((row) => {
    const index = prefixes.findIndex((prefix) => row.length > prefix.length && row.startsWith(prefix));
    if (index === -1) return true;
    prefixes.splice(index, 1);
    return false;
  });
}

/** Every row the archives listed in the archive manifest hold. */
async function archivedRows(root: string): Promise<string[]> {
  const rows: string[] = [];
  for (const line of (await readIfPresent(join(root, LATENCY_ARCHIVE_MANIFEST))).split('\n')) {
    if (line.trim() === '') continue;
    const { path } = JSON.parse(line) as { path: string };
    rows.push(...dataLines(gunzipSync(await readFile(join(root, path))).toString('utf8')));
  }
  return rows;
}

/** Every sample row stored: in the raw file and in the archives the manifest lists. */
export async function storedLatencyRows(root: string): Promise<string[]> {
  return [...dataLines(await readIfPresent(join(root, LATENCY_RAW))), ...(await archivedRows(root))];
}

/**
 * The raw latency file may be rewritten by a run, but each of its rows must afterwards be in the
 * raw file, an archive or the rejects file (as a multiset: duplicates count; an over-long row by
 * its recorded start).
 */
export const LATENCY_RAW_STORE: RowStore = {
  file: LATENCY_RAW,
  async lostRows(root, before) {
    const rejected = await rejectedRecords(root);
    const found = [...(await storedLatencyRows(root)), ...rejected.map((record) => record.raw)];
    return withoutRecordedOverLong(missingFrom(dataLines(before.toString('utf8')), found), rejected);
  },
};
