import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withLock } from '../file-lock.js';
import { sealRunLog } from '../run-log-segments/segment-sealing.js';
import { readRunLogTail } from './run-log-tail.js';

let root: string;
let logFile: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'core-log-tail-'));
  logFile = join(root, 'ops/automation_runs.log');
  await mkdir(join(root, 'ops'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const line = (sequence: number) =>
  JSON.stringify({
    job_id: `20260203T0405${String(sequence).padStart(2, '0')}Z-latency`,
    job_name: 'latency',
    status: 'ok',
    sequence,
    logged_at: new Date(Date.UTC(2026, 1, 3, 4, 5, sequence)).toISOString(),
  });

describe('readRunLogTail', () => {
  it('reads the newest lines of the last sealed segment when the open log is short', async () => {
    const sealed = `${[1, 2, 3].map(line).join('\n')}\n`;
    await writeFile(logFile, sealed);
    await withLock(`${logFile}.lock`, 5000, () => sealRunLog(logFile, sealed.length, new Date()));
    await writeFile(logFile, `${line(4)}\n`);
    const tail = await readRunLogTail(logFile, 'ops/automation_runs.log');
    expect(tail.entries.map((entry) => entry.sequence)).toEqual([4, 3, 2, 1]);
    expect(tail.wholeLog).toBe(false);
  });

  it('reads messages as prose to print: quotes kept, terminal controls escaped, cut', async () => {
    const entry = {
      ...JSON.parse(line(1)),
      status: 'warning',
      diagnostics: {
        error_code: 'history_bundle_invalid',
        error_message: 'bundle "ops/h/x" \u001b[2Jgone',
        warnings: [`w${'x'.repeat(400)}`],
      },
    };
    await writeFile(logFile, `${JSON.stringify(entry)}\n`);
    const [read] = (await readRunLogTail(logFile, 'ops/automation_runs.log')).entries;
    expect(read?.errorMessage).toBe('bundle "ops/h/x" \\u001b[2Jgone');
    expect(read?.firstWarning).toBe(`w${'x'.repeat(239)}…`);
  });

  it('leaves out a sealed segment whose hash no longer matches', async () => {
    const sealed = `${[1, 2].map(line).join('\n')}\n`;
    await writeFile(logFile, sealed);
    const outcome = await withLock(`${logFile}.lock`, 5000, () =>
      sealRunLog(logFile, sealed.length, new Date()),
    );
    await writeFile(outcome?.path as string, 'not the sealed bytes');
    await writeFile(logFile, `${line(3)}\n`);
    const tail = await readRunLogTail(logFile, 'ops/automation_runs.log');
    expect(tail.entries.map((entry) => entry.sequence)).toEqual([3]);
  });
});
