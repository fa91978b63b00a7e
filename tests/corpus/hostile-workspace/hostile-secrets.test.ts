import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, type ExpectStatic, it } from 'vitest';
import { BIN, cleanEnv, runCli } from '../../support/cli-process.js';
import { DASHBOARD } from '../support/jobs-under-test.js';
import { DASHBOARD_EXPORT, describeHostile, type HostileCase } from './support/hostile-runner.js';
import { plantFile, plantJson } from './support/plant.js';
import { makeSandbox, rootContents } from './support/sandbox.js';

/**
 * Class 7 of the trust rules: recorded commands and output tails are masked wherever they are
 * recorded — the manifest's provenance (uploaded with the bundle), its history copy, the page,
 * the run log, the heartbeat, the summary on stdout, stderr — including the values of
 * environment variables whose names read as secrets.
 */

const PASSWORD = 'S3cr3tPass';
const BEARER = 'tok_abc';
/** An environment variable named like a secret, whose value the upload command prints. */
const SECRET_ENV = { DEPLOY_API_TOKEN: 'dEpl0yT0kenValue-42' };
const SECRETS = [PASSWORD, BEARER, SECRET_ENV.DEPLOY_API_TOKEN];

const CURL = `curl -u admin:${PASSWORD} -H 'Authorization: Bearer ${BEARER}'`;
/** Fails after printing the credentials and the token back, as a verbose client might. */
const UPLOAD = `${CURL} --max-time 2 http://127.0.0.1:9/upload; echo "sent as admin:${PASSWORD} with Bearer ${BEARER} and $DEPLOY_API_TOKEN" >&2; exit 7`;

/** No secret in stdout, stderr or any file the run left under the root (gzip files too) but the `input` given. */
async function expectNoSecret(
  root: string,
  outputs: { stdout: string; stderr: string },
  expect: ExpectStatic,
  input?: string,
) {
  for (const secret of SECRETS) {
    expect(outputs.stdout, `stdout holds ${secret}`).not.toContain(secret);
    expect(outputs.stderr, `stderr holds ${secret}`).not.toContain(secret);
    const holding = (await rootContents(root))
      .filter((file) => file.path !== (input && join(root, input)) && file.bytes.includes(secret))
      .map((file) => file.path);
    expect(holding, `files holding ${secret}`).toEqual([]);
  }
}

const cases: HostileCase[] = [
  {
    name: 'dashboard: an upload command with credentials, a bearer token and a secret variable’s value in its output',
    job: DASHBOARD_EXPORT,
    extraArgs: ['--upload-command', UPLOAD, '--upload-retries', '0'],
    env: SECRET_ENV,
    plant: async () => undefined,
    exit: 1,
    status: 'error',
    errorCode: 'upload_failed',
    check: async ({ sandbox, result, summary, expect }) => {
      await expectNoSecret(sandbox.root, result, expect);
      // What ran and what it said are still recorded, masked.
      const manifest = JSON.parse(await readFile(join(sandbox.root, 'out/dashboard/manifest.json'), 'utf8'));
      expect(manifest.provenance.command).toContain('curl -u ***');
      expect(manifest.provenance.command).toContain('Authorization: Bearer ***');
      expect(summary.diagnostics.upload_stderr_tail).toContain('sent as *** with Bearer *** and ***');
    },
  },
  {
    name: 'dashboard: a --provenance file whose command carries credentials',
    job: DASHBOARD_EXPORT,
    extraArgs: ['--provenance', 'in/provenance.json'],
    env: SECRET_ENV,
    plant: (sandbox) =>
      plantJson(sandbox.root, 'in/provenance.json', {
        command: `${CURL} --data token=${SECRET_ENV.DEPLOY_API_TOKEN} https://ci.example/build`,
        commit_sha: 'abc123',
      }),
    exit: 0,
    status: 'ok',
    errorCode: null,
    check: async ({ sandbox, result, expect }) => {
      await expectNoSecret(sandbox.root, result, expect, 'in/provenance.json');
      const manifest = JSON.parse(await readFile(join(sandbox.root, 'out/dashboard/manifest.json'), 'utf8'));
      expect(manifest.provenance.commit_sha).toBe('abc123');
    },
  },
  {
    name: 'dashboard: a usage error on a command line carrying credentials',
    job: DASHBOARD,
    extraArgs: ['--upload-command', `${CURL} --token=${SECRET_ENV.DEPLOY_API_TOKEN}`, '--no-such-flag'],
    env: SECRET_ENV,
    plant: async () => undefined,
    exit: 2,
    status: 'error',
    errorCode: 'invalid_usage',
    check: async ({ sandbox, result, expect }) => expectNoSecret(sandbox.root, result, expect),
  },
];

describeHostile('hostile workspace, class 7: secrets in recorded commands and outputs', cases);

describe('hostile workspace, class 7: --config-dump', () => {
  it('shows an upload command with credentials from the config file masked', async ({ expect }) => {
    const sandbox = await makeSandbox();
    try {
      await plantFile(
        sandbox.root,
        'configs/observability/dashboard_export.yaml',
        `upload_command: ${JSON.stringify(UPLOAD)}\n`,
      );
      const result = await runCli(BIN.dashboard, ['--root', sandbox.root, '--config-dump'], {
        env: cleanEnv(SECRET_ENV),
      });
      expect(result.exitCode).toBe(0);
      expect(result.json().options.upload_command).toContain('curl -u ***');
      await expectNoSecret(sandbox.root, result, expect, 'configs/observability/dashboard_export.yaml');
    } finally {
      await sandbox.cleanup();
    }
  });
});
