import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { expandRootPlaceholders, loadYamlConfig, resolveAgainstRoot } from './config-loader.js';
import { JobError } from './job-error.js';

const REFERENCE_CONFIGS = fileURLToPath(
  new URL('../../../../shared/data/reference-workspace/configs/observability/', import.meta.url),
);

const WEEKLY = z.strictObject({
  include: z.array(z.string()).default([]),
  destinations: z
    .strictObject({
      webhooks: z.array(z.string()).default([]),
      fail_on_error: z.boolean().default(true),
      dry_run: z.boolean().default(false),
    })
    .default({ webhooks: [], fail_on_error: true, dry_run: false }),
  paths: z.strictObject({ runs_root: z.string() }).optional(),
});

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'core-config-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function writeConfig(text: string, name = 'weekly.yaml'): Promise<string> {
  await mkdir(join(root, 'configs'), { recursive: true });
  await writeFile(join(root, 'configs', name), text);
  return `configs/${name}`;
}

async function failure(run: Promise<unknown>): Promise<JobError> {
  try {
    await run;
  } catch (error) {
    if (error instanceof JobError) return error;
    throw error;
  }
  throw new Error('expected a JobError');
}

const load = (path: string, explicit = true) =>
  loadYamlConfig(WEEKLY, path, { root, explicit, flag: '--config' });

describe('loadYamlConfig', () => {
  it('names a bad value in prose: quotes as written, controls and invisible characters escaped', async () => {
    const schema = z.strictObject({
      window: z.unknown().refine(() => false, { message: 'must be a duration, got "1\u001b[31mx\u202e"' }),
    });
    const path = await writeConfig('window: x\n');
    const error = await failure(loadYamlConfig(schema, path, { root, explicit: true, flag: '--config' }));
    expect(error.message).toContain('key window: must be a duration, got "1\\u001b[31mx\\u202e"');
    expect(error.details.issues).toEqual([
      { key: 'window', message: 'must be a duration, got "1\\u001b[31mx\\u202e"' },
    ]);
  });

  it('loads and types a valid file, resolving the path against the root', async () => {
    const path = await writeConfig('include: [runs, portfolio]\ndestinations:\n  dry_run: true\n');
    const loaded = await load(path);
    expect(loaded).toEqual({
      path: join(root, 'configs/weekly.yaml'),
      exists: true,
      config: {
        include: ['runs', 'portfolio'],
        destinations: { webhooks: [], fail_on_error: true, dry_run: true },
      },
    });
  });

  it('names the key path of an unknown key', async () => {
    const path = await writeConfig('destinations:\n  dry_run: false\n  bogus: 1\n');
    const error = await failure(load(path));
    expect(error.code).toBe('invalid_config');
    expect(error.exitCode).toBe(2);
    expect(error.details.key).toBe('destinations.bogus');
    expect(error.message).toContain(`${join(root, 'configs/weekly.yaml')}: key destinations.bogus`);
  });

  it('names the key path of a value of the wrong type', async () => {
    const path = await writeConfig('destinations:\n  fail_on_error: "yes please"\n');
    const error = await failure(load(path));
    expect(error.details.key).toBe('destinations.fail_on_error');
    expect(error.message).toMatch(/key destinations\.fail_on_error: .*boolean/);
  });

  it('names the index inside a list', async () => {
    const path = await writeConfig('include: [runs, 42]\n');
    const error = await failure(load(path));
    expect(error.details.key).toBe('include.1');
  });

  it('reports invalid YAML with the file and line', async () => {
    const path = await writeConfig('include:\n  - runs\ndestinations: [unclosed\n');
    const error = await failure(load(path));
    expect(error.code).toBe('invalid_config');
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(new RegExp(`^${join(root, 'configs/weekly.yaml')}:\\d+: invalid YAML`));
    expect(error.details.line).toEqual(expect.any(Number));
  });

  it('rejects a key given twice, with its line', async () => {
    const path = await writeConfig('include: [runs]\ninclude: [portfolio]\n');
    const error = await failure(load(path));
    expect(error.details.line).toBe(2);
  });

  it('an explicitly named file that does not exist is exit 2 naming the flag and the file', async () => {
    const error = await failure(
      loadYamlConfig(WEEKLY, 'configs/missing.yaml', { root, explicit: true, flag: '--alert-config' }),
    );
    expect(error.code).toBe('invalid_config');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(`--alert-config ${join(root, 'configs/missing.yaml')}`);
  });

  it('refuses an alias bomb (billion laughs) as invalid_config naming the file', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [index, name] of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].entries()) {
      const previous = String.fromCharCode(97 + index);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const error = await failure(load(await writeConfig(`${levels.join('\n')}\n`)));
    expect(error.code).toBe('invalid_config');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      `${join(root, 'configs/weekly.yaml')}: invalid YAML: its aliases expand more than 100 times (a resource-exhaustion pattern)`,
    );
  });

  it('refuses nesting deeper than 64 levels in every style, again and again in one process', async () => {
    const deep = [
      `include: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
      `${'- '.repeat(10_000)}x\n`,
      `a: ${'{a: '.repeat(5_000)}1${'}'.repeat(5_000)}\n`,
      `${Array.from({ length: 80 }, (_, level) => `${' '.repeat(level)}k${level}:`).join('\n')} 1\n`,
    ];
    // A second deep document in one process is what used to abort Node inside the yaml package.
    for (const text of [...deep, ...deep]) {
      const error = await failure(load(await writeConfig(text)));
      expect(error.code).toBe('invalid_config');
      expect(error.message).toMatch(/invalid YAML: nests deeper than 64 levels$/);
    }
  });

  it('never quotes the file in parser messages', async () => {
    for (const text of [
      'include: *secret_alias_name\n',
      'a: b: c\nsecret_token: "x" "y"\n',
      '- a\nsecret_key: c\n',
    ]) {
      const error = await failure(load(await writeConfig(text)));
      expect(error.code).toBe('invalid_config');
      expect(error.message).not.toMatch(/secret/);
    }
  });

  it('refuses a FIFO or a device as the config at once, naming the flag and the file', async () => {
    await mkdir(join(root, 'configs'), { recursive: true });
    execFileSync('mkfifo', [join(root, 'configs/weekly.yaml')]);
    const error = await failure(load('configs/weekly.yaml'));
    expect(error.code).toBe('invalid_config');
    expect(error.message).toBe(
      `--config ${join(root, 'configs/weekly.yaml')}: is a FIFO, not a regular file`,
    );
    expect((await failure(load('/dev/zero'))).message).toContain('is a character device');
  });

  it('a default path that does not exist means the built-in defaults', async () => {
    const loaded = await load('configs/missing.yaml', false);
    expect(loaded.exists).toBe(false);
    expect(loaded.config).toEqual({
      include: [],
      destinations: { webhooks: [], fail_on_error: true, dry_run: false },
    });
  });

  it('an empty file and a byte-order mark are fine', async () => {
    expect((await load(await writeConfig(''))).config.include).toEqual([]);
    expect((await load(await writeConfig('\uFEFFinclude: [runs]\n'))).config.include).toEqual(['runs']);
  });

  it('expands {ROOT} in every string before validation', async () => {
    const path = await writeConfig('paths:\n  runs_root: "{ROOT}/runs"\n');
    expect((await load(path)).config.paths?.runs_root).toBe(`${root}/runs`);
  });
});

describe('expandRootPlaceholders', () => {
  it('replaces every occurrence in nested strings and leaves other values alone', () => {
    expect(
      expandRootPlaceholders({ a: ['{ROOT}/x', 1, null, true], b: { c: '{ROOT}:{ROOT}' } }, '/ws'),
    ).toEqual({ a: ['/ws/x', 1, null, true], b: { c: '/ws:/ws' } });
  });
});

describe('resolveAgainstRoot', () => {
  it('resolves relative paths against the root and keeps absolute ones', () => {
    expect(resolveAgainstRoot('/ws', 'ops/x.log')).toBe('/ws/ops/x.log');
    expect(resolveAgainstRoot('/ws', '/var/x.log')).toBe('/var/x.log');
  });
});

describe('the earlier tooling’s configs', () => {
  it.skipIf(!existsSync(REFERENCE_CONFIGS))('every file parses as YAML and loads unchanged', async () => {
    const files = (await readdir(REFERENCE_CONFIGS)).filter((name) => name.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) {
      const loaded = await loadYamlConfig(z.record(z.string(), z.unknown()), join(REFERENCE_CONFIGS, name), {
        root,
        explicit: true,
        flag: '--config',
      });
      expect(loaded.exists, name).toBe(true);
      expect(Object.keys(loaded.config).length, name).toBeGreaterThan(0);
      expect(JSON.stringify(loaded.config), name).not.toContain('{ROOT}');
    }
  });
});
