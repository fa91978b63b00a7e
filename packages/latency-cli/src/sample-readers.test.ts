import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readArchiveManifest } from './archive-manifest.js';
import type { LatencySample } from './latency-sample.js';
import { type RejectedRow, readArchiveSamples, readLatencySamples } from './sample-readers.js';

describe('exported sample readers', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latency-readers-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const csv =
    'timestamp_utc,source,latency_ms,ingest_latency_ms,status,detail\n2026-07-06T00:00:00Z,a,10,,success,\nbad,a,1,,success,\n2026-07-06T00:01:00Z,b,20,,error,"x,y"\n';

  it('streams the samples of a raw file and of a gzip archive, with rejected rows and line numbers', async () => {
    await writeFile(join(dir, 'raw.csv'), csv);
    await writeFile(join(dir, 'archive.csv.gz'), gzipSync(csv));
    for (const [path, read] of [
      ['raw.csv', readLatencySamples],
      ['archive.csv.gz', readArchiveSamples],
    ] as const) {
      const samples: [number, LatencySample][] = [];
      const rejected: RejectedRow[] = [];
      const result = await read(join(dir, path), {
        onSample: (sample, line) => samples.push([line, sample]),
        onReject: (row) => rejected.push(row),
      });
      expect(result).toEqual({ samples: 2, rejected: 1, format: 'samples' });
      expect(
        samples.map(([line, sample]) => [
          line,
          sample.source,
          sample.latencyMs,
          sample.failed,
          sample.detail,
        ]),
      ).toEqual([
        [2, 'a', 10, false, ''],
        [4, 'b', 20, true, 'x,y'],
      ]);
      expect(rejected.map((row) => [row.line, row.raw.toString()])).toEqual([[3, 'bad,a,1,,success,']]);
    }
  });

  it('reads the manifest, reporting lines it cannot read without stopping', async () => {
    const path = join(dir, 'manifest.jsonl');
    const entry = {
      job_id: '20260706T003000Z-latency',
      path: 'ops/a.csv.gz',
      sha256: 'a'.repeat(64),
      row_count: 2,
      first_ts: '2026-07-05T00:00:00.000Z',
      last_ts: '2026-07-05T01:00:00.000Z',
      reason: 'retention',
      rotated_at: '2026-07-06T00:30:00.000Z',
    };
    await writeFile(path, `${JSON.stringify(entry)}\n{"path":\n\n[]\n`);
    const manifest = await readArchiveManifest(path);
    expect(manifest.entries).toEqual([
      { ...entry, line: 1, firstMs: Date.parse(entry.first_ts), lastMs: Date.parse(entry.last_ts) },
    ]);
    expect(manifest.issues.map((issue) => issue.line)).toEqual([2, 4]);
    expect(await readArchiveManifest(join(dir, 'missing.jsonl'))).toEqual({ entries: [], issues: [] });
  });
});
