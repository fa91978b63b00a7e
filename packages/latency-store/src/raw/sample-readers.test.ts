import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sha256Hex } from '@obs-automation/core';
import { describe, expect, it } from 'vitest';
import { type LatencyFile, LatencyFileError } from '../latency-file.js';
import { useTempDir } from '../test-support/temp-dir.js';
import type { LatencySample } from './latency-sample.js';
import {
  type RejectedRow,
  readArchiveSamples,
  readLatencySamples,
  type SampleVisitor,
} from './sample-readers.js';

describe('sample readers', () => {
  const dir = useTempDir('latency-readers-');

  const file = (name: string): LatencyFile => ({ path: join(dir(), name), label: `ops/${name}` });
  const csv =
    'timestamp_utc,source,latency_ms,ingest_latency_ms,status,detail\n2026-07-06T00:00:00Z,a,10,,success,\nbad,a,1,,success,\n2026-07-06T00:01:00Z,b,20,,error,"x,y"\n';

  function collector() {
    const samples: [number, LatencySample][] = [];
    const rejected: RejectedRow[] = [];
    const visitor: SampleVisitor = {
      onSample: (sample, line) => samples.push([line, sample]),
      onReject: (row) => rejected.push(row),
    };
    const summary = () => ({
      samples: samples.map(([line, sample]) => [
        line,
        sample.source,
        sample.latencyMs,
        sample.failed,
        sample.detail,
      ]),
      rejected: rejected.map((row) => [row.line, row.raw.toString()]),
    });
    return { visitor, summary };
  }

  const expected = {
    samples: [
      [2, 'a', 10, false, ''],
      [4, 'b', 20, true, 'x,y'],
    ],
    rejected: [[3, 'bad,a,1,,success,']],
  };

  it('streams the samples of a raw file, with rejected rows and line numbers', async () => {
    await writeFile(file('raw.csv').path, csv);
    const { visitor, summary } = collector();
    expect(await readLatencySamples(file('raw.csv'), visitor)).toEqual({
      samples: 2,
      rejected: 1,
      format: 'samples',
    });
    expect(summary()).toEqual(expected);
    expect(await readLatencySamples(file('missing.csv'), visitor)).toBeNull();
  });

  it('builds only the samples the visitor wants, and still counts the others', async () => {
    await writeFile(file('raw.csv').path, csv);
    const seen: number[] = [];
    const result = await readLatencySamples(file('raw.csv'), {
      wants: (timestampMs) => timestampMs >= Date.parse('2026-07-06T00:01:00Z'),
      onSample: (sample) => seen.push(sample.latencyMs),
    });
    expect(result).toMatchObject({ samples: 2, rejected: 1 });
    expect(seen).toEqual([20]);
  });

  it('reads a gzip archive whose bytes match its manifest checksum', async () => {
    const bytes = gzipSync(csv);
    await writeFile(file('archive.csv.gz').path, bytes);
    const { visitor, summary } = collector();
    await readArchiveSamples(file('archive.csv.gz'), { sha256: sha256Hex(bytes).toUpperCase() }, visitor);
    expect(summary()).toEqual(expected);
  });

  it('reads a day archive of gzip members only as far as its manifest line covers', async () => {
    const [header, ...rows] = csv.trimEnd().split('\n');
    const covered = Buffer.concat([gzipSync(`${header}\n`), gzipSync(`${rows.join('\n')}\n`)]);
    const appended = gzipSync('2026-07-06T00:02:00Z,c,1,,success,\n');
    await writeFile(file('day.csv.gz').path, Buffer.concat([covered, appended]));
    const { visitor, summary } = collector();
    await readArchiveSamples(
      file('day.csv.gz'),
      { sha256: sha256Hex(covered), bytes: covered.length },
      visitor,
    );
    expect(summary()).toEqual(expected);
  });

  it.each([
    ['a missing archive', null, 'listed in the manifest but missing'],
    [
      'an altered archive',
      gzipSync(`${csv}2026-07-06T00:02:00Z,c,1,,success,\n`),
      'differs from the manifest',
    ],
    ['a file that is not gzip', Buffer.from(csv), 'cannot read'],
  ])('refuses %s, naming it', async (_name, content, problem) => {
    if (content) await writeFile(file('archive.csv.gz').path, content);
    const error = await readArchiveSamples(
      file('archive.csv.gz'),
      { sha256: sha256Hex(gzipSync(csv)) },
      collector().visitor,
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LatencyFileError);
    expect((error as LatencyFileError).code).toBe('invalid_input');
    expect((error as LatencyFileError).message).toContain('ops/archive.csv.gz');
    expect((error as LatencyFileError).problem).toContain(problem);
  });
});
