import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace } from '../support/cli-process.js';
import { csvRecords } from '../support/csv-records.js';
import { HEADER, RAW, REJECTS, readRollupRows, readText, runLatency, writeText } from './latency-run.js';

const NOW = '2026-07-06T00:30:00Z';

describe('obs-latency on bad input', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ root, cleanup } = await makeWorkspace('obs-latency-bad-'));
  });
  afterEach(async () => cleanup());

  it.each([
    ['an empty raw file', ''],
    ['a header-only raw file', `${HEADER}\n`],
    ['no raw file', null],
  ])('treats %s as no data: a stale-data warning, nothing rejected', async (_name, content) => {
    if (content !== null) await writeText(root, RAW, content);
    const result = await runLatency(root, ['--now', NOW]);
    expect(result.exitCode).toBe(0);
    expect(result.json()).toMatchObject({
      status: 'warning',
      samples_analyzed: 0,
      rows_rejected: 0,
      alerts: [{ id: 'latency_data_stale', severity: 'warning' }],
    });
    if (content !== null) expect(await readText(root, RAW)).toBe(content);
  });

  it('reads a raw file with a byte order mark and CRLF line ends', async () => {
    await writeText(
      root,
      RAW,
      `\uFEFF${HEADER}\r\n2026-07-06T00:05:00Z,a,100,,success,\r\n2026-07-06T00:06:00Z,a,300,,OK,"x, y"\r\n`,
    );
    const result = await runLatency(root, ['--now', NOW]);
    expect(result.json()).toMatchObject({ samples_analyzed: 2, rows_rejected: 0 });
    expect((await readRollupRows(root))[0]).toMatchObject({ count: '2', failure_count: '0', max_ms: '300' });
  });

  it('moves every unreadable row to the rejects file with its line and reason, and keeps the good ones', async () => {
    const lines = [
      HEADER,
      '2026-07-06T00:01:00Z,a,100,,success,',
      '2026-07-06T00:02:00Z,a,100,,success',
      '2026-07-06T00:03:00Z,a,NaN,,success,',
      '2026-07-06T00:04:00Z,a,-12,,success,',
      '2026-07-06T00:05:00Z,a,twelve,,success,',
      'yesterday,a,100,,success,',
      '2026-07-06T00:07:00,a,200,,success,',
      '2026-07-06T00:08:00Z,a,"unterminated,,success,',
      '2026-07-06T00:09:00Z,a,300,,success,',
    ];
    await writeText(root, RAW, `${lines.join('\n')}\n`);
    const result = await runLatency(root, ['--now', NOW]);
    expect(result.exitCode).toBe(0);
    expect(result.json()).toMatchObject({ samples_analyzed: 3, rows_rejected: 6, samples_retained: 3 });
    expect(result.json().artefacts).toContain(REJECTS);
    const rejects = csvRecords(await readText(root, REJECTS));
    expect(rejects[0]).toEqual(['line', 'reason', 'raw', 'source_file', 'rejected_at']);
    expect(rejects.slice(1).map((row) => [row[0], row[1]])).toEqual([
      ['3', 'expected 6 columns, found 5'],
      ['4', 'latency_ms "NaN" is not a number'],
      ['5', 'latency_ms "-12" is negative'],
      ['6', 'latency_ms "twelve" is not a number'],
      ['7', 'timestamp_utc "yesterday" is not an ISO-8601 timestamp'],
      ['9', 'unterminated quoted field'],
    ]);
    expect(rejects.slice(1).map((row) => row[2])).toEqual([2, 3, 4, 5, 6, 8].map((index) => lines[index]));
    expect(rejects[1]?.slice(3)).toEqual([RAW, '2026-07-06T00:30:00.000Z']);
    // The raw file keeps exactly the good rows; a re-run rejects nothing twice.
    expect(await readText(root, RAW)).toBe(`${[lines[0], lines[1], lines[7], lines[9]].join('\n')}\n`);
    expect((await runLatency(root, ['--now', NOW])).json().rows_rejected).toBe(0);
    expect(csvRecords(await readText(root, REJECTS))).toHaveLength(7);
  });

  it('keeps the exact bytes of a binary row, and a whole 10 MB line, in the rejects file', async () => {
    const garbage = Buffer.from([0x00, 0xff, 0xfe, 0x22, 0x2c, 0x80, 0x41]);
    const huge = Buffer.alloc(10 * 1024 * 1024, 0x78);
    await writeText(
      root,
      RAW,
      Buffer.concat([
        Buffer.from(`${HEADER}\n`),
        garbage,
        Buffer.from('\n'),
        huge,
        Buffer.from('\n2026-07-06T00:01:00Z,a,1,,success,\n'),
      ]),
    );
    const result = await runLatency(root, ['--now', NOW]);
    expect(result.json()).toMatchObject({ rows_rejected: 2, samples_analyzed: 1 });
    const rejects = await readFile(join(root, REJECTS));
    expect(rejects.includes(Buffer.from([0x00, 0xff, 0xfe, 0x22, 0x22, 0x2c, 0x80, 0x41]))).toBe(true);
    // An over-long line is rejected once, with its length, and kept whole (copied, never held).
    const overLong = csvRecords(rejects.toString('latin1')).find((row) => row[0] === '3');
    expect(overLong?.[1]).toBe(`line of ${huge.length} bytes is longer than the limit of 65536 bytes`);
    expect(overLong?.[2] === huge.toString('latin1')).toBe(true);
    expect(await readText(root, RAW)).toBe(`${HEADER}\n2026-07-06T00:01:00Z,a,1,,success,\n`);
  });

  it('refuses a file of binary garbage as input_unreadable naming the file and line, and leaves it untouched', async () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 37 + 11) % 256));
    await writeText(root, RAW, garbage);
    const result = await runLatency(root, ['--now', NOW]);
    expect(result.exitCode).toBe(1);
    expect(result.json()).toMatchObject({
      status: 'error',
      diagnostics: {
        error_code: 'input_unreadable',
        error_message: expect.stringMatching(/signal_latency\.csv: line 1: header/),
      },
    });
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect((await readFile(join(root, RAW))).equals(garbage)).toBe(true);
  });

  it.each([
    [
      'latency_alert.yaml',
      'configs/observability/latency_alert.yaml',
      'slo_p95_ms: 5000\nslo_p99_ms: 9000\n',
      'slo_p99_ms',
    ],
    [
      'latency_alert.yaml',
      'configs/observability/latency_alert.yaml',
      'warning_threshold: two\n',
      'warning_threshold',
    ],
    [
      'latency_alert.yaml',
      'configs/observability/latency_alert.yaml',
      'warning_threshold: 3\ncritical_threshold: 2\n',
      'critical_threshold',
    ],
    [
      'latency_alert.yaml',
      'configs/observability/latency_alert.yaml',
      'failure_rate_threshold: 1.5\n',
      'failure_rate_threshold',
    ],
    [
      'latency_alert.yaml',
      'configs/observability/latency_alert.yaml',
      'warning_threshold: 0\n',
      'warning_threshold',
    ],
    ['latency_alert.yaml', 'configs/observability/latency_alert.yaml', 'slo_p95_ms: 0\n', 'slo_p95_ms'],
    [
      'latency_alert.yaml',
      'configs/observability/latency_alert.yaml',
      'webhooks:\n  - name: pd\n    url_env: PD_URL\n    format: pagerduty\n',
      'webhooks.0.secret_env',
    ],
    [
      'latency.yaml',
      'configs/observability/latency.yaml',
      'raw_retention_days: 14\nretention: 3\n',
      'retention',
    ],
    ['latency.yaml', 'configs/observability/latency.yaml', 'max_raw_bytes: lots\n', 'max_raw_bytes'],
    [
      'latency.yaml',
      'configs/observability/latency.yaml',
      'sources:\n  - name: x\n    type: http\n',
      'sources.0.url',
    ],
  ])('rejects a bad %s (%#) with exit 2 naming the key', async (_name, path, yaml, key) => {
    await writeText(root, path, yaml);
    const result = await runLatency(root, ['--now', NOW]);
    expect(result.exitCode).toBe(2);
    expect(result.json()).toMatchObject({
      status: 'error',
      diagnostics: { error_code: 'invalid_config', error_message: expect.stringContaining(`key ${key}`) },
    });
  });

  it('exits 2 for an --alert-config named explicitly that does not exist, and uses defaults when the default is absent', async () => {
    const missing = await runLatency(root, ['--now', NOW, '--alert-config', 'configs/nope.yaml']);
    expect(missing.exitCode).toBe(2);
    expect(missing.json().diagnostics).toMatchObject({
      error_code: 'invalid_config',
      error_message: expect.stringContaining('nope.yaml'),
    });
    const dump = await runLatency(root, ['--config-dump']);
    expect(dump.exitCode).toBe(0);
    expect(dump.json().options).toMatchObject({
      window: '1h',
      raw_retention_days: 14,
      max_raw_bytes: 10485760,
    });
  });

  it.each([
    [['--window', '7m'], '--window'],
    [['--raw-retention-days', '-1'], '--raw-retention-days'],
    [['--max-raw-bytes', 'big'], '--max-raw-bytes'],
  ])('exits 2 for %j naming the flag', async (args, flag) => {
    const result = await runLatency(root, ['--now', NOW, ...args]);
    expect(result.exitCode).toBe(2);
    expect(result.json().diagnostics.error_message).toContain(flag);
  });

  it('refuses a job name not ending in latency as invalid usage, before taking the lock', async () => {
    const result = await runLatency(root, ['--now', NOW, '--job-name', 'signals']);
    expect(result.exitCode).toBe(2);
    expect(result.json().diagnostics).toMatchObject({ error_code: 'invalid_usage', flag: '--job-name' });
    expect(existsSync(join(root, 'ops/.latency.lock'))).toBe(false);
  });
});
