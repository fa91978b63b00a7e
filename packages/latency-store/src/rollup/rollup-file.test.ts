import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from '@obs-automation/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { type LatencyFile, LatencyFileError } from '../latency-file.js';
import { useTempDir } from '../test-support/temp-dir.js';
import {
  formatRollup,
  type RollupRow,
  readRollupFile,
  type StoredRollupRow,
  scanRollupFile,
} from './rollup-file.js';

const HOUR = 3_600_000;
const HEADER =
  'hour_utc,window_end_utc,count,failure_count,failure_rate,p50_ms,p95_ms,p99_ms,max_ms,breach_flag,breach_streak';

function row(hour: number, p95: number): RollupRow {
  return {
    startMs: hour * HOUR,
    endMs: (hour + 1) * HOUR,
    count: 4,
    failureCount: 1,
    failureRate: 0.25,
    p50Ms: 1.5,
    p95Ms: p95,
    p99Ms: p95,
    maxMs: p95,
    breachFlag: p95 > 5000,
    breachStreak: p95 > 5000 ? 1 : 0,
  };
}

describe('rollup file', () => {
  const dir = useTempDir('rollup-');
  let file: LatencyFile;
  beforeEach(() => {
    file = { path: join(dir(), 'rollup.csv'), label: 'ops/signal_latency_rollup.csv' };
  });

  it('writes the exact header and reads its own output back, hashing the bytes', async () => {
    const rows = [row(0, 100), row(1, 6000)];
    const text = formatRollup(rows);
    expect(text.split('\n')[0]).toBe(HEADER);
    expect(text.split('\n')[2]).toBe(
      '1970-01-01T01:00:00Z,1970-01-01T02:00:00Z,4,1,0.25,1.5,6000,6000,6000,true,1',
    );
    await writeFile(file.path, text);
    const seen: StoredRollupRow[] = [];
    expect(await scanRollupFile(file, (stored) => seen.push(stored))).toEqual({
      rows: 2,
      sha256: sha256Hex(text),
    });
    expect(seen).toEqual(rows);
  });

  it('is null (scan) or empty (read) when the file does not exist', async () => {
    expect(await scanRollupFile(file, () => undefined)).toBeNull();
    expect(await readRollupFile(file)).toEqual([]);
  });

  it('loads a rollup without breach columns, a BOM, CRLF and zone-less or offset timestamps', async () => {
    await writeFile(
      file.path,
      '\uFEFFhour_utc,window_end_utc,count,failure_count,failure_rate,p50_ms,p95_ms,p99_ms,max_ms\r\n2024-01-01T00:00:00,2024-01-01T02:00:00+01:00,10,1,0.1,120,180,220,300\r\n',
    );
    expect(await readRollupFile(file)).toEqual([
      {
        startMs: Date.parse('2024-01-01T00:00:00Z'),
        endMs: Date.parse('2024-01-01T01:00:00Z'),
        count: 10,
        failureCount: 1,
        failureRate: 0.1,
        p50Ms: 120,
        p95Ms: 180,
        p99Ms: 220,
        maxMs: 300,
        breachFlag: null,
        breachStreak: null,
      },
    ]);
  });

  const good = '2024-01-01T00:00:00Z,2024-01-01T01:00:00Z,4,1,0.25,1,2,3,4,false,0';
  it.each([
    ['count', good.replace(',4,1,', ',ten,1,'), 'count "ten" is not a whole number ≥ 0'],
    ['count', good.replace(',4,1,', ',4.5,1,'), 'count "4.5" is not a whole number ≥ 0'],
    ['p95_ms', good.replace(',1,2,3,', ',1,NaN,3,'), 'p95_ms "NaN" is not a number ≥ 0'],
    ['p95_ms', good.replace(',1,2,3,', ',1,0x10,3,'), 'p95_ms "0x10" is not a number ≥ 0'],
    ['p95_ms', good.replace(',1,2,3,', ',1,,3,'), 'p95_ms is empty'],
    ['max_ms', good.replace(',3,4,', ',3,-4,'), 'max_ms "-4" is not a number ≥ 0'],
    ['failure_rate', good.replace(',0.25,', ',8.3,'), 'failure_rate "8.3" is not a number between 0 and 1'],
    [
      'hour_utc',
      good.replace('2024-01-01T00:00:00Z', '2024-01-01 10h'),
      'hour_utc "2024-01-01 10h" is not an ISO-8601 timestamp',
    ],
    [
      'window_end_utc',
      good.replace('2024-01-01T01:00:00Z', '2023-12-31T23:00:00Z'),
      'window_end_utc is not after hour_utc',
    ],
    ['breach_flag', good.replace(',false,', ',maybe,'), 'breach_flag "maybe" is not true or false'],
    ['breach_streak', good.replace(/,0$/, ',-1'), 'breach_streak "-1" is not a whole number ≥ 0'],
    [
      undefined,
      '2024-01-01T00:00:00Z,2024-01-01T01:00:00Z,3',
      'expected 11 columns as in the header, found 3',
    ],
  ])('names the file, line and column %s of a bad row', async (column, bad, problem) => {
    await writeFile(file.path, `${HEADER}\n${good}\n${bad}\n`);
    const error = await readRollupFile(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LatencyFileError);
    expect((error as LatencyFileError).message).toBe(`ops/signal_latency_rollup.csv: line 3: ${problem}`);
    expect((error as LatencyFileError).details).toEqual({
      file: 'ops/signal_latency_rollup.csv',
      line: 3,
      ...(column && { column }),
    });
  });

  it.each([
    ['an empty file', '', 'empty file: expected the rollup header'],
    ['a header without the figures', 'hour_utc,count\n', 'rollup header lacks window_end_utc, failure_count'],
  ])('refuses %s at line 1', async (_name, text, problem) => {
    await writeFile(file.path, text);
    await expect(readRollupFile(file)).rejects.toThrow(`ops/signal_latency_rollup.csv: line 1: ${problem}`);
  });
});
