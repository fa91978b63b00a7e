import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { buildProgram, parseCommandLine } from './command-line/commander-program.js';
import { jobConfigSchema } from './command-line/option-config-schema.js';
import { defineOptions } from './command-line/option-declaration.js';
import { count, envName, flag, list, optionTypes, path } from './command-line/option-kit.js';
import type { JobDefinition } from './job-definition.js';
import { JobError } from './job-error.js';
import { commandLineOf, parseJobArgv, resolveJobInvocation } from './job-invocation.js';

const OPTIONS = defineOptions({
  maxRetries: count('retries', { default: 3 }),
  dataset: list(optionTypes.text, 'datasets', { value: '<name>', default: ['a', 'b'] }),
  dryRunWebhook: flag('write instead of sending'),
  payloadSchema: path('schema', { value: '<file>' }),
  lockFile: path('lock', { defaultLabel: 'ops/.weekly.lock' }),
  webhookSecretEnv: envName('secret variable', {
    value: '<name>',
    default: 'OBS_WEBHOOK_SECRET',
    secretEnv: true,
  }),
});

const definition: JobDefinition<typeof OPTIONS.declarations> = {
  name: 'weekly',
  binary: 'obs-weekly',
  description: 'weekly KPI payload',
  examples: ['obs-weekly --dry-run-webhook --now 2026-01-05T00:00:00Z'],
  options: OPTIONS,
  config: {
    defaultPath: 'configs/observability/weekly.yaml',
    loadSchema: async () => jobConfigSchema([OPTIONS], { include: z.array(z.string()).optional() }),
  },
  lockFile: () => 'ops/.weekly.lock',
  run: async () => ({ status: 'ok', artefacts: [] }),
};

function helpOf(argv: string[] = ['--help']): string {
  const program = buildProgram(commandLineOf(definition, 'obs-weekly'));
  let text = '';
  program.configureOutput({ writeOut: (chunk) => (text += chunk) });
  expect(() => parseCommandLine(program, argv)).toThrow();
  return text;
}

describe('--help', () => {
  const help = helpOf();
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
      '--metrics-dir',
      '--lock-stale-seconds',
      '--notifications-config',
      '--json-out',
      '--config-dump',
      '--json',
      '--pretty',
      '--no-color',
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
    expect(text).toMatch(/--dry-run-webhook +write instead of sending \(default: off\)/);
  });

  it('shows the examples, then where the exit codes are explained', () => {
    expect(help).toContain('Examples:\n  obs-weekly --dry-run-webhook --now 2026-01-05T00:00:00Z\n');
    expect(help).toMatch(
      /Exit codes: 0 .*; 1 .*; 2 invalid usage or config\.\n.*docs\/runbook\.md#exit-codes\n+$/,
    );
  });

  it('prints the binary, its release and its commit for --version', () => {
    expect(helpOf(['--version'])).toMatch(/^obs-weekly \S+ \(\S+\)\n$/);
  });
});

describe('parseJobArgv', () => {
  it('collects repeated flags and bare flags by option key', () => {
    expect(parseJobArgv(definition, ['--dataset', 'x', '--dataset', 'y', '--dry-run-webhook'])).toMatchObject(
      {
        dataset: ['x', 'y'],
        dryRunWebhook: true,
      },
    );
  });

  it.each([
    [['--nope'], { flag: '--nope' }],
    [['--now'], { flag: '--now' }],
    [['stray'], { arguments: ['stray'] }],
  ])('%j is a usage error saying what is wrong', (args, details) => {
    let error: unknown;
    try {
      parseJobArgv(definition, args);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(JobError);
    expect(error).toMatchObject({ code: 'invalid_usage', exitCode: 2, details });
  });

  it('suggests the flag meant, on one line', () => {
    expect(() => parseJobArgv(definition, ['--dry-run-webhok'])).toThrow(
      "unknown option '--dry-run-webhok' (Did you mean --dry-run-webhook?)",
    );
  });

  it('masks secrets in the command it reports', () => {
    let error: JobError | undefined;
    try {
      parseJobArgv(definition, ['--webhook-secret', 'hunter2']);
    } catch (caught) {
      error = caught as JobError;
    }
    expect(JSON.stringify(error?.details)).not.toContain('hunter2');
  });
});

describe('resolveJobInvocation', () => {
  it('shows secrets by variable name in the dump, values by config key', async () => {
    const invocation = await resolveJobInvocation(
      definition,
      ['--root', '/tmp', '--now', '2026-01-05T00:00:00Z'],
      {},
    );
    expect(invocation.dump.options).toMatchObject({
      webhook_secret_env: { env: 'OBS_WEBHOOK_SECRET' },
      max_retries: 3,
      dry_run_webhook: false,
    });
    expect(invocation.common.now.toISOString()).toBe('2026-01-05T00:00:00.000Z');
  });

  it('takes the root from OBS_ROOT when --root is absent', async () => {
    const invocation = await resolveJobInvocation(definition, [], { OBS_ROOT: '/tmp' });
    expect(invocation.common.root).toBe('/tmp');
  });

  it('types the options from the declarations', async () => {
    const { options } = await resolveJobInvocation(definition, ['--root', '/tmp', '--max-retries', '5'], {});
    const retries: number = options.maxRetries;
    const schema: string | undefined = options.payloadSchema;
    expect([retries, schema, options.dataset]).toEqual([5, undefined, ['a', 'b']]);
  });
});
