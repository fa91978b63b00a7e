import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace } from '../support/cli-process.js';
import { HEADER, RAW, REJECTS, readJson, readText, runRecord, writeText } from './latency-run.js';

const NOW = '2026-07-06T00:30:00Z';

describe('obs-latency record', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ root, cleanup } = await makeWorkspace('obs-latency-record-'));
  });
  afterEach(async () => cleanup());

  it('appends one sample to a new raw file, with the written header, and writes no run-log entry', async () => {
    const result = await runRecord(root, [
      '--source',
      'router_demo',
      '--latency-ms',
      '412.5',
      '--status',
      'timeout',
      '--detail',
      'upstream, slow',
      '--timestamp',
      '2026-07-06T09:15:00+09:00',
      '--json-out',
      'out/record.json',
    ]);
    expect(result.exitCode).toBe(0);
    const summary = result.json();
    expect(summary).toMatchObject({
      status: 'ok',
      job_name: 'latency-record',
      samples_written: 1,
      rows_rejected: 0,
      artefacts: [RAW],
      diagnostics: {},
    });
    expect(summary.job_id).toMatch(/^[0-9]{8}T[0-9]{6}Z-latency-record$/);
    expect(await readText(root, RAW)).toBe(
      `${HEADER}\n2026-07-06T00:15:00.000Z,router_demo,412.5,,timeout,"upstream, slow"\n`,
    );
    expect(await readJson(root, 'out/record.json')).toEqual(summary);
    expect(existsSync(join(root, 'ops/automation_runs.log'))).toBe(false);
  });

  it('defaults the timestamp to --now and honours --input from latency.yaml', async () => {
    await writeText(root, 'configs/observability/latency.yaml', 'input: data/samples.csv\n');
    const result = await runRecord(root, ['--source', 's', '--latency-ms', '7', '--now', NOW]);
    expect(result.json()).toMatchObject({ status: 'ok', input: 'data/samples.csv' });
    expect(await readText(root, 'data/samples.csv')).toBe(
      `${HEADER}\n2026-07-06T00:30:00.000Z,s,7,,success,\n`,
    );
  });

  it('reads JSON lines from a file, and moves bad lines to the rejects file with their numbers', async () => {
    await writeText(
      root,
      'in/batch.jsonl',
      [
        '{"source":"a","latency_ms":10,"timestamp":"2026-07-06T00:01:00Z"}',
        '{"source":"b","latency_ms":"NaN"}',
        '',
        '{"source":"c","latency_ms":30,"colour":"red"}',
        'garbage',
        '{"source":"d","latency_ms":40,"status":"ok","detail":"fine","ingest_latency_ms":3}',
      ].join('\n'),
    );
    const result = await runRecord(root, ['--from-jsonl', 'in/batch.jsonl', '--now', NOW]);
    expect(result.exitCode).toBe(0);
    expect(result.json()).toMatchObject({
      status: 'warning',
      samples_written: 2,
      rows_rejected: 3,
      rejected: [
        { line: 2, reason: expect.stringContaining('latency_ms must be a non-negative number') },
        { line: 4, reason: expect.stringContaining('colour is not a sample field') },
        { line: 5, reason: 'is not valid JSON: unexpected character at line 5, column 1' },
      ],
      artefacts: [REJECTS, RAW],
      diagnostics: { error_code: 'rows_rejected' },
    });
    expect((await readText(root, RAW)).trim().split('\n').slice(1)).toEqual([
      '2026-07-06T00:01:00.000Z,a,10,,success,',
      '2026-07-06T00:30:00.000Z,d,40,3,ok,fine',
    ]);
    const rejects = (await readText(root, REJECTS)).trim().split('\n');
    expect(rejects[0]).toBe('line,reason,raw,source_file,rejected_at');
    // The reason locates the fault and never quotes the line; the raw column keeps it whole.
    expect(rejects[3]).toBe(
      '5,"is not valid JSON: unexpected character at line 5, column 1","garbage",in/batch.jsonl,2026-07-06T00:30:00.000Z',
    );
  });

  it('reads JSON lines from stdin with -', async () => {
    const result = await runRecord(root, ['--from-jsonl', '-', '--now', NOW], {
      input: '{"source":"x","latency_ms":1}\n{"source":"y","latency_ms":2}\n',
    });
    expect(result.json()).toMatchObject({ status: 'ok', samples_written: 2 });
  });

  it.each([
    [[], '--source'],
    [['--source', 'a'], '--latency-ms'],
    [['--source', 'a', '--latency-ms', 'fast'], '--latency-ms'],
    [['--source', 'a', '--latency-ms', '-3'], '--latency-ms'],
    [['--source', 'a', '--latency-ms', '3', '--timestamp', 'now-ish'], '--timestamp'],
    [['--source', 'a', '--from-jsonl', '-'], '--from-jsonl'],
    [['--source', 'a', '--latency-ms', '1', '--colour', 'red'], '--colour'],
    [['--source', 'a', '--latency-ms', '1', '--lock-wait-seconds', 'soon'], '--lock-wait-seconds'],
  ])('exits 2 for %j naming %s, writing nothing', async (args, flag) => {
    const result = await runRecord(root, args);
    expect(result.exitCode).toBe(2);
    expect(result.json()).toMatchObject({ status: 'error', diagnostics: { error_code: 'invalid_usage' } });
    expect(result.json().diagnostics.error_message).toContain(flag);
    expect(existsSync(join(root, RAW))).toBe(false);
  });

  it('exits 1 with input_unreadable for a missing --from-jsonl file', async () => {
    const result = await runRecord(root, ['--from-jsonl', 'missing.jsonl']);
    expect(result.exitCode).toBe(1);
    expect(result.json().diagnostics).toMatchObject({
      error_code: 'input_unreadable',
      error_message: expect.stringContaining('missing.jsonl'),
    });
  });

  it('refuses to append to a raw file whose header it does not recognise', async () => {
    await writeText(root, RAW, 'when,how_long\n2026-07-06,5\n');
    const result = await runRecord(root, ['--source', 'a', '--latency-ms', '1']);
    expect(result.exitCode).toBe(1);
    expect(result.json().diagnostics).toMatchObject({
      error_code: 'input_unreadable',
      error_message: expect.stringContaining('line 1'),
    });
    expect(await readText(root, RAW)).toBe('when,how_long\n2026-07-06,5\n');
  });

  it('prints help listing every flag with an example', async () => {
    const result = await runRecord(root, ['--help']);
    expect(result.exitCode).toBe(0);
    for (const flag of [
      '--source',
      '--latency-ms',
      '--status',
      '--detail',
      '--timestamp',
      '--from-jsonl',
      '--lock-wait-seconds',
      '--input',
    ]) {
      expect(result.stdout).toContain(flag);
    }
    expect(result.stdout).toContain('Examples:');
  });
});
