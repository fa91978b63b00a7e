import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { OptionSpec } from './job-definition.js';
import { JobError } from './job-error.js';
import { optionKey, resolveOptionValues } from './option-resolution.js';

const SPECS: OptionSpec[] = [
  {
    flag: '--raw-retention-days',
    value: '<days>',
    description: 'days',
    defaultValue: 14,
    schema: z.coerce.number().int().min(1),
  },
  { flag: '--window', value: '<w>', description: 'window', defaultValue: '1h', schema: z.string() },
  { flag: '--dry-run', description: 'dry run', defaultValue: false, schema: z.boolean() },
  {
    flag: '--dataset',
    value: '<name>',
    description: 'datasets',
    schema: z.array(z.string()),
    repeatable: true,
  },
];

function resolve(flags: Record<string, unknown>, config: Record<string, unknown> = {}) {
  return resolveOptionValues(SPECS, flags, config, '/ws/configs/latency.yaml');
}

function failure(run: () => unknown): JobError {
  try {
    run();
  } catch (error) {
    if (error instanceof JobError) return error;
    throw error;
  }
  throw new Error('expected a JobError');
}

describe('optionKey', () => {
  it('is the snake_case form of the flag', () => {
    expect(optionKey('--raw-retention-days')).toBe('raw_retention_days');
  });
});

describe('resolveOptionValues', () => {
  it('uses the built-in defaults when neither flag nor config sets a value', () => {
    const { values, explicit } = resolve({});
    expect(values).toEqual({ raw_retention_days: 14, window: '1h', dry_run: false });
    expect([...explicit]).toEqual([]);
  });

  it('takes the config over the default', () => {
    expect(resolve({}, { raw_retention_days: 30, window: '15m' }).values).toMatchObject({
      raw_retention_days: 30,
      window: '15m',
    });
  });

  it('takes the flag over the config, and records it as explicit', () => {
    const { values, explicit } = resolve(
      { raw_retention_days: '7', dataset: ['slippage'] },
      { raw_retention_days: 30, dataset: ['ev_history'] },
    );
    expect(values.raw_retention_days).toBe(7);
    expect(values.dataset).toEqual(['slippage']);
    expect([...explicit].sort()).toEqual(['dataset', 'raw_retention_days']);
  });

  it('treats a null config value as unset', () => {
    expect(resolve({}, { window: null }).values.window).toBe('1h');
  });

  it('a bad flag value is a usage error naming the flag', () => {
    const error = failure(() => resolve({ raw_retention_days: 'ten' }));
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe('invalid_usage');
    expect(error.details.flag).toBe('--raw-retention-days');
    expect(error.message).toMatch(/^--raw-retention-days: /);
  });

  it('a bad config value is a config error naming the file and the key', () => {
    const error = failure(() => resolve({}, { raw_retention_days: 0 }));
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe('invalid_config');
    expect(error.details).toMatchObject({
      key: 'raw_retention_days',
      config_path: '/ws/configs/latency.yaml',
    });
    expect(error.message).toContain('/ws/configs/latency.yaml: key raw_retention_days');
  });
});
