import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type JsonDocument, LOG, readJsonLines } from './verify-workspace.js';

export const SEGMENTS = 'ops/automation_runs';
export const SEGMENT_MANIFEST = `${SEGMENTS}/manifest.jsonl`;

export const range = (first: number, last: number) =>
  Array.from({ length: last - first + 1 }, (_, index) => first + index);

/**
 * The log's entries where they are, read independently of the jobs: each sealed segment the
 * manifest lists and no deletion line removes (unpacked with zlib), and the open log.
 */
export async function entriesByPlace(
  root: string,
): Promise<{ sealed: JsonDocument[]; open: JsonDocument[] }> {
  const manifest = await readJsonLines(root, SEGMENT_MANIFEST).catch(() => [] as JsonDocument[]);
  const deleted = new Set(manifest.filter((line) => line.event === 'deleted').map((line) => line.file));
  const sealed: JsonDocument[] = [];
  for (const line of manifest.filter((item) => item.event === 'sealed' && !deleted.has(item.file))) {
    const text = gunzipSync(await readFile(join(root, SEGMENTS, line.file))).toString('utf8');
    for (const entry of text.split('\n').filter(Boolean)) sealed.push(JSON.parse(entry));
  }
  return { sealed, open: await readJsonLines(root, LOG) };
}
