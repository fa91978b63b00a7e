import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, makeWorkspace, runCli } from '../support/cli-process.js';
import { readRunLog, SAMPLE_JOB, startProcess, waitFor } from './core-processes.js';

/** The harness's own trust rules, seen from outside a real process (docs/runbook.md#security-and-trust). */

let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
const NOW = '2026-04-01T12:00:00Z';

beforeEach(async () => {
  workspace = await makeWorkspace('obs-core-trust-');
  await mkdir(join(workspace.root, 'ops'));
});

afterEach(async () => {
  await workspace.cleanup();
});

const path = (relative: string) => join(workspace.root, relative);
const sample = (args: string[] = [], env = cleanEnv()) =>
  runCli(SAMPLE_JOB, ['--root', workspace.root, '--now', NOW, ...args], { env });

describe('SIGTERM while a read blocks', () => {
  /** Starts a run whose body blocks in a thread-pool read of a FIFO no writer opens, then sends SIGTERM. */
  async function interruptStuckRead(env = cleanEnv()) {
    execFileSync('mkfifo', [path('pipe.json')]);
    const run = startProcess(
      SAMPLE_JOB,
      ['--root', workspace.root, '--now', NOW, '--read-unguarded', 'pipe.json'],
      env,
    );
    await waitFor('the run to take its lock', () => existsSync(path('ops/.sample.lock')));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const sentAt = Date.now();
    run.child.kill('SIGTERM');
    const result = await run.done;
    return { ...result, endedAfterMs: Date.now() - sentAt };
  }

  it('a read stuck on a FIFO still ends the process within 5 s: summary interrupted, run logged, lock released', async () => {
    const result = await interruptStuckRead();
    expect(result.endedAfterMs).toBeLessThan(5000);
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: 'error',
      job_id: '20260401T120000Z-sample',
      log_sequence: 1,
      diagnostics: { error_code: 'interrupted', signal: 'SIGTERM' },
    });
    // Node cannot exit normally with a thread stuck in the kernel: it ends by the signal it got.
    expect(result.signal).toBe('SIGTERM');
    expect(result.stderr).toContain('a file system request is still pending after the interruption');
    expect(existsSync(path('ops/.sample.lock'))).toBe(false);
    expect(await readRunLog(path('ops/automation_runs.log'))).toMatchObject([
      { status: 'error', diagnostics: { error_code: 'interrupted' } },
    ]);
  }, 20_000);

  it('with every thread-pool thread stuck, the shutdown deadline still prints a summary, releases the lock and ends the process', async () => {
    // One thread in the pool: the stuck read leaves none for writing the heartbeat or the log.
    const result = await interruptStuckRead(cleanEnv({ UV_THREADPOOL_SIZE: '1' }));
    expect(result.endedAfterMs).toBeLessThan(5000);
    expect(result.signal).toBe('SIGTERM');
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: 'error',
      diagnostics: {
        error_code: 'interrupted',
        error_message: expect.stringContaining('without its log entry'),
      },
    });
    expect(result.stderr).toContain('the run did not stop within 4500 ms of SIGTERM');
    expect(existsSync(path('ops/.sample.lock'))).toBe(false);
  }, 20_000);

  it('the core read refuses a FIFO at once: invalid_input naming the file and its type', async () => {
    execFileSync('mkfifo', [path('pipe.json')]);
    const started = Date.now();
    const result = await sample(['--read-input', 'pipe.json']);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.exitCode).toBe(1);
    expect(result.json()).toMatchObject({
      status: 'error',
      diagnostics: {
        error_code: 'invalid_input',
        error_message: 'json input pipe.json is a FIFO, not a regular file',
        file_type: 'FIFO',
      },
    });
  });
});

describe('files the harness writes', () => {
  it('a run log that is a symbolic link is log_write_failed saying so, and the linked file is untouched', async () => {
    await writeFile(path('elsewhere.txt'), 'not a run log\n');
    await symlink(path('elsewhere.txt'), path('ops/automation_runs.log'));
    const result = await sample();
    expect(result.exitCode).toBe(1);
    expect(result.json()).toMatchObject({
      status: 'error',
      diagnostics: {
        error_code: 'log_write_failed',
        error_message: `run log ${path('ops/automation_runs.log')} is a symbolic link; the jobs write this file themselves and never follow a link there`,
      },
    });
    expect(await readFile(path('elsewhere.txt'), 'utf8')).toBe('not a run log\n');
    expect(existsSync(path('ops/.sample.lock'))).toBe(false);
  });

  it("sweeping abandoned temporary files removes this host's dead writer's file and leaves another host's", async () => {
    const deadPid = Number(
      execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']),
    );
    const host = hostname()
      .replace(/[^A-Za-z0-9.-]/g, '_')
      .slice(0, 40);
    const own = `.sample_heartbeat.json.tmp-${host}-${deadPid}-0123abcd`;
    const foreign = `.sample_heartbeat.json.tmp-other-node-7-${deadPid}-4567cdef`;
    const foreignOld = `.sample_heartbeat.json.tmp-other-node-8-${deadPid}-89abcdef`;
    for (const name of [own, foreign, foreignOld]) await writeFile(path(`ops/${name}`), 'half-written');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
    await utimes(path(`ops/${foreignOld}`), twoHoursAgo, twoHoursAgo);

    expect((await sample()).exitCode).toBe(0);
    const left = await readdir(path('ops'));
    expect(left).toContain(foreign);
    expect(left).not.toContain(own);
    expect(left).not.toContain(foreignOld);
  });
});

describe('configuration and recorded commands', () => {
  it('a YAML alias bomb is invalid_config, exit 2, naming the file, under the --now job id', async () => {
    await mkdir(path('configs'));
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < 9; level += 1) {
      const [name, previous] = [String.fromCharCode(97 + level), String.fromCharCode(96 + level)];
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    await writeFile(path('configs/sample.yaml'), `${levels.join('\n')}\n`);
    const result = await sample();
    expect(result.exitCode).toBe(2);
    expect(result.json()).toMatchObject({
      status: 'error',
      job_id: '20260401T120000Z-sample',
      diagnostics: {
        error_code: 'invalid_config',
        error_message: expect.stringContaining(path('configs/sample.yaml')),
      },
    });
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('the recorded command keeps no credential from the command line or a secret variable', async () => {
    const result = await sample(
      [
        '--show-command',
        '--note',
        "curl -u admin:S3cr3tPass -H 'Authorization: Bearer tok_live_1' https://u:p@h.example/x tok-from-env-42",
      ],
      cleanEnv({ OBS_UPLOAD_TOKEN: 'tok-from-env-42', OBS_SCHEDULER: 'cron' }),
    );
    const command = String(result.json().command);
    expect(command).toContain('--note');
    for (const secret of ['S3cr3tPass', 'tok_live_1', 'u:p@', 'tok-from-env-42'])
      expect(command).not.toContain(secret);
    const logged = await readFile(path('ops/automation_runs.log'), 'utf8');
    for (const secret of ['S3cr3tPass', 'tok_live_1', 'tok-from-env-42'])
      expect(logged).not.toContain(secret);
  });
});
