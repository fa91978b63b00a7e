import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, realpath, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ContainedPathOptions, readContainedFile, resolveContainedPath } from './contained-path.js';
import { JobError } from './job-error.js';

let base: string;
let root: string;
let sentinel: string;

const SENTINEL_TEXT = 'sentinel: content outside the root\n';
const OPTIONS: ContainedPathOptions = {
  code: 'invalid_input',
  what: 'dataset path',
  source: 'out/dashboard/manifest.json',
};

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'core-contained-'));
  root = join(base, 'root');
  sentinel = join(base, 'sentinel.txt');
  await mkdir(join(root, 'out/dashboard'), { recursive: true });
  await writeFile(join(root, 'out/dashboard/latency.json'), '{"rows":[]}');
  await writeFile(sentinel, SENTINEL_TEXT);
  // An old access time, so that a read of the sentinel would show (relatime updates it then).
  await utimes(sentinel, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function refusal(candidate: unknown, options: Partial<ContainedPathOptions> = {}): Promise<JobError> {
  const error = await resolveContainedPath(root, candidate, { ...OPTIONS, ...options }).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(JobError);
  return error as JobError;
}

async function expectSentinelUntouched(): Promise<void> {
  expect(await readFile(sentinel, 'utf8')).toBe(SENTINEL_TEXT);
}

describe('resolveContainedPath', () => {
  it('resolves a path inside the root to its real path and shows it root-relative', async () => {
    const resolved = await resolveContainedPath(root, 'out/dashboard/../dashboard/latency.json', OPTIONS);
    expect(resolved).toEqual({
      absolute: join(await realRoot(), 'out/dashboard/latency.json'),
      relative: 'out/dashboard/latency.json',
      exists: true,
    });
    expect((await resolveContainedPath(root, join(root, 'out/dashboard/latency.json'), OPTIONS)).exists).toBe(
      true,
    );
  });

  it.each(['../sentinel.txt', '../../../../etc/passwd', '/etc/passwd'])(
    'refuses %s as outside the root, quoted and relative, without reading it',
    async (candidate) => {
      const atimeBefore = (await stat(sentinel)).atimeMs;
      const error = await refusal(candidate);
      expect(error.code).toBe('invalid_input');
      expect(error.details).toMatchObject({ reason: 'outside_root', file: 'out/dashboard/manifest.json' });
      expect(error.message).toMatch(
        /^dataset path "\.\.\/[^"]*" named in "out\/dashboard\/manifest.json" is outside the workspace root$/,
      );
      expect((await stat(sentinel)).atimeMs).toBe(atimeBefore);
    },
  );

  it('refuses a link inside the root that leads outside, also for a folder above a file still to be written', async () => {
    await symlink(sentinel, join(root, 'out/dashboard/linked.json'));
    await symlink(base, join(root, 'out/escape'));
    expect((await refusal('out/dashboard/linked.json')).message).toContain(
      'leads outside the workspace root through a symbolic link',
    );
    expect((await refusal('out/escape/new-file.json', { mayBeMissing: true })).details.reason).toBe(
      'outside_root',
    );
    expect((await refusal('out/escape/sentinel.txt')).details.reason).toBe('outside_root');
    await expectSentinelUntouched();
  });

  it('follows a link that stays inside the root', async () => {
    await symlink(join(root, 'out/dashboard'), join(root, 'current'));
    const resolved = await resolveContainedPath(root, 'current/latency.json', OPTIONS);
    expect(resolved.absolute).toBe(join(await realRoot(), 'out/dashboard/latency.json'));
    expect(resolved.relative).toBe('current/latency.json');
  });

  it('follows a link into a folder the operator names in OBS_DATA_ROOTS, and nowhere else', async () => {
    const research = join(base, 'research');
    await mkdir(join(research, 'runs'), { recursive: true });
    await writeFile(join(research, 'runs/index.csv'), 'run_id\n');
    await symlink(join(research, 'runs'), join(root, 'runs'));
    await symlink(base, join(root, 'out/escape'));
    expect((await refusal('runs/index.csv')).message).toContain('OBS_DATA_ROOTS');
    process.env.OBS_DATA_ROOTS = `/nonexistent-folder:${research}`;
    try {
      const resolved = await resolveContainedPath(root, 'runs/index.csv', OPTIONS);
      expect(resolved.absolute).toBe(join(await realpath(research), 'runs/index.csv'));
      expect(resolved.relative).toBe('runs/index.csv');
      // a base folder reached through the link contains its own paths
      await resolveContainedPath(root, 'index.csv', { ...OPTIONS, base: 'runs' });
      expect((await refusal('out/escape/sentinel.txt')).details.reason).toBe('outside_root');
      process.env.OBS_DATA_ROOTS = 'relative/research';
      expect((await refusal('runs/index.csv')).code).toBe('invalid_config');
    } finally {
      delete process.env.OBS_DATA_ROOTS;
    }
    await expectSentinelUntouched();
  });

  it('accepts only what the source may name: patterns, folder prefixes and exact paths', async () => {
    const allowed = [/^out\/dashboard\/[a-z_]+\.json$/, 'ops/history/', 'configs/exact.yaml'];
    expect(
      (await resolveContainedPath(root, 'out/dashboard/latency.json', { ...OPTIONS, allowed })).exists,
    ).toBe(true);
    await mkdir(join(root, 'ops/history'), { recursive: true });
    await writeFile(join(root, 'ops/history/a.json'), '{}');
    expect((await resolveContainedPath(root, 'ops/history/a.json', { ...OPTIONS, allowed })).exists).toBe(
      true,
    );
    const error = await refusal('out/dashboard/../../ops/automation_runs.sequence', { allowed });
    expect(error.details.reason).toBe('not_allowed');
    expect(error.message).toBe(
      'dataset path "ops/automation_runs.sequence" named in "out/dashboard/manifest.json" is not a path that file may name',
    );
  });

  it('refuses what is not a regular file, and a missing file unless it may be missing', async () => {
    execFileSync('mkfifo', [join(root, 'out/dashboard/pipe.json')]);
    expect((await refusal('out/dashboard/pipe.json')).message).toContain('is a FIFO, not a regular file');
    expect((await refusal('out/dashboard')).message).toContain('is a folder, not a regular file');
    expect((await resolveContainedPath(root, 'out/dashboard', { ...OPTIONS, type: 'folder' })).exists).toBe(
      true,
    );
    expect((await refusal('out/dashboard/missing.json')).details.reason).toBe('missing');
    expect(
      await resolveContainedPath(root, 'out/new/missing.json', { ...OPTIONS, mayBeMissing: true }),
    ).toMatchObject({
      relative: 'out/new/missing.json',
      exists: false,
    });
    await symlink(join(root, 'nowhere'), join(root, 'out/dashboard/dangling.json'));
    expect((await refusal('out/dashboard/dangling.json', { mayBeMissing: true })).message).toContain(
      'leads nowhere',
    );
  });

  it('contains paths in a base folder when one is given', async () => {
    const bundle = 'out/dashboard';
    const inside = await resolveContainedPath(root, 'latency.json', { ...OPTIONS, base: bundle });
    expect(inside.relative).toBe('out/dashboard/latency.json');
    const error = await refusal('../other.json', { base: bundle });
    expect(error.message).toContain('is outside its folder');
  });

  it('refuses values that are not usable paths, escaping what it shows', async () => {
    expect((await refusal(42)).details.reason).toBe('invalid');
    expect((await refusal('')).details.reason).toBe('invalid');
    expect((await refusal('a\0b')).details.reason).toBe('invalid');
    const error = await refusal('../evil\n\u202ename.json');
    expect(error.message).toContain('"../evil\\n\\u202ename.json"');
    const long = await refusal(`../${'x'.repeat(10_000)}`);
    expect(long.message.length).toBeLessThan(400);
  });
});

describe('readContainedFile', () => {
  it('reads a contained file under its kind cap, and refuses an escaping one without reading it', async () => {
    const read = await readContainedFile(root, 'out/dashboard/latency.json', { ...OPTIONS, kind: 'dataset' });
    expect(read.bytes?.toString()).toBe('{"rows":[]}');
    await symlink(sentinel, join(root, 'out/dashboard/linked.json'));
    const error = await readContainedFile(root, 'out/dashboard/linked.json', {
      ...OPTIONS,
      kind: 'dataset',
    }).catch((caught: unknown) => caught as JobError);
    expect(error).toBeInstanceOf(JobError);
    expect(JSON.stringify((error as JobError).details) + (error as JobError).message).not.toContain(
      'sentinel:',
    );
    await expectSentinelUntouched();
  });
});

const realRoot = () => realpath(root);
