import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace } from '../support/cli-process.js';
import { readRunLog, SAMPLE_JOB, startProcess, waitFor } from './core-processes.js';

let workspace: Awaited<ReturnType<typeof makeWorkspace>>;

beforeEach(async () => {
  workspace = await makeWorkspace('obs-core-signals-');
});

afterEach(async () => {
  await workspace.cleanup();
});

describe('interruption', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s during a run releases the lock, logs error/interrupted, prints one summary and exits 1',
    async (signal) => {
      const lockDir = join(workspace.root, 'ops/.sample.lock');
      const run = startProcess(SAMPLE_JOB, [
        '--root',
        workspace.root,
        '--now',
        '2026-04-01T12:00:00Z',
        '--sleep-ms',
        '30000',
        '--json-out',
        'out/summary.json',
      ]);
      await waitFor('the run to take its lock', () => existsSync(lockDir));
      const sentAt = Date.now();
      run.child.kill(signal);
      const result = await run.done;

      expect(Date.now() - sentAt).toBeLessThan(3000);
      expect(result.exitCode).toBe(1);
      const summary = JSON.parse(result.stdout);
      expect(summary).toMatchObject({
        status: 'error',
        job_id: '20260401T120000Z-sample',
        log_sequence: 1,
        diagnostics: { error_code: 'interrupted', signal },
      });
      expect(JSON.parse(await readFile(join(workspace.root, 'out/summary.json'), 'utf8'))).toEqual(summary);
      expect(existsSync(lockDir)).toBe(false);
      expect(await readRunLog(join(workspace.root, 'ops/automation_runs.log'))).toMatchObject([
        { status: 'error', diagnostics: { error_code: 'interrupted' } },
      ]);
      expect(
        JSON.parse(await readFile(join(workspace.root, 'ops/sample_heartbeat.json'), 'utf8')),
      ).toMatchObject({
        status: 'error',
        last_failure: { error_code: 'interrupted' },
      });
    },
    20_000,
  );
});
