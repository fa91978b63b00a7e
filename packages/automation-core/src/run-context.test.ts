import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeCommand, detectCommitSha, detectEnvironment, detectScheduler } from './run-context.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

function gitHead(dir: string): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

describe('describeCommand', () => {
  it('masks the values of secret flags, given separately or inline', () => {
    expect(
      describeCommand([
        '--webhook-secret',
        's3cr3t',
        '--api-token=abc',
        '--password',
        'pw',
        '--signing-key',
        'k',
      ]),
    ).toBe('--webhook-secret *** --api-token=*** --password *** --signing-key ***');
  });

  it('keeps the names of the variables that hold secrets', () => {
    expect(describeCommand(['--webhook-secret-env', 'OBS_WEBHOOK_SECRET'])).toBe(
      '--webhook-secret-env OBS_WEBHOOK_SECRET',
    );
  });

  it('shows URLs as scheme://host/…, also inline and with credentials', () => {
    const described = describeCommand([
      'https://hooks.example.com/services/T000/B000/XXXX?token=abc',
      '--webhook-url=https://user:pa55@hooks.example.com:8443/path',
    ]);
    expect(described).toBe('https://hooks.example.com/… --webhook-url=https://hooks.example.com:8443/…');
    for (const secret of ['T000', 'XXXX', 'token=abc', 'user', 'pa55', '/path']) {
      expect(described).not.toContain(secret);
    }
  });

  it('quotes arguments that would read as several', () => {
    expect(describeCommand(['--job-name', 'weekly report', '--note', "it's"])).toBe(
      `--job-name 'weekly report' --note 'it'\\''s'`,
    );
  });

  it('leaves a secret flag without a value as it is', () => {
    expect(describeCommand(['--force', '--token'])).toBe('--force --token');
  });
});

describe('detectScheduler', () => {
  it('takes OBS_SCHEDULER first', () => {
    expect(detectScheduler({ OBS_SCHEDULER: 'cron', GITHUB_ACTIONS: 'true' }, true)).toBe('cron');
  });

  it('then GitHub Actions', () => {
    expect(detectScheduler({ GITHUB_ACTIONS: 'true' }, true)).toBe('github-actions');
  });

  it('then a terminal on stdin means a person ran it', () => {
    expect(detectScheduler({}, true)).toBe('manual');
  });

  it('else unknown; an unrecognised OBS_SCHEDULER is ignored', () => {
    expect(detectScheduler({}, false)).toBe('unknown');
    expect(detectScheduler({ OBS_SCHEDULER: 'airflow', GITHUB_ACTIONS: 'false' }, false)).toBe('unknown');
  });
});

describe('detectEnvironment', () => {
  it('is OBS_ENV, production by default', () => {
    expect(detectEnvironment({ OBS_ENV: 'staging' })).toBe('staging');
    expect(detectEnvironment({ OBS_ENV: '  ' })).toBe('production');
    expect(detectEnvironment({})).toBe('production');
  });
});

describe('detectCommitSha', () => {
  it('takes the first non-empty of OBS_COMMIT_SHA, GITHUB_SHA, CI_COMMIT_SHA', async () => {
    const all = { OBS_COMMIT_SHA: 'obs', GITHUB_SHA: 'gh', CI_COMMIT_SHA: 'ci' };
    expect(await detectCommitSha('/', all)).toBe('obs');
    expect(await detectCommitSha('/', { ...all, OBS_COMMIT_SHA: ' ' })).toBe('gh');
    expect(await detectCommitSha('/', { CI_COMMIT_SHA: 'ci', GITHUB_SHA: '' })).toBe('ci');
  });

  it('then asks git in the root when it is a work tree', async () => {
    const head = gitHead(PACKAGE_DIR);
    if (head === null) {
      // A source tree without git (an unpacked archive) has no commit to find.
      expect(await detectCommitSha(PACKAGE_DIR, {})).toBe('unknown');
      return;
    }
    expect(await detectCommitSha(PACKAGE_DIR, {})).toBe(head);
  });

  it('else unknown', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'core-no-git-'));
    try {
      expect(await detectCommitSha(outside, {})).toBe(gitHead(outside) ?? 'unknown');
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
