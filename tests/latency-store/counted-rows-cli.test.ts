import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, runCli } from '../support/cli-process.js';
import { csvRecords } from '../support/csv-records.js';
import {
  dataLines,
  LATENCY_ARGS,
  RAW,
  WEEKLY_ARGS,
  writeLatencyWorkspace,
  writeWeeklyWorkspaceFor,
} from './support/counting-workspaces.js';

const HEADER = 'timestamp_utc,source,latency_ms,ingest_latency_ms,status,detail';
const GOOD = [
  '2025-10-07T10:00:00Z,router,100,,success,',
  '2025-10-07T10:05:00Z,router,1e3,2,success,',
  '2025-10-07T10:10:00,router, 250 ,,error,"x, y"',
  '2025-10-07T19:15:00+09:00,router,.5,,OK,',
];
/** Each is rejected by obs-latency, so none may count anywhere. */
const BAD = [
  '2025-10-07T10:20:00Z,router,0x10,,success,',
  '2025-10-07T10:25:00Z,router,100,abc,success,',
  '2025-10-07T10:30:00Z,router,-5,,success,',
  '2025-10-07T10:35:00Z,router,NaN,,success,',
  '2025-10-07T10:40:00Z,router,,,success,',
  '2025-10-07T10:45:00Z,router,Infinity,,success,',
  '2025-02-30T10:50:00Z,router,100,,success,',
  '2025-10-07T10:55:00Z,router,100,,success',
  `2025-10-07T10:59:00Z,router,100,,success,${'d'.repeat(70_000)}`,
];
const RAW_TEXT = `${[HEADER, GOOD[0], BAD[0], GOOD[1], ...BAD.slice(1), GOOD[2], GOOD[3]].join('\n')}\n`;

describe('one raw file, as obs-latency and obs-weekly read it', () => {
  let latencyRoot: string;
  let weeklyRoot: string;
  beforeEach(async () => {
    latencyRoot = await mkdtemp(join(tmpdir(), 'same-rows-latency-'));
    weeklyRoot = await mkdtemp(join(tmpdir(), 'same-rows-weekly-'));
  });
  afterEach(async () => {
    await Promise.all([latencyRoot, weeklyRoot].map((root) => rm(root, { recursive: true, force: true })));
  });

  it('gives the same counted rows: what obs-latency rejects, obs-weekly skips', async () => {
    await writeLatencyWorkspace(latencyRoot, RAW_TEXT);
    const latency = await runCli(BIN.latency, ['--root', latencyRoot, ...LATENCY_ARGS], { env: cleanEnv() });
    expect(latency.exitCode).toBe(0);
    expect(latency.json()).toMatchObject({ samples_analyzed: GOOD.length, rows_rejected: BAD.length });
    expect(await dataLines(latencyRoot, RAW)).toEqual(GOOD);
    const rejects = csvRecords(await readFile(join(latencyRoot, 'ops/signal_latency_rejects.csv'), 'utf8'));
    const rejectedLines = rejects.slice(1).map((row) => Number(row[0]));

    await writeWeeklyWorkspaceFor(weeklyRoot, latencyRoot, RAW_TEXT);
    const weekly = await runCli(BIN.weekly, ['--root', weeklyRoot, ...WEEKLY_ARGS], { env: cleanEnv() });
    expect(weekly.exitCode).toBe(0);
    const summary = weekly.json();
    expect(summary).toMatchObject({ status: 'dry_run', latency_method: 'exact' });
    expect(summary.diagnostics.latency_rows_skipped).toEqual([
      { file: RAW, count: BAD.length, lines: rejectedLines },
    ]);
    const payload = JSON.parse(await readFile(join(weeklyRoot, summary.artefacts[0]), 'utf8'));
    // 0.5, 100, 250, 1000: position (n−1)·p
    expect(payload.latency).toMatchObject({ samples: 4, p50_ms: 175, max_ms: 1000 });
  });
});
