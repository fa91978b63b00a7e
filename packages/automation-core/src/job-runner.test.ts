import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { jobConfigSchema } from './command-line/option-config-schema.js';
import { defineOptions, type OptionValues } from './command-line/option-declaration.js';
import { path } from './command-line/option-kit.js';
import { tryAcquireLock } from './file-lock.js';
import type { JobContext, JobDefinition, JobOutcome } from './job-definition.js';
import { JobError } from './job-error.js';
import { type RunJobOptions, runJob } from './job-runner.js';
import type { RunLogEntry } from './run-log-entry.js';

const NOW = '2026-05-06T07:08:09Z';
const JOB_ID = '20260506T070809Z-probe';

const PROBE_OPTIONS = defineOptions({
  lockFile: path('lock', { default: 'ops/.probe.lock' }),
  heartbeatFile: path('heartbeat', { default: 'ops/probe_heartbeat.json' }),
});

type ProbeOptions = OptionValues<typeof PROBE_OPTIONS.declarations>;
type ProbeDefinition = JobDefinition<typeof PROBE_OPTIONS.declarations, ProbeOptions>;

type Body = (context: JobContext) => Promise<JobOutcome> | JobOutcome;

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'core-runner-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function probe(body: Body, finalize?: (values: ProbeOptions) => ProbeOptions): ProbeDefinition {
  return {
    name: 'probe',
    binary: 'probe-job',
    description: 'a job whose body each test supplies',
    examples: ['probe-job'],
    options: PROBE_OPTIONS,
    config: {
      defaultPath: 'configs/probe.yaml',
      loadSchema: async () => jobConfigSchema([PROBE_OPTIONS], {}),
    },
    lockFile: (options) => options.lockFile,
    heartbeatFile: (options) => options.heartbeatFile,
    finalize: ({ values }) => (finalize ? finalize(values) : values),
    run: async (_options, context) => body(context),
  };
}

const ok: Body = () => ({
  status: 'ok',
  artefacts: ['out/probe.json'],
  summary: { rows: 3 },
  heartbeat: { custom: 1 },
});

function run(definition: ProbeDefinition, args: string[] = [], options: RunJobOptions = {}) {
  return runJob(definition, ['--root', root, '--now', NOW, ...args], {
    env: { OBS_COMMIT_SHA: 'sha-1', OBS_SCHEDULER: 'cron' },
    ...options,
  });
}

async function logEntries(): Promise<RunLogEntry[]> {
  const path = join(root, 'ops/automation_runs.log');
  if (!existsSync(path)) return [];
  return (await readFile(path, 'utf8'))
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as RunLogEntry);
}

async function heartbeat(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(root, 'ops/probe_heartbeat.json'), 'utf8')) as Record<
    string,
    unknown
  >;
}

const lockHeld = () => existsSync(join(root, 'ops/.probe.lock'));

describe('runJob', () => {
  it('runs the body and records the run in summary, log, heartbeat and --json-out', async () => {
    const result = await run(probe(ok), ['--json-out', 'out/summary.json']);
    expect(result.exitCode).toBe(0);
    expect(result.summary).toMatchObject({
      status: 'ok',
      job_id: JOB_ID,
      job_name: 'probe',
      artefacts: ['out/probe.json'],
      attempts: 1,
      lock_latency_ms: expect.any(Number),
      alerts: [],
      rows: 3,
      log_sequence: 1,
      diagnostics: {},
    });
    expect(Object.keys(result.summary).slice(0, 5)).toEqual([
      'status',
      'job_id',
      'job_name',
      'duration_ms',
      'artefacts',
    ]);
    const [entry] = await logEntries();
    expect(entry).toMatchObject({
      job_id: JOB_ID,
      status: 'ok',
      sequence: 1,
      started_at: '2026-05-06T07:08:09.000Z',
      context: { commit_sha: 'sha-1', environment: 'production', scheduler: 'cron' },
      summary: { rows: 3 },
    });
    expect(await heartbeat()).toEqual({
      custom: 1,
      job_id: JOB_ID,
      status: 'ok',
      generated_at: '2026-05-06T07:08:09.000Z',
      last_success_at: '2026-05-06T07:08:09.000Z',
      last_dry_run_at: null,
      last_failure: null,
      last_warning: null,
      // the notification step's view of the job's alerts: none
      pending_alerts: 0,
      alert_state: {
        severity: 'none',
        alert_id: null,
        since: null,
        last_notified_at: null,
        dedup_key: null,
        firing: [],
        pending: [],
      },
    });
    expect(JSON.parse(await readFile(join(root, 'out/summary.json'), 'utf8'))).toEqual(result.summary);
    expect(lockHeld()).toBe(false);
  });

  it('skips with lock_not_acquired, exit 0 and a log entry while another run holds the lock', async () => {
    const other = await tryAcquireLock(join(root, 'ops/.probe.lock'));
    let ran = false;
    const result = await run(
      probe(() => {
        ran = true;
        return ok({} as JobContext);
      }),
    );
    await other?.release();
    expect(ran).toBe(false);
    expect(result.exitCode).toBe(0);
    expect(result.summary).toMatchObject({
      status: 'skipped',
      attempts: 0,
      lock_latency_ms: null,
      diagnostics: { error_code: 'lock_not_acquired', lock_file: 'ops/.probe.lock' },
    });
    expect(await logEntries()).toMatchObject([
      { status: 'skipped', diagnostics: { error_code: 'lock_not_acquired' } },
    ]);
    expect(existsSync(join(root, 'ops/probe_heartbeat.json'))).toBe(false);
  });

  it('turns a JobError into status error, exit 1, and a heartbeat failure record', async () => {
    await run(probe(ok));
    const result = await run(
      probe(() => {
        throw new JobError('missing_input', 'runs/index.csv is missing', { path: 'runs/index.csv' });
      }),
      ['--now', '2026-05-06T08:00:00Z'],
    );
    expect(result.exitCode).toBe(1);
    expect(result.summary).toMatchObject({
      status: 'error',
      diagnostics: {
        error_code: 'missing_input',
        error_message: 'runs/index.csv is missing',
        path: 'runs/index.csv',
      },
    });
    expect(await heartbeat()).toMatchObject({
      status: 'error',
      last_success_at: '2026-05-06T07:08:09.000Z',
      last_failure: {
        job_id: '20260506T080000Z-probe',
        error_code: 'missing_input',
        at: '2026-05-06T08:00:00.000Z',
      },
    });
    expect((await logEntries()).map((entry) => entry.status)).toEqual(['ok', 'error']);
  });

  it.each([
    ['a plain Error', new Error('boom'), 'boom'],
    ['a string', 'just a string', 'just a string'],
    ['an object', { reason: 42 }, 'non-Error value thrown: {"reason":42}'],
    ['undefined', undefined, 'non-Error value thrown: undefined'],
  ])('reports %s thrown by the body as internal_error with its message', async (_name, thrown, message) => {
    const result = await run(
      probe(() => {
        throw thrown;
      }),
    );
    expect(result.exitCode).toBe(1);
    expect(result.summary).toMatchObject({
      status: 'error',
      diagnostics: { error_code: 'internal_error', error_message: message },
    });
    expect(await logEntries()).toHaveLength(1);
    expect(lockHeld()).toBe(false);
  });

  it('reports a body that returns something other than an outcome', async () => {
    const result = await run(probe(() => ({ status: 'fine' }) as unknown as JobOutcome));
    expect(result.summary).toMatchObject({
      status: 'error',
      diagnostics: {
        error_code: 'internal_error',
        error_message: expect.stringContaining('invalid outcome'),
      },
    });
  });

  it('does not start the body when the run was interrupted before it', async () => {
    const controller = new AbortController();
    controller.abort(new JobError('interrupted', 'received SIGTERM'));
    let ran = false;
    const result = await run(
      probe(() => {
        ran = true;
        return ok({} as JobContext);
      }),
      [],
      { signal: controller.signal },
    );
    expect(ran).toBe(false);
    expect(result).toMatchObject({
      exitCode: 1,
      summary: { status: 'error', diagnostics: { error_code: 'interrupted' } },
    });
    expect(lockHeld()).toBe(false);
  });

  it('closes the run as interrupted when the body ignores the interruption past the grace period', async () => {
    const controller = new AbortController();
    const never = new Promise<JobOutcome>(() => undefined);
    const pending = run(
      probe(() => never),
      [],
      { signal: controller.signal, interruptGraceMs: 50 },
    );
    setTimeout(
      () => controller.abort(new JobError('interrupted', 'received SIGTERM', { signal: 'SIGTERM' })),
      30,
    );
    const result = await pending;
    expect(result.summary).toMatchObject({
      status: 'error',
      diagnostics: { error_code: 'interrupted', signal: 'SIGTERM' },
    });
    expect(await logEntries()).toMatchObject([
      { status: 'error', diagnostics: { error_code: 'interrupted' } },
    ]);
    expect(lockHeld()).toBe(false);
  });

  it('lets a body that stops at its checkpoint report the interruption', async () => {
    const controller = new AbortController();
    const result = await Promise.all([
      run(
        probe(async (context) => {
          await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve()));
          context.checkpoint();
          return ok(context);
        }),
        [],
        { signal: controller.signal, interruptGraceMs: 60_000 },
      ),
      new Promise<void>((resolve) =>
        setTimeout(() => {
          controller.abort(new JobError('interrupted', 'received SIGINT'));
          resolve();
        }, 20),
      ),
    ]);
    expect(result[0].summary).toMatchObject({ diagnostics: { error_code: 'interrupted' } });
  });

  it('aborts the body with lock_compromised when its lock is taken away', async () => {
    const result = await run(
      probe(async (context) => {
        await rm(join(root, 'ops/.probe.lock'), { recursive: true });
        await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve()));
        context.checkpoint();
        return ok(context);
      }),
      ['--lock-stale-seconds', '2'],
    );
    expect(result).toMatchObject({
      exitCode: 1,
      summary: { diagnostics: { error_code: 'lock_compromised' } },
    });
    expect(await logEntries()).toMatchObject([{ diagnostics: { error_code: 'lock_compromised' } }]);
  }, 10_000);

  it('reports a corrupt heartbeat as a warning and rewrites it', async () => {
    await mkdir(join(root, 'ops'));
    await writeFile(join(root, 'ops/probe_heartbeat.json'), '{"job_id": "2026');
    const result = await run(probe(ok));
    expect(result.exitCode).toBe(0);
    expect(result.summary).toMatchObject({
      status: 'warning',
      diagnostics: {
        error_code: 'heartbeat_corrupt',
        error_message: expect.stringContaining('ops/probe_heartbeat.json'),
      },
    });
    expect(await heartbeat()).toMatchObject({ job_id: JOB_ID, status: 'warning' });
  });

  it('fails the run when the heartbeat cannot be written, keeping the job’s own error', async () => {
    await writeFile(join(root, 'blocker'), '');
    const result = await run(
      probe(() => {
        throw new JobError('missing_input', 'no input');
      }),
      ['--heartbeat-file', 'blocker/heartbeat.json'],
    );
    expect(result.exitCode).toBe(1);
    expect(result.summary.diagnostics).toMatchObject({
      error_code: 'heartbeat_write_failed',
      error_message: expect.stringContaining('blocker/heartbeat.json'),
      superseded_error_code: 'missing_input',
      superseded_error_message: 'no input',
    });
    expect(await logEntries()).toMatchObject([
      { status: 'error', diagnostics: { error_code: 'heartbeat_write_failed' } },
    ]);
  });

  it('fails with log_write_failed when the log cannot be written, still writing --json-out and releasing the lock', async () => {
    await writeFile(join(root, 'blocker'), '');
    const result = await run(probe(ok), [
      '--log-file',
      'blocker/automation_runs.log',
      '--json-out',
      'out/s.json',
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.summary).toMatchObject({
      status: 'error',
      diagnostics: {
        error_code: 'log_write_failed',
        error_message: expect.stringContaining('blocker/automation_runs.log'),
      },
    });
    expect(JSON.parse(await readFile(join(root, 'out/s.json'), 'utf8'))).toMatchObject({
      status: 'error',
      diagnostics: { error_code: 'log_write_failed' },
    });
    expect(lockHeld()).toBe(false);
  });

  it('fails with lock_failed when the lock cannot be created, and still logs the run', async () => {
    await writeFile(join(root, 'blocker'), '');
    const result = await run(probe(ok), ['--lock-file', 'blocker/.probe.lock']);
    expect(result.summary).toMatchObject({
      status: 'error',
      diagnostics: { error_code: 'lock_failed', lock_file: 'blocker/.probe.lock' },
    });
    expect(await logEntries()).toMatchObject([{ diagnostics: { error_code: 'lock_failed' } }]);
  });

  it('fails with json_out_failed when --json-out cannot be written', async () => {
    await writeFile(join(root, 'blocker'), '');
    const result = await run(probe(ok), ['--json-out', 'blocker/summary.json']);
    expect(result).toMatchObject({
      exitCode: 1,
      summary: { status: 'error', diagnostics: { error_code: 'json_out_failed' } },
    });
  });

  it('records secret names, never values, and the parent job id', async () => {
    const result = await runJob(
      probe((context) => {
        expect(context.readSecret('OBS_WEBHOOK_SECRET')).toBe('hunter2');
        expect(context.readSecret('OBS_UNSET')).toBeUndefined();
        return ok(context);
      }),
      ['--root', root, '--now', NOW],
      {
        env: { OBS_COMMIT_SHA: 'sha', OBS_WEBHOOK_SECRET: 'hunter2' },
        parentJobId: '20260506T070809Z-daily',
      },
    );
    expect(result.summary).toMatchObject({
      parent_job_id: '20260506T070809Z-daily',
      diagnostics: { secrets_read: ['OBS_WEBHOOK_SECRET', 'OBS_UNSET'] },
    });
    const text = await readFile(join(root, 'ops/automation_runs.log'), 'utf8');
    expect(text).not.toContain('hunter2');
    expect(JSON.parse(text)).toMatchObject({ parent_job_id: '20260506T070809Z-daily' });
  });

  it("masks credentials and secret variables' values in the recorded command", async () => {
    let command = '';
    await runJob(
      probe((context) => {
        command = context.command;
        return ok(context);
      }),
      [
        '--root',
        root,
        '--now',
        NOW,
        '--heartbeat-file',
        'ops/curl -u admin:S3cr3tPass x-upload-token-value-1.json',
      ],
      { env: { OBS_COMMIT_SHA: 'sha', UPLOAD_TOKEN: 'x-upload-token-value-1' } },
    );
    expect(command).toContain('--root');
    for (const secret of ['S3cr3tPass', 'admin:', 'x-upload-token-value-1'])
      expect(command).not.toContain(secret);
  });

  it('a configuration error found by the body (a bad webhook URL in the environment) is exit 2', async () => {
    const result = await run(
      probe(() => {
        throw new JobError('invalid_config', 'OBS_WEEKLY_WEBHOOK_URL: webhook URL is not a valid URL');
      }),
    );
    expect(result).toMatchObject({
      exitCode: 2,
      summary: { status: 'error', diagnostics: { error_code: 'invalid_config' } },
    });
    expect(await logEntries()).toMatchObject([
      { status: 'error', diagnostics: { error_code: 'invalid_config' } },
    ]);
  });

  it('a heartbeat nested 5,000 deep is heartbeat_corrupt, rewritten from this run, and the next run is clean', async () => {
    await mkdir(join(root, 'ops'));
    await writeFile(
      join(root, 'ops/probe_heartbeat.json'),
      `{"job_id":"x","state":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    );
    const first = await run(probe(ok));
    expect(first).toMatchObject({
      exitCode: 0,
      summary: {
        status: 'warning',
        diagnostics: {
          error_code: 'heartbeat_corrupt',
          error_message:
            'heartbeat ops/probe_heartbeat.json is corrupt (nests deeper than 64 levels at line 1, column 86); rewritten from this run',
        },
      },
    });
    expect(await heartbeat()).toMatchObject({ job_id: JOB_ID, status: 'warning' });
    const second = await run(probe(ok), ['--job-id', '20260506T071500Z-probe']);
    expect(second.summary).toMatchObject({ status: 'ok', diagnostics: {} });
  });
});

describe('runJob before the job starts', () => {
  it.each([
    [['--bogus'], '--bogus'],
    [['--bogus=1'], '--bogus'],
    [['--now', 'yesterday'], '--now'],
    [['--job-id', 'latest'], '--job-id'],
    [['--job-name', '???'], '--job-name'],
    [['--lock-stale-seconds', '0'], '--lock-stale-seconds'],
    [['--root', '/nonexistent/workspace'], '--root'],
  ])('%j is exit 2 naming %s, with nothing written', async (args, flag) => {
    const result = await runJob(probe(ok), ['--root', root, ...args], { env: {} });
    expect(result.exitCode).toBe(2);
    expect(result.summary).toMatchObject({
      status: 'error',
      job_name: 'probe',
      artefacts: [],
      diagnostics: { error_code: 'invalid_usage', flag },
    });
    expect(String((result.summary.diagnostics as Record<string, unknown>).error_message)).toContain(
      flag.replace(/^--/, ''),
    );
    expect(existsSync(join(root, 'ops'))).toBe(false);
  });

  it('names the failed run by --now (or OBS_NOW) when it can be read, not by the system clock', async () => {
    const byFlag = await runJob(probe(ok), ['--root', root, '--now', NOW, '--bogus'], { env: {} });
    expect(byFlag.summary.job_id).toBe(JOB_ID);
    const byEnv = await runJob(probe(ok), ['--root', root, '--bogus'], { env: { OBS_NOW: NOW } });
    expect(byEnv.summary.job_id).toBe(JOB_ID);
  });

  it('writes --json-out on a usage error too', async () => {
    const result = await runJob(
      probe(ok),
      ['--root', root, '--now', 'soon', '--json-out', 'out/usage.json'],
      {
        env: {},
      },
    );
    expect(JSON.parse(await readFile(join(root, 'out/usage.json'), 'utf8'))).toEqual(result.summary);
  });

  it('an invalid config is exit 2 naming the key', async () => {
    await mkdir(join(root, 'configs'));
    await writeFile(join(root, 'configs/probe.yaml'), 'lock_file: ops/x.lock\nbogus: 1\n');
    const result = await runJob(probe(ok), ['--root', root], { env: {} });
    expect(result).toMatchObject({
      exitCode: 2,
      summary: { diagnostics: { error_code: 'invalid_config', key: 'bogus' } },
    });
  });

  it('a fault in the job’s own option handling is internal_error, exit 1', async () => {
    const result = await runJob(
      probe(ok, () => {
        throw new TypeError('cannot read properties of undefined');
      }),
      ['--root', root],
      { env: {} },
    );
    expect(result).toMatchObject({
      exitCode: 1,
      summary: { status: 'error', diagnostics: { error_code: 'internal_error' } },
    });
  });

  it('a zod error from finalize is a usage error', async () => {
    const result = await runJob(
      probe(
        ok,
        (values) =>
          z.object({ lockFile: z.string().endsWith('.lock') }).parse({ ...values, lockFile: 'x' }) as never,
      ),
      ['--root', root],
      { env: {} },
    );
    expect(result.exitCode).toBe(2);
    expect(result.summary.diagnostics).toMatchObject({ error_code: 'invalid_usage' });
  });

  it('--config-dump returns the effective configuration and writes nothing', async () => {
    const result = await runJob(
      probe(ok),
      ['--root', root, '--config-dump', '--lock-file', 'ops/other.lock', '--json-out', 'x.json'],
      {
        env: {},
      },
    );
    expect(result.exitCode).toBe(0);
    expect(result.summary).toMatchObject({
      job: 'probe',
      root,
      config_exists: false,
      common: { lock_file: 'ops/other.lock', log_file: 'ops/automation_runs.log', lock_stale_seconds: 600 },
      options: { lock_file: 'ops/other.lock', heartbeat_file: 'ops/probe_heartbeat.json' },
    });
    expect(existsSync(join(root, 'ops'))).toBe(false);
    expect(existsSync(join(root, 'x.json'))).toBe(false);
  });
});
