import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, makeWorkspace, runCli } from '../support/cli-process.js';
import { SAMPLE_JOB } from './core-processes.js';

let workspace: Awaited<ReturnType<typeof makeWorkspace>>;

beforeEach(async () => {
  workspace = await makeWorkspace('obs-core-cli-');
});

afterEach(async () => {
  await workspace.cleanup();
});

const sample = (args: string[], env = cleanEnv()) =>
  runCli(SAMPLE_JOB, ['--root', workspace.root, ...args], { env });

describe('command line', () => {
  it('--config-dump prints the effective configuration (flag > config > default) and writes nothing', async () => {
    await mkdir(join(workspace.root, 'configs'));
    await writeFile(join(workspace.root, 'configs/sample.yaml'), 'sleep_ms: 5\nnested:\n  flag: true\n');
    const result = await sample(['--config-dump', '--artefact-count', '3', '--json-out', 'dump.json']);
    expect(result.exitCode).toBe(0);
    expect(result.json()).toMatchObject({
      job: 'sample',
      root: workspace.root,
      config_path: join(workspace.root, 'configs/sample.yaml'),
      config_exists: true,
      common: { log_file: 'ops/automation_runs.log', lock_file: 'ops/.sample.lock', json_out: 'dump.json' },
      options: { sleep_ms: 5, artefact_count: 3, lock_file: 'ops/.sample.lock' },
      config: { sleep_ms: 5, nested: { flag: true } },
    });
    expect(await readdir(workspace.root)).toEqual(['configs']);
  });

  it.each([
    [['--bogus'], '--bogus', 'unknown option'],
    [['--now', 'last tuesday'], '--now', 'last tuesday'],
    [['--job-id', '2026-01-01-sample'], '--job-id', '2026-01-01-sample'],
    [['--sleep-ms', 'soon'], '--sleep-ms', '--sleep-ms'],
  ])('%j → exit 2 and one JSON document naming %s', async (args, flag, mentioned) => {
    const result = await sample(args);
    expect(result.exitCode).toBe(2);
    const summary = result.json();
    expect(summary).toMatchObject({
      status: 'error',
      job_name: 'sample',
      artefacts: [],
      diagnostics: { error_code: 'invalid_usage', flag },
    });
    expect(summary.diagnostics.error_message).toContain(mentioned);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(workspace.root, 'ops'))).toBe(false);
  });

  it('a bad OBS_NOW names the variable', async () => {
    const result = await sample([], cleanEnv({ OBS_NOW: 'noon' }));
    expect(result.exitCode).toBe(2);
    expect(result.json().diagnostics).toMatchObject({ error_code: 'invalid_usage', flag: 'OBS_NOW' });
  });

  it('a config with an unknown key → exit 2 naming the key path', async () => {
    await mkdir(join(workspace.root, 'configs'));
    await writeFile(join(workspace.root, 'configs/sample.yaml'), 'nested:\n  flag: true\n  colour: blue\n');
    const result = await sample([]);
    expect(result.exitCode).toBe(2);
    expect(result.json().diagnostics).toMatchObject({ error_code: 'invalid_config', key: 'nested.colour' });
  });

  it('an explicit --config that does not exist → exit 2', async () => {
    const result = await sample(['--config', 'configs/absent.yaml']);
    expect(result.exitCode).toBe(2);
    expect(result.json().diagnostics.error_message).toContain('configs/absent.yaml');
  });

  it('--help lists every flag with its default, and an example', async () => {
    const result = await sample(['--help']);
    expect(result.exitCode).toBe(0);
    const text = result.stdout.replace(/\n {20,}/g, ' ');
    const flagLines = text.split('\n').filter((line) => /^ {2}--/.test(line));
    const flags = flagLines.map((line) => line.trim().split(/\s/)[0]);
    for (const flag of [
      '--root',
      '--config',
      '--job-name',
      '--job-id',
      '--now',
      '--log-file',
      '--sequence-file',
      '--lock-stale-seconds',
      '--json-out',
      '--config-dump',
      '--sleep-ms',
      '--fail-with',
      '--throw',
      '--artefact-count',
      '--lock-file',
      '--heartbeat-file',
    ]) {
      expect(flags).toContain(flag);
    }
    for (const line of flagLines) expect(line, line).toMatch(/\(default: [^)]+\)/);
    expect(text).toMatch(/Examples:\n {2}sample-job --sleep-ms 100/);
  });
});
