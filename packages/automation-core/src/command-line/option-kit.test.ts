import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobDefinition } from '../job-definition.js';
import { runJob } from '../job-runner.js';
import { jobConfigSchema } from './option-config-schema.js';
import { defineOptions } from './option-declaration.js';
import {
  choice,
  count,
  duration,
  envName,
  flag,
  jobId,
  list,
  optionTypes,
  path,
  positive,
  seconds,
  text,
  timestamp,
} from './option-kit.js';

const OPTIONS = defineOptions({
  somePath: path('a path'),
  someText: text('a text'),
  someEnv: envName('a variable'),
  someCount: count('a count', { max: 100 }),
  somePositive: positive('a number > 0'),
  someSeconds: seconds('seconds'),
  someDuration: duration('a duration'),
  someFlag: flag('a flag'),
  someChoice: choice(['red', 'green'], 'a colour'),
  someList: list(optionTypes.count, 'counts'),
  someTimestamp: timestamp('a time'),
  someJobId: jobId('a job id'),
});

const job: JobDefinition<typeof OPTIONS.declarations> = {
  name: 'kit',
  binary: 'kit-job',
  description: 'echoes its options',
  examples: ['kit-job --some-count 3'],
  options: OPTIONS,
  config: { defaultPath: 'kit.yaml', loadSchema: async () => jobConfigSchema([OPTIONS], {}) },
  lockFile: () => 'ops/.kit.lock',
  run: async (options) => ({
    status: 'ok',
    artefacts: [],
    summary: { values: { ...options, someDuration: options.someDuration?.ms } },
  }),
};

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'option-kit-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const run = (args: string[]) =>
  runJob(job, ['--root', root, '--now', '2026-01-05T00:00:00Z', ...args], { env: {} });

async function withConfig(yaml: string) {
  await writeFile(join(root, 'kit.yaml'), yaml);
  return run([]);
}

/** Per kit type: a flag, good text with the value it gives, and the empty, blank and garbage texts it refuses. */
const CASES: { flag: string; good: [string, unknown]; bad: string[] }[] = [
  { flag: '--some-path', good: ['ops/x.csv', 'ops/x.csv'], bad: ['', '   '] },
  { flag: '--some-text', good: ['day_orb', 'day_orb'], bad: ['', ' \t '] },
  { flag: '--some-env', good: ['OBS_SECRET_2', 'OBS_SECRET_2'], bad: ['', ' ', '2FA', 'A-B'] },
  { flag: '--some-count', good: ['42', 42], bad: ['', ' ', '0x10', '1e', '1e3', 'abc', '-1', '1.5', '101'] },
  { flag: '--some-positive', good: ['2.5', 2.5], bad: ['', ' ', '0x10', '1e', 'abc', '0', '-3', 'Infinity'] },
  { flag: '--some-seconds', good: ['0', 0], bad: ['', ' ', '0x10', '1e', 'abc', '-1', 'NaN'] },
  { flag: '--some-duration', good: ['15m', 900_000], bad: ['', ' ', '15', '1e', 'abc', '0m', '1.5h', ' 1h'] },
  { flag: '--some-choice', good: ['green', 'green'], bad: ['', ' ', 'blue', 'GREEN'] },
  { flag: '--some-list', good: ['7', [7]], bad: ['', ' ', '0x10', 'abc'] },
  {
    flag: '--some-timestamp',
    good: ['2026-01-05T10:00:00+01:00', new Date('2026-01-05T09:00:00.000Z')],
    bad: ['', ' ', 'abc', '2026-02-30'],
  },
  { flag: '--some-job-id', good: ['20260105T000000Z-kit', '20260105T000000Z-kit'], bad: ['', ' ', 'kit-1'] },
];

const keyOf = (flagName: string) => flagName.slice(2).replace(/-/g, '_');
const propertyOf = (flagName: string) =>
  flagName.slice(2).replace(/-([a-z])/g, (_, letter) => letter.toUpperCase());

describe('the option kit from the command line', () => {
  it.each(CASES)('$flag reads $good.0', async ({ flag: name, good: [given, value] }) => {
    const result = await run([name, given]);
    expect(result.exitCode, JSON.stringify(result.summary)).toBe(0);
    expect((result.summary.values as Record<string, unknown>)[propertyOf(name)]).toEqual(value);
  });

  it.each(CASES.flatMap(({ flag: name, bad }) => bad.map((given) => [name, given] as const)))(
    '%s %j is exit 2 naming the flag',
    async (name, given) => {
      const result = await run([name, given]);
      expect(result.exitCode).toBe(2);
      expect(result.summary.diagnostics).toMatchObject({ error_code: 'invalid_usage', flag: name });
      expect((result.summary.diagnostics as { error_message: string }).error_message).toMatch(
        new RegExp(`^${name}: (must|window)`),
      );
      expect(result.summary.diagnostics).toMatchObject({ error_message: expect.stringContaining('got') });
    },
  );
});

describe('the option kit from the config file', () => {
  it.each(CASES)('$flag reads a config value as its flag', async ({ flag: name, good: [given, value] }) => {
    const result = await withConfig(`${keyOf(name)}: ${JSON.stringify(given)}\n`);
    expect(result.exitCode, JSON.stringify(result.summary)).toBe(0);
    expect((result.summary.values as Record<string, unknown>)[propertyOf(name)]).toEqual(value);
  });

  it.each(CASES.flatMap(({ flag: name, bad }) => bad.map((given) => [keyOf(name), given] as const)))(
    '%s: %j is exit 2 naming the key path',
    async (key, given) => {
      const result = await withConfig(`${key}: ${JSON.stringify(given)}\n`);
      expect(result.exitCode).toBe(2);
      const diagnostics = result.summary.diagnostics as { key: string; error_message: string };
      expect(diagnostics).toMatchObject({ error_code: 'invalid_config' });
      expect(diagnostics.key).toMatch(new RegExp(`^${key}(\\.0)?$`));
      expect(diagnostics.error_message).toContain(`kit.yaml: key ${diagnostics.key}: must be`);
    },
  );

  it.each([
    ['some_count', '3.5'],
    ['some_count', 'true'],
    ['some_flag', '"yes"'],
    ['some_flag', '1'],
    ['some_positive', '-0.5'],
    ['some_list', '[1, "x"]'],
  ])('%s: %s (a YAML value of the wrong kind) is exit 2 naming the key path', async (key, yaml) => {
    const result = await withConfig(`${key}: ${yaml}\n`);
    expect(result.exitCode).toBe(2);
    expect((result.summary.diagnostics as { key: string }).key).toMatch(new RegExp(`^${key}(\\.1)?$`));
  });

  it('lets the flag win over the config, and the config over the default', async () => {
    await mkdir(join(root, 'ops'), { recursive: true });
    await writeFile(join(root, 'kit.yaml'), 'some_count: 5\nsome_list: [1, 2]\nsome_flag: true\n');
    const result = await run(['--some-count', '6']);
    expect(result.summary.values).toMatchObject({ someCount: 6, someList: [1, 2], someFlag: true });
  });
});
