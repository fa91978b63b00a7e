import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, runCli } from '../support/cli-process.js';
import { readRunLog, SAMPLE_JOB, startProcess, waitFor } from './core-processes.js';

let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
let lockDir: string;

beforeEach(async () => {
  workspace = await makeWorkspace('obs-core-locks-');
  lockDir = join(workspace.root, 'ops/.sample.lock');
});

afterEach(async () => {
  await workspace.cleanup();
});

const args = (...extra: string[]) => ['--root', workspace.root, '--lock-stale-seconds', '2', ...extra];

describe('job locks', () => {
  it('a second run while one holds the lock is skipped with lock_not_acquired, exit 0 and a log entry', async () => {
    // long enough for two skipped runs (each also counting itself in the notification state) and
    // the 2.5 s wait between them, on a loaded machine
    const holder = startProcess(SAMPLE_JOB, args('--sleep-ms', '6000'));
    await waitFor('the first run to take its lock', () => existsSync(lockDir));

    const second = await runCli(SAMPLE_JOB, args());
    expect(second.exitCode).toBe(0);
    expect(second.json()).toMatchObject({
      status: 'skipped',
      attempts: 0,
      diagnostics: { error_code: 'lock_not_acquired', lock_file: 'ops/.sample.lock' },
    });

    // The holder keeps refreshing its lock: 2 s of staleness pass without it being taken over.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await runCli(SAMPLE_JOB, args())).json()).toMatchObject({ status: 'skipped' });

    const first = await holder.done;
    expect(first.exitCode).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ status: 'ok' });
    const entries = await readRunLog(join(workspace.root, 'ops/automation_runs.log'));
    expect(entries.map((entry) => entry.status)).toEqual(['skipped', 'skipped', 'ok']);
    expect(existsSync(lockDir)).toBe(false);
  }, 20_000);

  it('a lock left by a killed run is taken over once stale, not before', async () => {
    const victim = startProcess(SAMPLE_JOB, args('--sleep-ms', '60000'));
    await waitFor('the run to take its lock', () => existsSync(lockDir));
    victim.child.kill('SIGKILL');
    await victim.done;
    expect(existsSync(lockDir)).toBe(true);

    expect((await runCli(SAMPLE_JOB, args())).json()).toMatchObject({
      diagnostics: { error_code: 'lock_not_acquired' },
    });

    // Stale 2 s after its last refresh, which proper-lockfile stamps up to 1 s ahead.
    await new Promise((resolve) => setTimeout(resolve, 3200));
    const takeover = await runCli(SAMPLE_JOB, args());
    expect(takeover.exitCode).toBe(0);
    expect(takeover.json()).toMatchObject({ status: 'ok', lock_latency_ms: expect.any(Number) });
    expect(existsSync(lockDir)).toBe(false);
  }, 20_000);
});
