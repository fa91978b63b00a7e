import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveJobInvocation } from '@obs-automation/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dashboardJob } from './dashboard-job.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'dashboard-config-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function withConfig(yaml: string, argv: string[] = []) {
  await writeFile(join(root, 'dashboard.yaml'), yaml);
  return resolveJobInvocation(dashboardJob, ['--root', root, '--config', 'dashboard.yaml', ...argv], {});
}

describe('dashboard config', () => {
  it('reads the earlier tooling layout: datasets, paths.*, notes.*, with {ROOT} expanded', async () => {
    const { options } = await withConfig(
      [
        'datasets: [ev_history, latency]',
        'paths:',
        '  runs_root: "{ROOT}/runs"',
        '  history_dir: "{ROOT}/ops/history"',
        'notes:',
        '  retention_days: 21',
        '  upload_command: null',
      ].join('\n'),
    );
    expect(options).toMatchObject({
      datasets: ['ev_history', 'latency'],
      runsRoot: `${root}/runs`,
      historyDir: `${root}/ops/history`,
      historyRetentionDays: 21,
      uploadCommand: null,
    });
  });

  it('takes flag keys at the top level, and flags over both', async () => {
    const { options } = await withConfig(
      'notes:\n  retention_days: 21\nhistory_retention_days: 30\nslip_limit: 5\n',
      ['--slip-limit', '7'],
    );
    expect(options).toMatchObject({ historyRetentionDays: 30, slipLimit: 7 });
  });

  it('rejects an unknown key with its path (exit 2)', async () => {
    await expect(withConfig('paths:\n  runs_rot: x\n')).rejects.toMatchObject({
      code: 'invalid_config',
      exitCode: 2,
      message: expect.stringContaining('paths.runs_rot'),
    });
  });

  it('rejects a wrong type naming the key', async () => {
    await expect(withConfig('notes:\n  retention_days: soon\n')).rejects.toMatchObject({
      code: 'invalid_config',
      message: expect.stringContaining('notes.retention_days'),
    });
    await expect(withConfig('turnover_limit: -1\n')).rejects.toMatchObject({
      code: 'invalid_config',
      message: expect.stringContaining('turnover_limit'),
    });
  });

  it('refuses an output folder outside the manifest folder', async () => {
    await expect(
      withConfig('', ['--output-dir', 'elsewhere', '--manifest', 'out/dashboard/manifest.json']),
    ).rejects.toMatchObject({ code: 'invalid_usage', exitCode: 2 });
    const { options } = await withConfig('', ['--output-dir', 'out/dashboard/data']);
    expect(options.outputDir).toBe('out/dashboard/data');
  });
});
