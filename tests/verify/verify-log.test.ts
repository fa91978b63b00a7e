import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace } from '../support/cli-process.js';
import {
  checkNamed,
  consecutiveEntries,
  failureCodes,
  LOG,
  NOW_MS,
  readJsonLines,
  runLogEntry,
  runVerify,
  writeHealthyWorkspace,
  writeRunLog,
  writeSequenceFile,
  writeText,
} from './support/verify-workspace.js';

let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-verify-log-'));
});
afterEach(() => cleanup());

describe('obs-verify --check-log', () => {
  it('passes a valid log and appends its own ok entry with the next sequence', async () => {
    await writeHealthyWorkspace(root, 6);
    const result = await runVerify(root, ['--check-log', LOG]);
    const report = result.json();
    expect(result.exitCode).toBe(0);
    expect(report.status).toBe('ok');
    expect(report.failures).toEqual([]);
    expect(checkNamed(report, 'log_schema')[0]).toMatchObject({ status: 'pass', details: { lines: 6 } });
    expect(checkNamed(report, 'sequence')[0]).toMatchObject({ status: 'pass', details: { last: 6 } });
    expect(checkNamed(report, 'heartbeat_fresh').map((check) => check.status)).toEqual([
      'pass',
      'pass',
      'pass',
      'pass',
    ]);
    expect(checkNamed(report, 'dashboard_manifest')[0]?.status).toBe('pass');
    expect(checkNamed(report, 'job_trace')[0]?.status).toBe('skip');
    const log = await readJsonLines(root, LOG);
    expect(log).toHaveLength(7);
    expect(log[6]).toMatchObject({ job_id: report.job_id, job_name: 'verify', status: 'ok', sequence: 7 });
    // The verification's own entry keeps the log valid for the next run.
    const again = await runVerify(root, ['--check-log', LOG]);
    expect(again.exitCode).toBe(0);
  });

  it('reports a corrupt line by number and logs verification_failed', async () => {
    const entries = consecutiveEntries(5);
    await writeHealthyWorkspace(root, 5);
    await writeRunLog(root, [
      entries[0],
      entries[1],
      '{"job_id": "torn',
      entries[2],
      entries[3],
      entries[4],
    ] as never);
    const result = await runVerify(root, ['--check-log', LOG]);
    const report = result.json();
    expect(result.exitCode).toBe(1);
    expect(report.status).toBe('error');
    const failure = report.failures.find((item: { check: string }) => item.check === 'log_schema');
    expect(failure.error_code).toBe('log_schema_invalid');
    expect(failure.message).toContain('lines 3');
    expect(checkNamed(report, 'log_schema')[0]?.details.not_json).toMatchObject({ count: 1, lines: [3] });
    const lines = (await readFile(join(root, LOG), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(7);
    expect(JSON.parse(lines[6] as string)).toMatchObject({
      job_name: 'verify',
      status: 'error',
      diagnostics: { error_code: 'verification_failed' },
    });
  });

  it('reports a line that is valid JSON but breaks the schema', async () => {
    await writeHealthyWorkspace(root, 3);
    const entries = consecutiveEntries(3);
    await writeRunLog(root, [entries[0], { ...entries[1], status: 'finished' }, entries[2]] as never);
    const report = (await runVerify(root, ['--check-log', LOG])).json();
    expect(failureCodes(report)).toContain('log_schema_invalid');
    expect(checkNamed(report, 'log_schema')[0]?.details.schema_invalid).toMatchObject({
      count: 1,
      lines: [2],
    });
  });

  it('reports a line of 4096 bytes or more', async () => {
    await writeHealthyWorkspace(root, 3);
    const entries = consecutiveEntries(3);
    const long = { ...entries[1], summary: { note: 'x'.repeat(5000) } };
    await writeRunLog(root, [entries[0], long, entries[2]] as never);
    const result = await runVerify(root, ['--check-log', LOG]);
    const report = result.json();
    expect(result.exitCode).toBe(1);
    const failure = report.failures.find(
      (item: { error_code: string }) => item.error_code === 'line_too_long',
    );
    expect(failure.message).toContain('lines 2');
    // The oversized line is still a valid entry: its sequence counts, so there is no gap.
    expect(checkNamed(report, 'sequence')[0]?.status).toBe('pass');
  });

  it('reports a sequence gap with its line number', async () => {
    await writeHealthyWorkspace(root);
    const entries = consecutiveEntries(5).map((entry, index) =>
      index >= 3 ? { ...entry, sequence: entry.sequence + 2 } : entry,
    );
    await writeRunLog(root, entries);
    await writeSequenceFile(root, 7);
    const result = await runVerify(root, ['--check-log', LOG]);
    const report = result.json();
    expect(result.exitCode).toBe(1);
    expect(failureCodes(report)).toEqual(['sequence_gap']);
    expect(checkNamed(report, 'sequence')[0]?.details.gaps).toEqual([
      { line: 4, sequence: 6, previous: 3, missing: 2 },
    ]);
  });

  it('reports a duplicated sequence and passes sequence_gap warning entries without a sequence', async () => {
    await writeHealthyWorkspace(root);
    const entries = consecutiveEntries(4);
    const warning = runLogEntry({
      status: 'warning',
      atMs: NOW_MS - 70 * 60_000,
      diagnostics: { error_code: 'sequence_gap', error_message: 'sequence file says 2 but the log says 3' },
    });
    await writeRunLog(root, [
      entries[0],
      entries[1],
      warning,
      entries[2],
      { ...entries[3], sequence: 2 },
    ] as never);
    await writeSequenceFile(root, 2);
    const report = (await runVerify(root, ['--check-log', LOG])).json();
    expect(failureCodes(report)).toEqual(['sequence_duplicate']);
    expect(checkNamed(report, 'sequence')[0]?.details.duplicates).toEqual([
      { line: 5, sequence: 2, previous: 3 },
    ]);
    expect(checkNamed(report, 'log_schema')[0]?.status).toBe('pass');
  });

  it('reports a sequence file that disagrees with the log', async () => {
    await writeHealthyWorkspace(root, 5);
    await writeSequenceFile(root, 9);
    const report = (await runVerify(root, ['--check-log', LOG])).json();
    expect(failureCodes(report)).toEqual(['sequence_file_mismatch']);
    expect(report.failures[0].message).toContain('says 9');
    expect(report.failures[0].message).toContain('last sequence is 5');
  });

  it('reports a missing log', async () => {
    await writeHealthyWorkspace(root);
    const report = (
      await runVerify(root, ['--check-log', 'ops/lost.log', '--sequence-file', 'ops/lost.sequence'])
    ).json();
    expect(failureCodes(report)).toEqual(['log_missing']);
    expect(report.failures[0].message).toContain('ops/lost.log');
  });

  it('checks only the entries logged since --since', async () => {
    await writeHealthyWorkspace(root);
    const entries = consecutiveEntries(6);
    const withOldGap = entries.map((entry, index) => (index === 0 ? { ...entry, sequence: 0 } : entry));
    await writeRunLog(root, ['not json', ...withOldGap.slice(1)] as never);
    const since = entries[2]?.logged_at as string;
    const windowed = await runVerify(root, ['--check-log', LOG, '--since', since]);
    expect(windowed.json().failures).toEqual([]);
    expect(checkNamed(windowed.json(), 'log_schema')[0]?.details).toMatchObject({ window_start_line: 3 });
    const whole = (await runVerify(root, ['--check-log', LOG])).json();
    expect(failureCodes(whole)).toContain('log_schema_invalid');
  });

  it("records the run in the log it checks, with that log's sequence file", async () => {
    await writeHealthyWorkspace(root, 2);
    await writeRunLog(root, []);
    await writeText(
      root,
      'archive/runs.log',
      `${consecutiveEntries(3)
        .map((entry) => JSON.stringify(entry))
        .join('\n')}\n`,
    );
    await writeText(root, 'archive/runs.sequence', '{"value":3,"updated_at":"2025-10-06T00:00:00Z"}\n');
    const result = await runVerify(root, [
      '--check-log',
      'archive/runs.log',
      '--sequence-file',
      'archive/runs.sequence',
    ]);
    expect(result.json().failures).toEqual([]);
    expect((await readJsonLines(root, 'archive/runs.log')).at(-1)).toMatchObject({
      job_name: 'verify',
      sequence: 4,
    });
    expect(JSON.parse(await readFile(join(root, 'archive/runs.sequence'), 'utf8')).value).toBe(4);
    expect(await readFile(join(root, LOG), 'utf8')).toBe('');
    const conflicting = await runVerify(root, ['--check-log', 'archive/runs.log', '--log-file', LOG]);
    expect(conflicting.exitCode).toBe(2);
    expect(conflicting.json().diagnostics.error_code).toBe('invalid_usage');
  });
});
