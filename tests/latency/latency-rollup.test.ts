import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, REFERENCE_WORKSPACE, REPO_ROOT } from '../support/cli-process.js';
import {
  archiveFiles,
  DAY,
  HEADER,
  HEARTBEAT,
  HOUR,
  MANIFEST,
  MINUTE,
  RAW,
  REJECTS,
  ROLLUP,
  readJson,
  readJsonLines,
  readRollupRows,
  readText,
  runLatency,
  runRecord,
  sampleLine,
  series,
  storedRows,
  writeRaw,
  writeText,
} from './latency-run.js';

const NOW = '2026-07-06T00:30:00Z';
const NOW_MS = Date.parse(NOW);

/** numpy-style linear interpolation, written independently of the package. */
function expectedPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * p;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (position - low);
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

describe('obs-latency rollups and archives', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ root, cleanup } = await makeWorkspace('obs-latency-rollup-'));
  });
  afterEach(async () => cleanup());

  it('writes exact per-window figures for --window 15m', async () => {
    const start = NOW_MS - HOUR;
    const latencies = [120, 80, 400, 95, 7000, 130, 110, 100, 105, 99, 101, 250];
    const samples = latencies.map((latency, index) => ({
      at: start + index * 5 * MINUTE,
      latency,
      status: index === 3 ? 'timeout' : 'success',
    }));
    await writeRaw(root, samples);
    const result = await runLatency(root, ['--now', NOW, '--window', '15m']);
    expect(result.exitCode).toBe(0);
    expect(result.json()).toMatchObject({
      window: '15m',
      samples_analyzed: 12,
      rollups_written: 4,
      rollups_total: 4,
    });
    const rows = await readRollupRows(root);
    expect(rows.map((row) => row.hour_utc)).toEqual([
      '2026-07-05T23:30:00Z',
      '2026-07-05T23:45:00Z',
      '2026-07-06T00:00:00Z',
      '2026-07-06T00:15:00Z',
    ]);
    for (const [index, row] of rows.entries()) {
      const values = latencies.slice(index * 3, index * 3 + 3);
      expect(row).toEqual({
        hour_utc: row.hour_utc,
        window_end_utc: new Date(Date.parse(row.hour_utc as string) + 15 * MINUTE)
          .toISOString()
          .replace('.000', ''),
        count: '3',
        failure_count: index === 1 ? '1' : '0',
        failure_rate: index === 1 ? '0.333333' : '0',
        p50_ms: String(round3(expectedPercentile(values, 0.5))),
        p95_ms: String(round3(expectedPercentile(values, 0.95))),
        p99_ms: String(round3(expectedPercentile(values, 0.99))),
        max_ms: String(Math.max(...values)),
        breach_flag: index === 1 ? 'true' : 'false',
        breach_streak: index === 1 ? '1' : '0',
      });
    }
  });

  it('archives expired rows, reads them back for a window cut by retention, and re-runs byte-identically', async () => {
    // 16 days of 20-minute samples: the oldest two days expire under the 14-day retention.
    const samples = series(NOW_MS - 16 * DAY, NOW_MS, 20, (_at, index) => 100 + (index % 7) * 10);
    await writeRaw(root, samples);
    const before = await storedRows(root);
    const first = await runLatency(root, ['--now', NOW]);
    expect(first.exitCode).toBe(0);
    const summary = first.json();
    const expired = samples.filter((sample) => sample.at < NOW_MS - 14 * DAY).length;
    expect(summary).toMatchObject({
      archived: 1,
      samples_archived: expired,
      samples_retained: samples.length - expired,
    });
    const [entry] = await readJsonLines(root, MANIFEST);
    expect(entry).toEqual({
      job_id: summary.job_id,
      path: 'ops/signal_latency_archive/2026/07/2026-07-06.csv.gz',
      sha256: createHash('sha256')
        .update(await readFile(join(root, entry?.path)))
        .digest('hex'),
      bytes: (await readFile(join(root, entry?.path))).length,
      row_count: expired,
      first_ts: new Date(samples[0]?.at as number).toISOString(),
      last_ts: expect.any(String),
      reason: 'retention',
      rotated_at: '2026-07-06T00:30:00.000Z',
    });
    expect(summary.artefacts).toEqual(expect.arrayContaining([RAW, ROLLUP, MANIFEST, entry?.path]));
    const archive = gunzipSync(await readFile(join(root, entry?.path)))
      .toString('utf8')
      .split('\n');
    expect(archive[0]).toBe(HEADER);
    expect(await storedRows(root)).toEqual(before);

    const rollup = await readText(root, ROLLUP);
    // The boundary hour (part archived, part kept) still counts all three of its samples.
    const boundary = new Date(Math.floor((NOW_MS - 14 * DAY) / HOUR) * HOUR)
      .toISOString()
      .replace('.000', '');
    expect(rollup).toContain(`${boundary},`);
    const boundaryRow = (await readRollupRows(root)).find((row) => row.hour_utc === boundary);
    expect(boundaryRow?.count).toBe('3');

    const second = await runLatency(root, ['--now', NOW]);
    expect(second.json()).toMatchObject({ archived: 0, diagnostics: { archives_read_back: 1 } });
    expect(await readText(root, ROLLUP)).toBe(rollup);
    expect((await readRollupRows(root)).find((row) => row.hour_utc === boundary)?.count).toBe('3');
  });

  it('rotates on size: every closed window moves, the open window stays, and the manifest line is schema-valid', async () => {
    const samples = series(NOW_MS - 6 * HOUR, NOW_MS, 2, (_at, index) => 100 + index);
    await writeRaw(root, samples);
    const before = await storedRows(root);
    const result = await runLatency(root, ['--now', NOW, '--max-raw-bytes', '4096']);
    const summary = result.json();
    const open = samples.filter((sample) => sample.at >= Date.parse('2026-07-06T00:00:00Z')).length;
    expect(summary).toMatchObject({
      archived: 1,
      samples_retained: open,
      samples_archived: samples.length - open,
    });
    expect(summary.next_rotation_bytes).toBeGreaterThan(0);
    const [entry] = await readJsonLines(root, MANIFEST);
    expect(entry?.reason).toBe('size');

    const requireFromCore = createRequire(join(REPO_ROOT, 'packages/automation-core/package.json'));
    const { Ajv2020 } = requireFromCore('ajv/dist/2020') as {
      Ajv2020: new (
        options: object,
      ) => { compile(schema: object): ((value: unknown) => boolean) & { errors?: unknown } };
    };
    const ajv = new Ajv2020({ strict: true });
    (requireFromCore('ajv-formats') as (instance: unknown) => void)(ajv);
    const validate = ajv.compile(
      JSON.parse(await readFile(join(REPO_ROOT, 'schemas/signal_latency_archive.schema.json'), 'utf8')),
    );
    expect(validate(entry)).toBe(true);
    expect(validate({ ...entry, job_id: '20260706T003000Z-weekly' })).toBe(false);
    expect(validate({ ...entry, path: '/abs/archive.csv.gz' })).toBe(false);
    expect(validate({ ...entry, sha256: entry?.sha256.toUpperCase() })).toBe(false);
    expect(validate({ ...entry, row_count: 0 })).toBe(false);

    expect(await storedRows(root)).toEqual(before);
    expect((await readRollupRows(root)).length).toBe(7);
  });

  it('recomputes an archived window from the archive when a late sample arrives for it', async () => {
    await writeRaw(
      root,
      series(NOW_MS - 3 * HOUR, NOW_MS, 10, () => 100),
    );
    const rotated = await runLatency(root, ['--now', NOW, '--max-raw-bytes', '512']);
    expect(rotated.json()).toMatchObject({ archived: 1, samples_retained: 3 });
    const lateHour = '2026-07-05T22:00:00Z';
    expect((await readRollupRows(root)).find((row) => row.hour_utc === lateHour)?.count).toBe('6');
    const late = await runRecord(root, [
      '--source',
      'router_demo',
      '--latency-ms',
      '9000',
      '--timestamp',
      '2026-07-05T22:30:00Z',
      '--now',
      NOW,
    ]);
    expect(late.json()).toMatchObject({ status: 'ok', samples_written: 1 });
    const rerun = await runLatency(root, ['--now', NOW, '--max-raw-bytes', '512']);
    // 3 open-window rows + the late row in the raw file, and the hour's 6 archived samples read back.
    expect(rerun.json()).toMatchObject({ samples_analyzed: 4 + 6, diagnostics: { archives_read_back: 1 } });
    const row = (await readRollupRows(root)).find((item) => item.hour_utc === lateHour);
    expect(row).toMatchObject({ count: '7', max_ms: '9000' });
  });

  it('removes rollup rows past --rollup-retention-days and keeps windows without raw rows', async () => {
    await writeText(
      root,
      ROLLUP,
      [
        'hour_utc,window_end_utc,count,failure_count,failure_rate,p50_ms,p95_ms,p99_ms,max_ms,breach_flag,breach_streak',
        '2026-03-01T00:00:00Z,2026-03-01T01:00:00Z,5,0,0,1,2,3,4,false,0',
        '2026-06-01T00:00:00Z,2026-06-01T01:00:00Z,5,0,0,1,2,3,4,false,0',
        '',
      ].join('\n'),
    );
    await writeRaw(root, [{ at: NOW_MS - 10 * MINUTE, latency: 50 }]);
    const result = await runLatency(root, ['--now', NOW]);
    expect(result.json()).toMatchObject({ rollups_written: 1, rollups_total: 2 });
    expect((await readRollupRows(root)).map((row) => row.hour_utc)).toEqual([
      '2026-06-01T00:00:00Z',
      '2026-07-06T00:00:00Z',
    ]);
  });

  it.skipIf(!existsSync(REFERENCE_WORKSPACE))(
    "loads the earlier tooling's raw CSV, alert config and heartbeat unchanged",
    async () => {
      await writeText(root, RAW, await readFile(join(REFERENCE_WORKSPACE, 'ops/signal_latency.csv')));
      await writeText(
        root,
        HEARTBEAT,
        await readFile(join(REFERENCE_WORKSPACE, 'ops/latency_job_heartbeat.json')),
      );
      const alertConfig = join(REFERENCE_WORKSPACE, 'configs/observability/latency_alert.yaml');
      const result = await runLatency(root, [
        '--now',
        '2025-10-11T12:05:00Z',
        '--alert-config',
        alertConfig,
        '--job-name',
        'observability-latency',
      ]);
      expect(result.exitCode).toBe(0);
      expect(result.json()).toMatchObject({
        status: 'ok',
        job_id: '20251011T120500Z-observability-latency',
        samples_analyzed: 1,
        rows_rejected: 0,
        latest_p95_ms: 2100,
      });
      expect(await readRollupRows(root)).toEqual([
        expect.objectContaining({
          hour_utc: '2025-10-11T11:00:00Z',
          count: '1',
          p95_ms: '2100',
          breach_flag: 'false',
        }),
      ]);
      expect(await readText(root, RAW)).toBe(
        await readFile(join(REFERENCE_WORKSPACE, 'ops/signal_latency.csv'), 'utf8'),
      );
      expect(await readJson(root, HEARTBEAT)).toMatchObject({
        job_id: '20251011T120500Z-observability-latency',
        pending_alerts: 0,
      });
    },
  );

  it.skipIf(!existsSync(REFERENCE_WORKSPACE))("appends in the earlier tooling's column order", async () => {
    await copyFile(join(REFERENCE_WORKSPACE, 'ops/signal_latency.csv'), join(root, 'legacy.csv'));
    const result = await runRecord(root, [
      '--input',
      'legacy.csv',
      '--source',
      'router_demo',
      '--latency-ms',
      '250',
      '--timestamp',
      '2025-10-11T11:40:00Z',
    ]);
    expect(result.exitCode).toBe(0);
    const lines = (await readText(root, 'legacy.csv')).trim().split(/\r?\n/);
    expect(lines[0]).toBe('timestamp_utc,latency_ms,status,detail,source');
    expect(lines[2]).toBe('2025-10-11T11:40:00.000Z,250,success,,router_demo');
    expect(
      (await runLatency(root, ['--input', 'legacy.csv', '--now', '2025-10-11T12:05:00Z'])).json(),
    ).toMatchObject({
      samples_analyzed: 2,
      rows_rejected: 0,
    });
    expect(existsSync(join(root, REJECTS))).toBe(false);
  });

  it('appends a second rotation of the same UTC day to the day archive, each change with its line', async () => {
    await writeRaw(
      root,
      series(NOW_MS - 20 * DAY, NOW_MS - 15 * DAY, 60, () => 10),
    );
    await runLatency(root, ['--now', NOW]);
    await writeText(root, RAW, `${HEADER}\n${sampleLine({ at: NOW_MS - 15 * DAY, latency: 5 })}\n`);
    await runLatency(root, ['--now', '2026-07-06T00:45:00Z']);
    const files = await archiveFiles(root);
    expect(files).toEqual(['ops/signal_latency_archive/2026/07/2026-07-06.csv.gz']);
    const [first, second] = await readJsonLines(root, MANIFEST);
    const bytes = await readFile(join(root, files[0] as string));
    // Each line covers the file as it was then: the older one stays verifiable as a prefix.
    expect(second).toMatchObject({ bytes: bytes.length, row_count: (first?.row_count as number) + 1 });
    for (const line of [first, second]) {
      const covered = bytes.subarray(0, line?.bytes as number);
      expect(createHash('sha256').update(covered).digest('hex')).toBe(line?.sha256);
    }
    const rows = gunzipSync(bytes).toString('utf8').trim().split('\n');
    expect(rows[0]).toBe(HEADER);
    expect(rows.filter((row) => row === HEADER)).toHaveLength(1);
    expect(rows).toHaveLength((second?.row_count as number) + 1);
  });

  it('writes a per-run archive, uniquely named, when the day archive is not what its manifest line covers', async () => {
    await writeRaw(
      root,
      series(NOW_MS - 20 * DAY, NOW_MS - 15 * DAY, 60, () => 10),
    );
    await runLatency(root, ['--now', NOW]);
    const day = 'ops/signal_latency_archive/2026/07/2026-07-06.csv.gz';
    const altered = await readFile(join(root, day));
    await writeText(root, day, Buffer.concat([altered, gzipSync('x\n')]));
    for (const latency of [5, 6]) {
      await writeText(root, RAW, `${HEADER}\n${sampleLine({ at: NOW_MS - 15 * DAY, latency })}\n`);
      const run = (await runLatency(root, ['--now', NOW])).json();
      expect(run.status).toBe('warning');
      expect(JSON.stringify(run.diagnostics)).toContain('instead of the day archive');
    }
    const files = await archiveFiles(root);
    expect(files).toEqual([
      day,
      'ops/signal_latency_archive/2026/07/20260706T003000Z-latency.2.csv.gz',
      'ops/signal_latency_archive/2026/07/20260706T003000Z-latency.csv.gz',
    ]);
  });
});
