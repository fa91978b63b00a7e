import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, makeWorkspace, runCli } from '../support/cli-process.js';
import { CORE_DIST, readRunLog, SAMPLE_JOB } from './core-processes.js';

let workspace: Awaited<ReturnType<typeof makeWorkspace>>;

beforeEach(async () => {
  workspace = await makeWorkspace('obs-core-failures-');
});

afterEach(async () => {
  await chmod(join(workspace.root, 'ops'), 0o755).catch(() => undefined);
  await workspace.cleanup();
});

const sample = (...args: string[]) => runCli(SAMPLE_JOB, ['--root', workspace.root, ...args]);

const NOBODY = 65534;
const SETPRIV = '/usr/bin/setpriv';

/**
 * How to run a job that must see a read-only folder as read-only: root ignores permissions, so
 * as root the job runs as nobody (through setpriv); null when that is not possible here.
 */
function permissionRespectingPrefix(): string[] | null {
  if (process.getuid?.() !== 0) return [];
  if (!existsSync(SETPRIV)) return null;
  const prefix = [SETPRIV, `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'];
  try {
    // nobody must be able to read the checkout to run the job from it.
    execFileSync(
      prefix[0] as string,
      [...prefix.slice(1), process.execPath, '-e', `fs.accessSync(${JSON.stringify(CORE_DIST)})`],
      {
        stdio: 'ignore',
      },
    );
    return prefix;
  } catch {
    return null;
  }
}

function runWithPrefix(prefix: readonly string[], args: readonly string[]) {
  return new Promise<{ exitCode: number | null; stdout: string; stderr: string }>((resolve) => {
    const [command, ...rest] = [...prefix, process.execPath, SAMPLE_JOB, ...args];
    execFile(command as string, rest, { env: cleanEnv() }, (error, stdout, stderr) =>
      resolve({ exitCode: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

function expectOneFailureSummary(result: Awaited<ReturnType<typeof runCli>>, code: string) {
  expect(result.exitCode).toBe(1);
  const summary = result.json();
  expect(summary).toMatchObject({ status: 'error', diagnostics: { error_code: code } });
  return summary;
}

describe('failures are reported, never swallowed', () => {
  it('a read-only ops/ → log_write_failed, exit 1, one JSON summary', async (context) => {
    const prefix = permissionRespectingPrefix();
    if (prefix === null) context.skip();
    const ops = join(workspace.root, 'ops');
    await mkdir(ops);
    if (prefix?.length) await chown(workspace.root, NOBODY, NOBODY);
    await chmod(workspace.root, 0o777);
    await chmod(ops, 0o555);
    const result = await runWithPrefix(prefix ?? [], [
      '--root',
      workspace.root,
      '--json-out',
      'summary.json',
    ]);
    expect(result.exitCode).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      status: 'error',
      diagnostics: {
        error_code: 'log_write_failed',
        error_message: expect.stringContaining('automation_runs.log'),
        superseded_error_code: 'lock_failed',
      },
    });
    expect(JSON.parse(await readFile(join(workspace.root, 'summary.json'), 'utf8'))).toEqual(summary);
    expect(summary.duration_ms).toBeLessThan(5000);
  });

  it('a run log that cannot be created (its folder is a file) → log_write_failed, exit 1, one JSON summary', async () => {
    await writeFile(join(workspace.root, 'ops'), 'a file where the folder should be');
    const result = await sample(
      '--log-file',
      'ops/automation_runs.log',
      '--lock-file',
      'lock/.sample.lock',
      '--heartbeat-file',
      'hb.json',
    );
    const summary = expectOneFailureSummary(result, 'log_write_failed');
    expect(summary.diagnostics.error_message).toContain(join(workspace.root, 'ops/automation_runs.log'));
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('a heartbeat that cannot be written → heartbeat_write_failed, logged, exit 1', async () => {
    await writeFile(join(workspace.root, 'blocker'), '');
    const result = await sample('--heartbeat-file', 'blocker/sample_heartbeat.json');
    expectOneFailureSummary(result, 'heartbeat_write_failed');
    expect(await readRunLog(join(workspace.root, 'ops/automation_runs.log'))).toMatchObject([
      { status: 'error', diagnostics: { error_code: 'heartbeat_write_failed' } },
    ]);
  });

  it.each([
    ['torn', '\u0000\u0000{"job_id": "2025', 'is not valid JSON'],
    [
      'nested 5,000 deep',
      `{"job_id":"x","custom":${'['.repeat(5000)}${']'.repeat(5000)}}`,
      'nests deeper than 64 levels',
    ],
  ])(
    'a %s heartbeat → warning heartbeat_corrupt, rewritten from the run, exit 0; the next run is clean',
    async (_kind, content, problem) => {
      await mkdir(join(workspace.root, 'ops'));
      const heartbeatFile = join(workspace.root, 'ops/sample_heartbeat.json');
      await writeFile(heartbeatFile, content);
      const result = await sample('--now', '2026-01-01T00:00:00Z');
      expect(result.exitCode).toBe(0);
      expect(result.json()).toMatchObject({
        status: 'warning',
        diagnostics: {
          error_code: 'heartbeat_corrupt',
          error_message: expect.stringMatching(
            new RegExp(`^heartbeat ops/sample_heartbeat.json is corrupt \\(${problem}`),
          ),
        },
      });
      expect(JSON.parse(await readFile(heartbeatFile, 'utf8'))).toMatchObject({
        job_id: '20260101T000000Z-sample',
        status: 'warning',
        custom: 'kept',
      });
      expect((await sample()).json()).toMatchObject({ status: 'ok', diagnostics: {} });
    },
  );

  it('an unexpected error in the body → internal_error with its message, one stderr line, no stack', async () => {
    const result = await sample('--throw');
    const summary = expectOneFailureSummary(result, 'internal_error');
    expect(summary.diagnostics.error_message).toBe('unexpected failure');
    expect(result.stderr).toBe(
      'sample-job: internal_error: unexpected failure (docs/runbook.md#internal_error)\n',
    );
    expect(result.stdout).not.toContain('    at ');
    expect(existsSync(join(workspace.root, 'ops/.sample.lock'))).toBe(false);
  });

  it('with OBS_LOG_LEVEL=debug the stack of an unexpected error reaches stderr (only there)', async () => {
    const result = await runCli(SAMPLE_JOB, ['--root', workspace.root, '--throw'], {
      env: cleanEnv({ OBS_LOG_LEVEL: 'debug' }),
    });
    expectOneFailureSummary(result, 'internal_error');
    expect(result.stderr).toContain(
      'sample-job: internal_error: unexpected failure (docs/runbook.md#internal_error)',
    );
    expect(result.stderr).toMatch(/\s+at /);
    expect(result.stdout).not.toMatch(/\s+at /);
  });

  it('a JobError from the body → its code, exit 1, logged', async () => {
    expectOneFailureSummary(await sample('--fail-with', 'missing_input'), 'missing_input');
    expect(await readRunLog(join(workspace.root, 'ops/automation_runs.log'))).toMatchObject([
      { status: 'error', diagnostics: { error_code: 'missing_input' } },
    ]);
  });
});
