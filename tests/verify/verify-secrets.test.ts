import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace } from '../support/cli-process.js';
import { checkNamed, LOG, runVerify, writeHealthyWorkspace } from './support/verify-workspace.js';

let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-verify-secrets-'));
  await writeHealthyWorkspace(root);
});
afterEach(() => cleanup());

const STRONG_SECRET = 'k3Q9-strong-signing-secret-0123456789abcdef';
const SECRET_URL = 'https://hooks.example.com/services/T000/B000/XyZsecretTokenPath';

/** Every place a value could leak: the streams and the run log. */
async function everything(result: { stdout: string; stderr: string }): Promise<string> {
  return `${result.stdout}\n${result.stderr}\n${await readFile(join(root, LOG), 'utf8')}`;
}

describe('obs-verify --check-secrets', () => {
  it('passes set, https and long enough secrets and shows only fingerprints', async () => {
    const result = await runVerify(root, ['--check-secrets'], {
      env: { OBS_WEEKLY_WEBHOOK_URL: SECRET_URL, OBS_WEBHOOK_SECRET: STRONG_SECRET },
    });
    expect(result.exitCode).toBe(0);
    const variables = checkNamed(result.json(), 'secrets')[0]?.details.variables;
    expect(variables).toEqual([
      {
        name: 'OBS_WEEKLY_WEBHOOK_URL',
        set: true,
        kind: 'url',
        ok: true,
        fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{12}$/),
      },
      {
        name: 'OBS_WEBHOOK_SECRET',
        set: true,
        kind: 'signing_secret',
        ok: true,
        fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{12}$/),
      },
    ]);
    const text = await everything(result);
    expect(text).not.toContain(STRONG_SECRET);
    expect(text).not.toContain('XyZsecretTokenPath');
  });

  it('accepts http only to a loopback host', async () => {
    const result = await runVerify(root, ['--check-secrets', '--secret', 'LOCAL_HOOK_URL'], {
      env: { LOCAL_HOOK_URL: 'http://127.0.0.1:8080/hook' },
    });
    expect(result.exitCode).toBe(0);
  });

  it('fails a missing variable, an http URL to another host and a short secret, never printing a value', async () => {
    const shortSecret = 'tooShort-4f9c2';
    const result = await runVerify(
      root,
      [
        '--check-secrets',
        '--secret',
        'OBS_WEEKLY_WEBHOOK_URL',
        '--secret',
        'OBS_WEBHOOK_SECRET',
        '--secret',
        'OBS_STAGING_WEBHOOK_URL',
      ],
      {
        env: {
          OBS_WEEKLY_WEBHOOK_URL: 'http://hooks.example.com/path/with-token-9s8d7f',
          OBS_WEBHOOK_SECRET: shortSecret,
        },
      },
    );
    expect(result.exitCode).toBe(1);
    const report = result.json();
    expect(report.failures).toEqual([
      {
        check: 'secrets',
        error_code: 'secret_insecure_url',
        message:
          'OBS_WEEKLY_WEBHOOK_URL points to http://hooks.example.com/…: only https is allowed (http only to a loopback host)',
      },
      {
        check: 'secrets',
        error_code: 'secret_too_short',
        message: `OBS_WEBHOOK_SECRET has ${shortSecret.length} characters; a signing secret needs at least 32`,
      },
      {
        check: 'secrets',
        error_code: 'secret_missing',
        message: 'OBS_STAGING_WEBHOOK_URL is not set or is empty',
      },
    ]);
    const variables = checkNamed(report, 'secrets')[0]?.details.variables;
    expect(variables.every((variable: { fingerprint?: string }) => variable.fingerprint === undefined)).toBe(
      true,
    );
    const text = await everything(result);
    expect(text).not.toContain(shortSecret);
    expect(text).not.toContain('with-token-9s8d7f');
    const entry = JSON.parse((await readFile(join(root, LOG), 'utf8')).trim().split('\n').at(-1) as string);
    expect(entry.diagnostics).toMatchObject({ error_code: 'verification_failed' });
    expect(entry.diagnostics.secrets_read).toEqual(
      expect.arrayContaining(['OBS_WEEKLY_WEBHOOK_URL', 'OBS_WEBHOOK_SECRET']),
    );
  });
});
