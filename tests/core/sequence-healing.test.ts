import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, makeWorkspace, runCli } from '../support/cli-process.js';
import { readRunLog, SAMPLE_JOB, sequencesOf } from './core-processes.js';

let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
let logFile: string;
let sequenceFile: string;

beforeEach(async () => {
  workspace = await makeWorkspace('obs-core-sequence-');
  logFile = join(workspace.root, 'ops/automation_runs.log');
  sequenceFile = join(workspace.root, 'ops/automation_runs.sequence');
});

afterEach(async () => {
  await workspace.cleanup();
});

const sample = (args: string[] = [], env = cleanEnv()) =>
  runCli(SAMPLE_JOB, ['--root', workspace.root, '--now', '2026-03-01T00:00:00Z', ...args], { env });

const gapWarnings = (entries: Awaited<ReturnType<typeof readRunLog>>) =>
  entries.filter((entry) => entry.diagnostics.error_code === 'sequence_gap');

describe('sequence healing', () => {
  it('a sequence file that disagrees with the log → one sequence_gap warning entry, then no duplicate', async () => {
    expect((await sample()).exitCode).toBe(0);
    expect((await sample()).exitCode).toBe(0);
    // A hand edit (or a restore) puts the file behind the log.
    await writeFile(sequenceFile, '{"value": 1, "updated_at": "2026-02-28T00:00:00Z"}\n');

    const healed = await sample();
    expect(healed.exitCode).toBe(0);
    expect(healed.json()).toMatchObject({
      status: 'ok',
      log_sequence: 3,
      diagnostics: { sequence_gap: { expected: 1, observed: 2, direction: 'log_ahead_of_file' } },
    });
    await sample();

    const entries = await readRunLog(logFile);
    expect(gapWarnings(entries)).toHaveLength(1);
    expect(gapWarnings(entries)[0]).toMatchObject({
      status: 'warning',
      diagnostics: { expected: 1, observed: 2, gap_size: 1, previous_job_id: '20260301T000000Z-sample' },
    });
    expect(sequencesOf(entries)).toEqual([1, 2, 3, 4]);
    expect(JSON.parse(await readFile(sequenceFile, 'utf8'))).toMatchObject({ value: 4 });
  });

  it('a crash between the log append and the sequence file (log:after-append) heals on the next run', async () => {
    expect((await sample(['--lock-stale-seconds', '2'])).exitCode).toBe(0);
    const crashed = await sample(
      ['--lock-stale-seconds', '2'],
      cleanEnv({ OBS_FAULT_POINT: 'log:after-append' }),
    );
    expect(crashed.signal).toBe('SIGKILL');
    expect(crashed.stdout).toBe('');
    // The entry reached the log; the sequence file still says 1.
    expect(sequencesOf(await readRunLog(logFile))).toEqual([1, 2]);
    expect(JSON.parse(await readFile(sequenceFile, 'utf8'))).toMatchObject({ value: 1 });

    // The crashed run's job lock goes stale 2 s after its last refresh (proper-lockfile stamps it up
    // to 1 s ahead), its log lock after 5 s: the next run waits for the latter by itself.
    await new Promise((resolve) => setTimeout(resolve, 3200));
    const next = await sample(['--lock-stale-seconds', '2']);
    expect(next.exitCode, next.stdout).toBe(0);
    expect(next.json()).toMatchObject({ status: 'ok', log_sequence: 3 });

    const entries = await readRunLog(logFile);
    expect(sequencesOf(entries)).toEqual([1, 2, 3]);
    expect(gapWarnings(entries)).toHaveLength(1);
    expect(JSON.parse(await readFile(sequenceFile, 'utf8'))).toMatchObject({ value: 3 });
  }, 30_000);

  it('a missing sequence file continues from the log without a warning', async () => {
    await mkdir(join(workspace.root, 'ops'));
    await writeFile(logFile, `${JSON.stringify({ job_id: '20260101T000000Z-old', sequence: 17 })}\n`);
    const result = await sample();
    expect(result.json()).toMatchObject({ log_sequence: 18 });
    expect(result.json().diagnostics.sequence_gap).toBeUndefined();
  });
});
