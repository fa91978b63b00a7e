import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendChunks, appendLines, commitTempFile, writeFileAtomic } from './atomic-file.js';
import { sha256File, sha256Hex } from './checksum.js';
import { JobError } from './job-error.js';
import { hostTag, tempPathFor } from './temp-files.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'core-atomic-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates missing folders and replaces the target, leaving no temporary file', async () => {
    const target = join(dir, 'nested/deeper/out.json');
    await writeFileAtomic(target, '{"v":1}\n');
    await writeFileAtomic(target, Buffer.from('{"v":2}\n'));
    expect(await readFile(target, 'utf8')).toBe('{"v":2}\n');
    expect(await readdir(join(dir, 'nested/deeper'))).toEqual(['out.json']);
  });

  it("sweeps abandoned temporaries of its own target and of missing files, not another existing file's", async () => {
    const deadPid = 2 ** 22 + 17;
    const own = `.out.json.tmp-${hostTag()}-${deadPid}-0123abcd`;
    const neverWritten = `.20251014T010000Z-weekly.json.tmp-${hostTag()}-${deadPid}-89abcdef`;
    // a replacement the latency rotation journal may still roll forward over the raw file
    const staged = `.signal_latency.csv.tmp-${hostTag()}-${deadPid}-4567cdef`;
    await writeFile(join(dir, 'signal_latency.csv'), 'raw\n');
    for (const name of [own, neverWritten, staged]) await writeFile(join(dir, name), 'torn');
    await writeFileAtomic(join(dir, 'out.json'), '{}\n');
    expect((await readdir(dir)).sort()).toEqual(['out.json', 'signal_latency.csv', staged].sort());
  });

  it('removes its temporary file and keeps the old target when the rename fails', async () => {
    const target = join(dir, 'target');
    await writeFileAtomic(join(target, 'inner'), 'x');
    // The target is now a non-empty folder: renaming a file over it fails.
    await expect(writeFileAtomic(target, 'replacement')).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['target']);
  });

  it('names the target and its folder when a folder on the way is a file, never the temporary file', async () => {
    await writeFile(join(dir, 'blocked'), 'a file where a folder is expected');
    const error = await writeFileAtomic(join(dir, 'blocked/out/x.json'), '{}').catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(JobError);
    expect(error).toMatchObject({
      code: 'output_not_writable',
      details: { folder: join(dir, 'blocked/out') },
    });
    expect((error as JobError).message).not.toContain('.tmp-');
    // The file is the folder itself: mkdir finds it in the way (EEXIST).
    const direct = await writeFileAtomic(join(dir, 'blocked/x.json'), '{}').catch(
      (caught: unknown) => caught,
    );
    expect(direct).toMatchObject({ code: 'output_not_writable', details: { folder: join(dir, 'blocked') } });
    expect((direct as JobError).message).toContain(join(dir, 'blocked/x.json'));
  });

  it('replaces a link at the target instead of writing through it', async () => {
    await writeFile(join(dir, 'elsewhere.json'), 'untouched');
    await symlink(join(dir, 'elsewhere.json'), join(dir, 'heartbeat.json'));
    await writeFileAtomic(join(dir, 'heartbeat.json'), 'new');
    expect(await readFile(join(dir, 'elsewhere.json'), 'utf8')).toBe('untouched');
    expect(await readFile(join(dir, 'heartbeat.json'), 'utf8')).toBe('new');
  });
});

describe('commitTempFile', () => {
  it('moves a finished temporary file over the target', async () => {
    const target = join(dir, 'rollup.csv');
    await writeFile(target, 'old\n');
    const temp = tempPathFor(target);
    await writeFile(temp, 'new\n');
    await commitTempFile(temp, target);
    expect(await readFile(target, 'utf8')).toBe('new\n');
    expect(await readdir(dir)).toEqual(['rollup.csv']);
  });
});

describe('appendLines', () => {
  it('appends whole lines and creates the file and its folder', async () => {
    const target = join(dir, 'ops/manifest.jsonl');
    await appendLines(target, ['{"a":1}']);
    await appendLines(target, ['{"a":2}', '{"a":3}']);
    await appendLines(target, []);
    expect(await readFile(target, 'utf8')).toBe('{"a":1}\n{"a":2}\n{"a":3}\n');
  });

  it('starts a new line after a torn last line instead of gluing onto it', async () => {
    const target = join(dir, 'manifest.jsonl');
    await writeFile(target, '{"a":1}\n{"a":');
    await appendLines(target, ['{"a":2}']);
    expect(await readFile(target, 'utf8')).toBe('{"a":1}\n{"a":\n{"a":2}\n');
  });

  it('refuses a symbolic link at the target and leaves the file it points to unchanged', async () => {
    await writeFile(join(dir, 'elsewhere'), 'untouched\n');
    await symlink(join(dir, 'elsewhere'), join(dir, 'automation_runs.log'));
    const error = await appendLines(join(dir, 'automation_runs.log'), ['{}']).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'output_not_writable', details: { reason: 'symlink' } });
    expect((error as JobError).message).toContain('is a symbolic link; appends never follow links');
    expect(await readFile(join(dir, 'elsewhere'), 'utf8')).toBe('untouched\n');
  });

  it('refuses a FIFO at the target at once instead of writing into it', async () => {
    execFileSync('mkfifo', [join(dir, 'manifest.jsonl')]);
    const error = await appendLines(join(dir, 'manifest.jsonl'), ['{}']).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'output_not_writable', details: { reason: 'not_regular' } });
    expect((error as JobError).message).toContain('is a FIFO, not a regular file');
  });
});

describe('appendChunks', () => {
  it('writes a header into a new file, streams the pieces after it, and starts on a fresh line after a torn one', async () => {
    const target = join(dir, 'rejects.csv');
    async function* pieces() {
      yield Buffer.from('1,"');
      yield Buffer.alloc(3 * 1024 * 1024, 'x');
      yield Buffer.from('"\n');
    }
    await appendChunks(target, pieces(), { header: 'line,raw' });
    const text = await readFile(target, 'utf8');
    expect(text.startsWith('line,raw\n1,"xxx')).toBe(true);
    expect(text.length).toBe('line,raw\n1,"'.length + 3 * 1024 * 1024 + 2);
    await writeFile(target, 'line,raw\ntorn');
    await appendChunks(target, [Buffer.from('2,"y"\n')], { header: 'line,raw' });
    expect(await readFile(target, 'utf8')).toBe('line,raw\ntorn\n2,"y"\n');
  });

  it('refuses a link at the target and leaves the file as it was when a piece fails', async () => {
    await writeFile(join(dir, 'elsewhere'), 'kept\n');
    await symlink(join(dir, 'elsewhere'), join(dir, 'linked.csv'));
    await expect(appendChunks(join(dir, 'linked.csv'), [Buffer.from('x\n')])).rejects.toMatchObject({
      code: 'output_not_writable',
    });
    const target = join(dir, 'partial.csv');
    await writeFile(target, 'before\n');
    async function* failing() {
      yield Buffer.from('half of a row');
      throw new Error('the source went away');
    }
    await expect(appendChunks(target, failing())).rejects.toThrow('the source went away');
    expect(await readFile(target, 'utf8')).toBe('before\n');
    expect(await readFile(join(dir, 'elsewhere'), 'utf8')).toBe('kept\n');
  });
});

describe('checksums', () => {
  it('sha256File streams the exact bytes on disk and agrees with sha256Hex', async () => {
    const target = join(dir, 'data.bin');
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 7, 0xab);
    await writeFile(target, bytes);
    expect(await sha256File(target)).toBe(sha256Hex(bytes));
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('sha256File refuses a FIFO, a device and a link instead of reading them, and keeps ENOENT for a missing file', async () => {
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    await expect(sha256File(join(dir, 'pipe'))).rejects.toMatchObject({ details: { file_type: 'FIFO' } });
    await expect(sha256File('/dev/zero')).rejects.toMatchObject({
      details: { file_type: 'character device' },
    });
    await writeFile(join(dir, 'real'), 'x');
    await symlink(join(dir, 'real'), join(dir, 'link'));
    await expect(sha256File(join(dir, 'link'))).rejects.toMatchObject({ details: { reason: 'symlink' } });
    await expect(sha256File(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
