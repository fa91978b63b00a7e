import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendLines, commitTempFile, tempPathFor, writeFileAtomic } from './atomic-file.js';
import { sha256File, sha256Hex } from './checksum.js';

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

  it('removes its temporary file and keeps the old target when the rename fails', async () => {
    const target = join(dir, 'target');
    await writeFileAtomic(join(target, 'inner'), 'x');
    // The target is now a non-empty folder: renaming a file over it fails.
    await expect(writeFileAtomic(target, 'replacement')).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['target']);
  });

  it('puts the temporary file beside the target, so the rename never crosses file systems', () => {
    expect(tempPathFor('/ws/ops/x.json')).toMatch(/^\/ws\/ops\/\.x\.json\.tmp-\d+-[0-9a-f]{8}$/);
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
});

describe('checksums', () => {
  it('sha256File streams the exact bytes on disk and agrees with sha256Hex', async () => {
    const target = join(dir, 'data.bin');
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 7, 0xab);
    await writeFile(target, bytes);
    expect(await sha256File(target)).toBe(sha256Hex(bytes));
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
