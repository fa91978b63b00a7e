import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test-support/temp-dir.js';
import type { ManifestRecord } from './archive-manifest.js';
import {
  type ArchiveAppend,
  appendedArchive,
  appendToArchive,
  cumulativeFigures,
  planArchiveAppend,
  undoArchiveAppend,
} from './day-archive.js';

const HEADER = 'timestamp_utc,source,latency_ms,ingest_latency_ms,status,detail\n';
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function lineFor(bytes: Buffer, rows: number): ManifestRecord {
  return {
    job_id: '20260706T003000Z-latency',
    path: 'ops/a/2026/07/2026-07-06.csv.gz',
    sha256: sha(bytes),
    bytes: bytes.length,
    row_count: rows,
    first_ts: '2026-06-22T00:00:00.000Z',
    last_ts: '2026-06-22T00:10:00.000Z',
    reason: 'retention',
    rotated_at: '2026-07-06T00:30:00.000Z',
    line: 1,
    firstMs: Date.parse('2026-06-22T00:00:00.000Z'),
    lastMs: Date.parse('2026-06-22T00:10:00.000Z'),
  };
}

describe('day archive appends', () => {
  const dir = useTempDir('day-archive-');
  const file = () => ({ path: join(dir(), '2026-07-06.csv.gz'), label: 'ops/a/2026/07/2026-07-06.csv.gz' });
  const member = async (rows: string) => {
    const path = join(dir(), 'member.gz');
    await writeFile(path, gzipSync(rows));
    return path;
  };

  it('creates an archive with its header member, then appends members, each hash known before writing', async () => {
    const created = (await planArchiveAppend(file(), undefined, HEADER)) as ArchiveAppend;
    expect(created.bytesBefore).toBe(0);
    const first = await member('2026-06-22T00:00:00Z,a,1,,success,\n');
    const expected = await appendedArchive(created, first);
    await appendToArchive(created, first);
    const afterFirst = await readFile(file().path);
    expect({ sha256: sha(afterFirst), bytes: afterFirst.length }).toEqual(expected);

    const appended = (await planArchiveAppend(file(), lineFor(afterFirst, 1), HEADER)) as ArchiveAppend;
    expect(appended.bytesBefore).toBe(afterFirst.length);
    const second = await member('2026-06-22T00:10:00Z,b,2,,success,\n');
    const next = await appendedArchive(appended, second);
    await appendToArchive(appended, second);
    const afterSecond = await readFile(file().path);
    expect(sha(afterSecond)).toBe(next.sha256);
    // One CSV: the header once, the rows of both members; the first bytes are unchanged.
    expect(gunzipSync(afterSecond).toString()).toBe(
      `${HEADER}2026-06-22T00:00:00Z,a,1,,success,\n2026-06-22T00:10:00Z,b,2,,success,\n`,
    );
    expect(afterSecond.subarray(0, afterFirst.length)).toEqual(afterFirst);
  });

  it.each([
    ['missing while listed', async () => undefined, true, 'listed in the manifest but missing'],
    [
      'present but unlisted',
      async (path: string) => writeFile(path, gzipSync(HEADER)),
      false,
      'no manifest line names it',
    ],
    [
      'longer than its line covers',
      async (path: string) => writeFile(path, Buffer.concat([gzipSync(HEADER), gzipSync('x\n')])),
      true,
      'its last manifest line covers',
    ],
  ])('refuses an archive %s', async (_name, plant, listed, problem) => {
    await plant(file().path);
    const plan = await planArchiveAppend(file(), listed ? lineFor(gzipSync(HEADER), 1) : undefined, HEADER);
    expect(plan).toEqual(expect.stringContaining(problem));
  });

  it('refuses an archive whose bytes or header differ from what its line covers', async () => {
    const bytes = gzipSync(HEADER);
    await writeFile(file().path, bytes);
    const altered = { ...lineFor(bytes, 1), sha256: 'a'.repeat(64) };
    expect(await planArchiveAppend(file(), altered, HEADER)).toEqual(expect.stringContaining('differs'));
    expect(await planArchiveAppend(file(), lineFor(bytes, 1), 'timestamp_utc,latency_ms\n')).toEqual(
      expect.stringContaining('another CSV header'),
    );
  });

  it('takes an unrecorded append back to the size before, and removes an unrecorded new archive', async () => {
    const bytes = gzipSync(HEADER);
    await writeFile(file().path, Buffer.concat([bytes, gzipSync('torn')]));
    await undoArchiveAppend(file().path, bytes.length);
    expect(await readFile(file().path)).toEqual(bytes);
    await undoArchiveAppend(file().path, 0);
    await expect(stat(file().path)).rejects.toThrow();
  });

  it('adds the appended rows to what the archive had', () => {
    const current = lineFor(gzipSync(HEADER), 4);
    expect(
      cumulativeFigures(current, {
        rows: 2,
        firstMs: Date.parse('2026-06-21T23:00:00Z'),
        lastMs: Date.parse('2026-06-22T00:05:00Z'),
      }),
    ).toEqual({ row_count: 6, first_ts: '2026-06-21T23:00:00.000Z', last_ts: '2026-06-22T00:10:00.000Z' });
  });
});
