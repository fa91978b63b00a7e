import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobError } from '@obs-automation/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatRollup, mergeRollup, type RollupRow, readRollup } from './rollup-file.js';

const HOUR = 3_600_000;
const rule = { sloP95Ms: 5000, failureRateThreshold: 0.01 };

function row(hour: number, p95: number, span = 1): RollupRow {
  return {
    startMs: hour * HOUR,
    endMs: (hour + span) * HOUR,
    count: 4,
    failureCount: 1,
    failureRate: 0.25,
    p50Ms: 1.5,
    p95Ms: p95,
    p99Ms: p95,
    maxMs: p95,
    breachFlag: false,
    breachStreak: 0,
  };
}

describe('rollup file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rollup-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the exact header and reads its own output back (flags and streaks are recomputed)', async () => {
    const rows = mergeRollup([], [row(1, 6000), row(0, 100)], 0, rule);
    const text = formatRollup(rows);
    expect(text.split('\n')[0]).toBe(
      'hour_utc,window_end_utc,count,failure_count,failure_rate,p50_ms,p95_ms,p99_ms,max_ms,breach_flag,breach_streak',
    );
    expect(text.split('\n')[1]).toBe(
      '1970-01-01T00:00:00Z,1970-01-01T01:00:00Z,4,1,0.25,1.5,100,100,100,true,1',
    );
    const path = join(dir, 'rollup.csv');
    await writeFile(path, text);
    expect(mergeRollup(await readRollup(path), [], 0, rule)).toEqual(rows);
  });

  it("loads the earlier tooling's rollup without breach columns", async () => {
    const path = join(dir, 'old.csv');
    await writeFile(
      path,
      'hour_utc,window_end_utc,count,failure_count,failure_rate,p50_ms,p95_ms,p99_ms,max_ms\n2024-01-01T00:00:00Z,2024-01-01T01:00:00Z,10,1,0.1,120,180,220,300\n',
    );
    expect(await readRollup(path)).toMatchObject([{ count: 10, p95Ms: 180, failureRate: 0.1 }]);
  });

  it('names the file and line of a malformed row', async () => {
    const path = join(dir, 'bad.csv');
    await writeFile(
      path,
      `${formatRollup([row(0, 1)])}2024-01-01T00:00:00Z,2024-01-01T01:00:00Z,ten,1,0.1,1,1,1,1,false,0\n`,
    );
    const error = await readRollup(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(JobError);
    expect((error as JobError).code).toBe('input_unreadable');
    expect((error as JobError).message).toContain(`${path}: line 3: count "ten"`);
  });

  it('replaces overlapping rows, keeps the rest, drops expired rows and sorts', () => {
    const existing = [row(0, 1), row(1, 2), row(2, 3), row(4, 5, 4)];
    const merged = mergeRollup(existing, [row(5, 50), row(1, 20)], 1 * HOUR + 1, rule);
    expect(merged.map((item) => [item.startMs / HOUR, item.p95Ms])).toEqual([
      [1, 20],
      [2, 3],
      [5, 50],
    ]);
  });
});
