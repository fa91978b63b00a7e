import { describe, expect, it } from 'vitest';
import { automationConfigSchema } from './automation-config.js';
import { argsToArgv } from './job-args.js';

describe('argsToArgv', () => {
  it('passes values as on a command line: bare flags, repeated flags, numbers', () => {
    expect(
      argsToArgv({
        '--job-name': 'observability-weekly',
        '--force-send': true,
        '--dry-run-webhook': false,
        '--max-retries': 5,
        '--dataset': ['ev_history', 'latency'],
      }),
    ).toEqual([
      '--job-name',
      'observability-weekly',
      '--force-send',
      '--max-retries',
      '5',
      '--dataset',
      'ev_history',
      '--dataset',
      'latency',
    ]);
    expect(argsToArgv(null)).toEqual([]);
  });
});

describe('automationConfigSchema', () => {
  it('accepts empty job sections and rejects what it does not know', () => {
    expect(automationConfigSchema.safeParse({ latency: null, weekly: { args: null } }).success).toBe(true);
    const unknown = automationConfigSchema.safeParse({ weekly: { args: {}, retries: 3 } });
    expect(unknown.success).toBe(false);
    const nullValue = automationConfigSchema.safeParse({ weekly: { args: { '--force-send': null } } });
    expect(nullValue.error?.issues[0]?.path).toEqual(['weekly', 'args', '--force-send']);
  });
});
