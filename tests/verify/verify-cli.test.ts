import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, makeWorkspace, runCli } from '../support/cli-process.js';
import { optionsOf } from './support/help-text.js';
import {
  DASHBOARD_MANIFEST,
  jobIdAt,
  NOW_MS,
  runVerify,
  writeDashboardBundle,
  writeText,
} from './support/verify-workspace.js';

describe('obs-verify --help', () => {
  it.each([[[]], [['bundle']], [['rebuild-log']]])(
    '%j lists every flag with its default and examples',
    async (command) => {
      const result = await runCli(BIN.verify, [...command, '--help'], { env: cleanEnv() });
      expect(result.exitCode).toBe(0);
      const options = optionsOf(result.stdout);
      expect(options.length).toBeGreaterThan(8);
      for (const option of options) expect(option).toMatch(/\(default: [^)]+\)$/);
      expect(result.stdout).toMatch(/Examples:\n {2}obs-verify/);
    },
  );

  it('names the flags of the spec for the default command', async () => {
    const help = (await runCli(BIN.verify, ['--help'], { env: cleanEnv() })).stdout;
    for (const flag of [
      '--check-log',
      '--sequence-file',
      '--heartbeat',
      '--max-heartbeat-age-hours',
      '--dashboard-manifest',
      '--expected-dataset',
      '--job-id',
      '--require-job-entry',
      '--check-secrets',
      '--secret',
      '--since',
      '--json-out',
    ]) {
      expect(help).toContain(`  ${flag}`);
    }
  });
});

describe('obs-verify bundle', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ root, cleanup } = await makeWorkspace('obs-verify-bundle-cli-'));
  });
  afterEach(() => cleanup());

  it('is dispatched to the bundle verification', async () => {
    await writeDashboardBundle(root, jobIdAt(NOW_MS - 30 * 60_000, 'dashboard'));
    const ok = await runVerify(root, ['bundle']);
    expect(ok.exitCode).toBe(0);
    expect(ok.json().checks.map((check: { name: string }) => check.name)).toContain('manifest_schema');
    await writeText(root, 'out/dashboard/ev_history.json', '{"rows":[]}\n');
    const tampered = await runVerify(root, ['bundle', '--manifest', DASHBOARD_MANIFEST]);
    expect(tampered.exitCode).toBe(1);
    expect(tampered.json().failures.map((failure: { error_code: string }) => failure.error_code)).toContain(
      'checksum_mismatch',
    );
  });
});
