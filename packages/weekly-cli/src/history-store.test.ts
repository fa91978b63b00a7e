import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REFERENCE_WORKSPACE } from '../../../tests/support/cli-process.js';
import {
  type HistoryLocation,
  historyState,
  listHistory,
  pruneHistory,
  recordDelivery,
  recordMissedDelivery,
} from './history-store.js';
import { writeText } from './test-support/weekly-fixtures.js';

const REFERENCE_HISTORY = join(REFERENCE_WORKSPACE, 'ops/weekly_report_history');

let root: string;
let history: HistoryLocation;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'weekly-history-'));
  history = { dir: join(root, 'ops/weekly_report_history'), relative: (path) => relative(root, path) };
});
afterEach(() => rm(root, { recursive: true, force: true }));

const signature = {
  algorithm: 'hmac-sha256',
  signature: `sha256=${'ab'.repeat(32)}`,
  webhook_id: '20251013T000000Z-weekly:2025-10-06',
  timestamp: 1760313600,
  payload_checksum_sha256: 'CD'.repeat(32),
};

async function stateOf(weekStart: string) {
  return historyState(history, await listHistory(history), weekStart);
}

async function manifestLines(): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(history.dir, 'manifest.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('weekly report history', () => {
  it('records a delivery as payload, signature and manifest line, which then counts as delivered', async () => {
    expect(await stateOf('2025-10-06')).toEqual({ revision: 0 });
    const body = Buffer.from('{"week_start":"2025-10-06"}');
    const written = await recordDelivery(history, {
      weekStart: '2025-10-06',
      revision: 1,
      jobId: '20251013T000000Z-weekly',
      body,
      signature,
      deliveredAt: '2025-10-13T00:00:00.000Z',
      webhookStatusCode: 202,
      attempts: 2,
    });
    expect(written).toEqual([
      'ops/weekly_report_history/2025-10-06.json',
      'ops/weekly_report_history/2025-10-06.sig',
      'ops/weekly_report_history/manifest.jsonl',
    ]);
    expect(await readFile(join(history.dir, '2025-10-06.json'))).toEqual(body);
    expect(JSON.parse(await readFile(join(history.dir, '2025-10-06.sig'), 'utf8'))).toEqual(signature);
    expect(await manifestLines()).toEqual([
      {
        event: 'delivered',
        week_start: '2025-10-06',
        job_id: '20251013T000000Z-weekly',
        path: 'ops/weekly_report_history/2025-10-06.json',
        checksum_sha256: createHash('sha256').update(body).digest('hex'),
        delivered_at: '2025-10-13T00:00:00.000Z',
        webhook_status_code: 202,
        attempts: 2,
        revision: 1,
        webhook_id: signature.webhook_id,
        supersedes: null,
      },
    ]);
    expect(await stateOf('2025-10-06')).toEqual({ revision: 1 });
  });

  it('keeps a corrected re-send beside the first delivery, its manifest line naming what it supersedes', async () => {
    const first = Buffer.from('{"week_start":"2025-10-06","runs":[]}');
    const corrected = Buffer.from('{"week_start":"2025-10-06","runs":[{"run_id":"late"}]}');
    const report = {
      weekStart: '2025-10-06',
      jobId: '20251013T000000Z-weekly',
      signature,
      deliveredAt: '2025-10-13T00:00:00.000Z',
      webhookStatusCode: 200,
      attempts: 1,
    };
    await recordDelivery(history, { ...report, revision: 1, body: first });
    const written = await recordDelivery(history, {
      ...report,
      revision: 2,
      body: corrected,
      jobId: '20251015T120000Z-weekly',
      signature: { ...signature, webhook_id: 'obs-weekly:2025-10-06:r2', revision: 2 },
    });
    expect(written).toEqual([
      'ops/weekly_report_history/2025-10-06.r2.json',
      'ops/weekly_report_history/2025-10-06.r2.sig',
      'ops/weekly_report_history/manifest.jsonl',
    ]);
    expect(await readFile(join(history.dir, '2025-10-06.json'))).toEqual(first);
    expect(await readFile(join(history.dir, '2025-10-06.r2.json'))).toEqual(corrected);
    expect((await manifestLines()).map((line) => [line.revision, line.webhook_id, line.supersedes])).toEqual([
      [1, signature.webhook_id, null],
      [2, 'obs-weekly:2025-10-06:r2', 'ops/weekly_report_history/2025-10-06.json'],
    ]);
    expect(await stateOf('2025-10-06')).toEqual({ revision: 2 });
  });

  it('does not count a payload without its signature (a crash between the two) as delivered', async () => {
    await writeText(root, 'ops/weekly_report_history/2025-10-06.json', '{"week_start":"2025-10-06"}');
    expect(await stateOf('2025-10-06')).toEqual({ revision: 0 });
    await writeText(root, 'ops/weekly_report_history/2025-10-06.sig', 'garbage');
    expect(await stateOf('2025-10-06')).toMatchObject({
      revision: 0,
      problem: expect.stringContaining('2025-10-06.sig'),
    });
  });

  it.skipIf(!existsSync(join(REFERENCE_HISTORY, '2025-10-06.sig')))(
    "reads the earlier tooling's history (bare hex .sig, schema 1.0.0 payload) as delivered",
    async () => {
      await mkdir(history.dir, { recursive: true });
      for (const name of ['2025-10-06.json', '2025-10-06.sig'])
        await copyFile(join(REFERENCE_HISTORY, name), join(history.dir, name));
      expect(await stateOf('2025-10-06')).toEqual({ revision: 1 });
    },
  );

  it('deletes weeks older than the retention after recording each deletion, keeping the current week', async () => {
    for (const week of ['2025-07-28', '2025-08-04', '2025-08-11', '2025-10-06']) {
      await writeText(root, `ops/weekly_report_history/${week}.json`, '{}');
      await writeText(root, `ops/weekly_report_history/${week}.sig`, 'ab'.repeat(32));
    }
    await writeText(root, 'ops/weekly_report_history/2025-08-04.r2.json', '{}');
    await writeText(root, 'ops/weekly_report_history/notes.txt', 'kept');
    const deleted = await pruneHistory(history, {
      now: new Date('2025-10-07T00:00:00Z'),
      retentionDays: 60, // cutoff 2025-08-08
      keep: ['2025-10-06'],
      jobId: '20251007T000000Z-weekly',
    });
    expect(deleted).toEqual([
      'ops/weekly_report_history/2025-07-28.json',
      'ops/weekly_report_history/2025-07-28.sig',
      'ops/weekly_report_history/2025-08-04.json',
      'ops/weekly_report_history/2025-08-04.r2.json',
      'ops/weekly_report_history/2025-08-04.sig',
    ]);
    expect((await readdir(history.dir)).sort()).toEqual([
      '2025-08-11.json',
      '2025-08-11.sig',
      '2025-10-06.json',
      '2025-10-06.sig',
      'manifest.jsonl',
      'notes.txt',
    ]);
    const lines = await manifestLines();
    expect(lines.map((line) => line.path)).toEqual(deleted);
    expect(lines[0]).toMatchObject({
      event: 'deleted',
      week_start: '2025-07-28',
      job_id: '20251007T000000Z-weekly',
      checksum_sha256: '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
      deleted_at: '2025-10-07T00:00:00.000Z',
      reason: 'retention',
    });
  });

  it('records a delivery whose run was killed before its manifest line, once', async () => {
    const body = '{"week_start":"2025-10-06"}';
    await writeText(root, 'ops/weekly_report_history/2025-10-06.json', body);
    await writeText(root, 'ops/weekly_report_history/2025-10-06.sig', JSON.stringify(signature));
    const written = await recordMissedDelivery(history, '2025-10-06', 1, '20251013T001500Z-weekly');
    expect(written).toEqual(['ops/weekly_report_history/manifest.jsonl']);
    expect(await manifestLines()).toEqual([
      {
        event: 'delivered',
        week_start: '2025-10-06',
        job_id: '20251013T000000Z-weekly',
        path: 'ops/weekly_report_history/2025-10-06.json',
        checksum_sha256: createHash('sha256').update(body).digest('hex'),
        delivered_at: '2025-10-13T00:00:00.000Z',
        webhook_status_code: null,
        attempts: null,
        revision: 1,
        webhook_id: signature.webhook_id,
        supersedes: null,
        recovered_by: '20251013T001500Z-weekly',
      },
    ]);
    expect(await recordMissedDelivery(history, '2025-10-06', 1, '20251013T003000Z-weekly')).toEqual([]);
    expect(await manifestLines()).toHaveLength(1);
  });

  it("records nothing for the earlier tooling's deliveries, which kept no manifest", async () => {
    await writeText(root, 'ops/weekly_report_history/2025-10-06.json', '{}');
    await writeText(root, 'ops/weekly_report_history/2025-10-06.sig', 'ab'.repeat(32));
    expect(await recordMissedDelivery(history, '2025-10-06', 1, '20251013T001500Z-weekly')).toEqual([]);
    expect(existsSync(join(history.dir, 'manifest.jsonl'))).toBe(false);
  });

  it('carries out a deletion a killed run recorded without recording it again', async () => {
    await writeText(root, 'ops/weekly_report_history/2025-07-28.json', '{}');
    const options = {
      now: new Date('2025-10-07T00:00:00Z'),
      retentionDays: 60,
      keep: ['2025-10-06'],
      jobId: '20251007T000000Z-weekly',
    };
    await pruneHistory(history, options);
    await writeText(root, 'ops/weekly_report_history/2025-07-28.json', '{}');
    expect(await pruneHistory(history, { ...options, jobId: '20251007T001500Z-weekly' })).toEqual([
      'ops/weekly_report_history/2025-07-28.json',
    ]);
    expect(existsSync(join(history.dir, '2025-07-28.json'))).toBe(false);
    expect((await manifestLines()).map((line) => line.job_id)).toEqual(['20251007T000000Z-weekly']);
  });

  it('never deletes the week being reported, whatever the retention', async () => {
    await writeText(root, 'ops/weekly_report_history/2025-10-06.json', '{}');
    const deleted = await pruneHistory(history, {
      now: new Date('2026-10-07T00:00:00Z'),
      retentionDays: 1,
      keep: ['2025-10-06'],
      jobId: '20261007T000000Z-weekly',
    });
    expect(deleted).toEqual([]);
  });
});
