import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runJob, writeSampleInputs } from '../notifications/support/notification-workspace.js';
import { makeWorkspace } from '../support/cli-process.js';

// Files the jobs write once per dry run (weekly payloads and their `_invalid` twins, rehearsed
// notifications) are deleted after their retention window (56 days by default), judged by the
// job id's time against --now, each deletion recorded before it happens. The clock of these
// runs is 2025-10-06T12:00Z.

const OLD = '20250801T000000Z';
const RECENT = '20251005T000000Z';
const WEEKLY_MANIFEST = 'ops/weekly_retention_manifest.jsonl';
const NOTIFY_MANIFEST = 'ops/notifications/retention.jsonl';

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-dry-run-retention-'));
  await writeSampleInputs(root);
  await mkdir(join(root, 'out/weekly_report'), { recursive: true });
  await mkdir(join(root, 'out/notifications'), { recursive: true });
  for (const name of [
    `out/weekly_report/${OLD}-weekly.json`,
    `out/weekly_report/${OLD}-weekly_invalid.json`,
    `out/weekly_report/${RECENT}-weekly.json`,
    'out/weekly_report/notes.txt',
    `out/notifications/${OLD}-latency.json`,
    `out/notifications/${RECENT}-latency.json`,
  ]) {
    await writeFile(join(root, name), '{}\n');
  }
});

/** obs-weekly reads the rollup obs-latency writes. */
async function latencyRollup(): Promise<void> {
  expect((await runJob('latency', root, ['--dry-run'], -1)).exitCode).toBe(0);
}
afterEach(async () => cleanup());

async function jsonLines(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(root, path), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const present = (path: string) => existsSync(join(root, path));

describe('retention of dry-run files', () => {
  it('a dry-run chain deletes what is past 56 days, records it first, and keeps the rest', async () => {
    const result = await runJob('daily', root, ['--observability', '--dry-run'], 0);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(present(`out/weekly_report/${OLD}-weekly.json`)).toBe(false);
    expect(present(`out/weekly_report/${OLD}-weekly_invalid.json`)).toBe(false);
    expect(present(`out/weekly_report/${RECENT}-weekly.json`)).toBe(true);
    expect(present('out/weekly_report/notes.txt')).toBe(true);
    expect(present(`out/notifications/${OLD}-latency.json`)).toBe(false);
    expect(present(`out/notifications/${RECENT}-latency.json`)).toBe(true);

    const weekly = await jsonLines(WEEKLY_MANIFEST);
    expect(weekly.map((line) => line.path)).toEqual([
      `out/weekly_report/${OLD}-weekly.json`,
      `out/weekly_report/${OLD}-weekly_invalid.json`,
    ]);
    expect(weekly[0]).toMatchObject({
      event: 'deleted',
      reason: 'retention',
      deleted_at: '2025-10-06T12:00:00.000Z',
    });
    expect(String(weekly[0]?.job_id)).toMatch(/-weekly$/);
    const notify = await jsonLines(NOTIFY_MANIFEST);
    expect(notify.map((line) => line.path)).toEqual([`out/notifications/${OLD}-latency.json`]);
  });

  it('follows --dry-run-retention-days, and a second run finds nothing more to delete', async () => {
    await latencyRollup();
    const first = await runJob('weekly', root, ['--dry-run', '--dry-run-retention-days', '1'], 0);
    expect(first.exitCode, first.stdout).toBe(0);
    expect(first.json().diagnostics.dry_run_files_deleted).toBe(3);
    expect(present(`out/weekly_report/${RECENT}-weekly.json`)).toBe(false);
    const second = await runJob('weekly', root, ['--dry-run', '--dry-run-retention-days', '1'], 1);
    expect(second.json().diagnostics.dry_run_files_deleted).toBeUndefined();
    expect(await jsonLines(WEEKLY_MANIFEST)).toHaveLength(3);
  });

  it('a run killed between the record and the deletion leaves the file recorded; the next run deletes it', async () => {
    await latencyRollup();
    const killed = await runJob('weekly', root, ['--dry-run'], 0, {
      OBS_FAULT_POINT: 'weekly:after-dry-run-retention-record',
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(present(`out/weekly_report/${OLD}-weekly.json`)).toBe(true);
    expect(await jsonLines(WEEKLY_MANIFEST)).toHaveLength(2);
    // the killed run's lock (taken over once stale; removed here rather than waited for)
    await rm(join(root, 'ops/.weekly.lock'), { recursive: true, force: true });
    const again = await runJob('weekly', root, ['--dry-run'], 1);
    expect(again.json().status, again.stdout).toBe('dry_run');
    expect(present(`out/weekly_report/${OLD}-weekly.json`)).toBe(false);
    expect(present(`out/weekly_report/${OLD}-weekly_invalid.json`)).toBe(false);
  });
});
