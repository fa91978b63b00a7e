import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ageLeftLocks } from '../../scripts/soak/left-locks.mjs';
import { makeWorkspace } from '../support/cli-process.js';
import { DAY, readJsonLines, readText, runLatency, writeText } from './latency-run.js';

const NOW = '2026-07-06T00:30:00Z';
const NOW_MS = Date.parse(NOW);
const ALERTS = 'out/latency_alerts';
const REJECTS = 'ops/signal_latency_rejects.csv';
const RETENTION = 'ops/latency_retention_manifest.jsonl';

/** A job id as the job stamps it, `days` before NOW. */
const jobIdDaysAgo = (days: number) =>
  `${new Date(NOW_MS - days * DAY).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z-latency`;

const rejectRow = (line: number, daysAgo: number) =>
  `${line},bad timestamp,"yesterday,router,1",ops/signal_latency.csv,${new Date(NOW_MS - daysAgo * DAY).toISOString()}`;

describe('obs-latency retention of its own outputs', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ root, cleanup } = await makeWorkspace('obs-latency-retention-'));
    for (const days of [90, 57, 55, 1]) await writeText(root, `${ALERTS}/${jobIdDaysAgo(days)}.json`, '{}\n');
    await writeText(root, `${ALERTS}/notes.json`, '{}\n');
    const rows = [
      rejectRow(2, 80),
      rejectRow(3, 60),
      rejectRow(5, 30),
      '7,odd,"x",ops/signal_latency.csv,not-a-time',
      rejectRow(9, 2),
    ];
    await writeText(root, REJECTS, `line,reason,raw,source_file,rejected_at\n${rows.join('\n')}\n`);
  });
  afterEach(async () => cleanup());

  it('deletes dry-run payloads and rejected rows past their 56-day default, each recorded first', async () => {
    const result = await runLatency(root, ['--now', NOW, '--dry-run']);
    expect(result.exitCode).toBe(0);
    expect(result.json().diagnostics.retention).toEqual({
      alert_payloads_deleted: 2,
      rejected_rows_removed: 2,
    });
    expect((await readdir(join(root, ALERTS))).sort()).toEqual(
      // this run's own payload, the two within 56 days, and a file the job did not name
      [`${jobIdDaysAgo(0)}.json`, `${jobIdDaysAgo(55)}.json`, `${jobIdDaysAgo(1)}.json`, 'notes.json'].sort(),
    );
    // The rows that stay are byte for byte what they were, the undated one included.
    expect(await readText(root, REJECTS)).toBe(
      `line,reason,raw,source_file,rejected_at\n${[rejectRow(5, 30), '7,odd,"x",ops/signal_latency.csv,not-a-time', rejectRow(9, 2)].join('\n')}\n`,
    );
    const records = await readJsonLines(root, RETENTION);
    expect(records).toEqual([
      ...[90, 57].map((days) => ({
        event: 'deleted',
        job_id: result.json().job_id,
        path: `${ALERTS}/${jobIdDaysAgo(days)}.json`,
        reason: 'retention',
        deleted_at: '2026-07-06T00:30:00.000Z',
      })),
      {
        event: 'rows_removed',
        job_id: result.json().job_id,
        path: REJECTS,
        reason: 'retention',
        rows: 2,
        first_rejected_at: new Date(NOW_MS - 80 * DAY).toISOString(),
        last_rejected_at: new Date(NOW_MS - 60 * DAY).toISOString(),
        removed_at: '2026-07-06T00:30:00.000Z',
      },
    ]);
    // Nothing more to do on the next run.
    const again = await runLatency(root, ['--now', NOW, '--dry-run']);
    expect(again.json().diagnostics.retention).toBeUndefined();
    expect(await readJsonLines(root, RETENTION)).toHaveLength(3);
  });

  it('takes its windows from latency.yaml', async () => {
    await writeText(
      root,
      'configs/observability/latency.yaml',
      'alert_payload_retention_days: 3\nrejects_retention_days: 10\n',
    );
    const result = await runLatency(root, ['--now', NOW]);
    expect(result.json().diagnostics.retention).toEqual({
      alert_payloads_deleted: 3,
      rejected_rows_removed: 3,
    });
  });

  it('never deletes an unrecorded file when killed between the record and the deletion', async () => {
    const killed = await runLatency(root, ['--now', NOW], {
      OBS_FAULT_POINT: 'latency:after-retention-record',
    });
    expect(killed.signal).toBe('SIGKILL');
    const recorded = new Set((await readJsonLines(root, RETENTION)).map((line) => line.path));
    for (const days of [90, 57]) {
      const path = `${ALERTS}/${jobIdDaysAgo(days)}.json`;
      expect(recorded.has(path)).toBe(true);
      expect(existsSync(join(root, path))).toBe(true);
    }
    await ageLeftLocks(root);
    const rerun = await runLatency(root, ['--now', NOW, '--lock-stale-seconds', '1']);
    expect(rerun.exitCode).toBe(0);
    for (const days of [90, 57])
      expect(existsSync(join(root, `${ALERTS}/${jobIdDaysAgo(days)}.json`))).toBe(false);
    expect(existsSync(join(root, `${ALERTS}/${jobIdDaysAgo(55)}.json`))).toBe(true);
  });
});
