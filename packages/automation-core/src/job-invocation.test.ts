import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JobDefinition } from './job-definition.js';
import { JobError } from './job-error.js';
import { buildJobCommand, parseJobArgv, resolveJobInvocation } from './job-invocation.js';

const definition: JobDefinition<Record<string, unknown>> = {
  name: 'weekly',
  binary: 'obs-weekly',
  description: 'weekly KPI payload',
  examples: ['obs-weekly --dry-run-webhook --now 2026-01-05T00:00:00Z'],
  options: [
    {
      flag: '--max-retries',
      value: '<n>',
      description: 'retries',
      defaultValue: 3,
      schema: z.coerce.number(),
    },
    {
      flag: '--dataset',
      value: '<name>',
      description: 'datasets',
      defaultValue: ['a', 'b'],
      schema: z.array(z.string()),
      repeatable: true,
    },
    { flag: '--dry-run-webhook', description: 'write instead of sending', schema: z.boolean() },
    { flag: '--payload-schema', value: '<file>', description: 'schema', schema: z.string() },
    {
      flag: '--lock-file',
      value: '<path>',
      description: 'lock',
      defaultLabel: 'ops/.weekly.lock',
      schema: z.string(),
    },
    {
      flag: '--webhook-secret-env',
      value: '<name>',
      description: 'secret variable',
      defaultValue: 'OBS_WEBHOOK_SECRET',
      schema: z.string(),
      secretEnv: true,
    },
  ],
  config: { defaultPath: 'configs/observability/weekly.yaml', schema: z.strictObject({}) },
  lockFile: () => 'ops/.weekly.lock',
  finalize: ({ values }) => values,
  run: async () => ({ status: 'ok', artefacts: [] }),
};

describe('--help', () => {
  const help = buildJobCommand(definition as JobDefinition<unknown, unknown>).helpInformation();
  const flagLines = help
    .replace(/\n {20,}/g, ' ')
    .split('\n')
    .filter((line) => /^ {2}--/.test(line));

  it('lists every flag, common and job-specific, each with its default', () => {
    const flags = flagLines.map((line) => line.trim().split(/\s/)[0]);
    expect(flags).toEqual([
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
      '--max-retries',
      '--dataset',
      '--dry-run-webhook',
      '--payload-schema',
      '--lock-file',
      '--webhook-secret-env',
    ]);
    for (const line of flagLines) expect(line, line).toMatch(/\(default: [^)]+\)/);
    const text = flagLines.join('\n');
    expect(text).toContain('(default: 3)');
    expect(text).toContain('(default: a, b)');
    expect(text).toContain('(default: ops/.weekly.lock)');
    expect(text).toContain('(default: configs/observability/weekly.yaml)');
  });

  it('shows the examples', () => {
    const full = buildJobCommand(definition as JobDefinition<unknown, unknown>);
    let text = '';
    full.configureOutput({ writeOut: (chunk) => (text += chunk) });
    expect(() => full.parse(['--help'], { from: 'user' })).toThrow();
    expect(text).toContain('Examples:\n  obs-weekly --dry-run-webhook --now 2026-01-05T00:00:00Z');
  });
});

describe('parseJobArgv', () => {
  it('collects repeated flags and bare flags', () => {
    expect(
      parseJobArgv(definition as JobDefinition<unknown, unknown>, [
        '--dataset',
        'x',
        '--dataset',
        'y',
        '--dry-run-webhook',
      ]),
    ).toMatchObject({ dataset: ['x', 'y'], dry_run_webhook: true });
  });

  it.each([
    [['--nope'], { flag: '--nope' }],
    [['--now'], { flag: '--now' }],
    [['stray'], { arguments: ['stray'] }],
  ])('%j is a usage error saying what is wrong', (args, details) => {
    let error: unknown;
    try {
      parseJobArgv(definition as JobDefinition<unknown, unknown>, args);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(JobError);
    expect(error).toMatchObject({ code: 'invalid_usage', exitCode: 2, details });
  });

  it('masks secrets in the command it reports', () => {
    let error: JobError | undefined;
    try {
      parseJobArgv(definition as JobDefinition<unknown, unknown>, ['--webhook-secret', 'hunter2']);
    } catch (caught) {
      error = caught as JobError;
    }
    expect(JSON.stringify(error?.details)).not.toContain('hunter2');
  });
});

describe('resolveJobInvocation', () => {
  it('shows secrets by variable name in the dump', async () => {
    const invocation = await resolveJobInvocation(
      definition,
      ['--root', '/tmp', '--now', '2026-01-05T00:00:00Z'],
      {},
    );
    expect(invocation.dump.options).toMatchObject({
      webhook_secret_env: { env: 'OBS_WEBHOOK_SECRET' },
      max_retries: 3,
    });
    expect(invocation.common.now.toISOString()).toBe('2026-01-05T00:00:00.000Z');
  });

  it('takes the root from OBS_ROOT when --root is absent', async () => {
    const invocation = await resolveJobInvocation(definition, [], { OBS_ROOT: '/tmp' });
    expect(invocation.common.root).toBe('/tmp');
  });
});
