import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HashedPrefix, hashedPrefixOf, matchHashedPrefix, WholeLineHasher } from './hashed-prefix.js';
import { forEachFileLine } from './line-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hashed-prefix-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const OPTIONS = { kind: 'run_log' as const, shown: 'log' };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const prefixOf = (text: string): HashedPrefix => ({
  bytes: Buffer.byteLength(text),
  lines: text.split('\n').length - 1,
  sha256: sha256(text),
});

/** Reads the file through a hasher, resuming after `start` when it matches; the hasher's result. */
async function hashThrough(path: string, start: HashedPrefix | null) {
  const hash = start ? await matchHashedPrefix(path, OPTIONS, start) : null;
  const hasher = hash && start ? new WholeLineHasher(hash, start) : new WholeLineHasher();
  const from = hash && start ? start.bytes : 0;
  await forEachFileLine(path, { ...OPTIONS, startOffset: from, onChunk: hasher.onChunk }, () => undefined);
  return { resumed: hash !== null, result: hasher.result() };
}

describe('a hashed prefix of a line file', () => {
  it('matches a file that still starts with the same lines, and the resumed hash is the whole file’s', async () => {
    const path = join(dir, 'log');
    await writeFile(path, 'a\nbb\n');
    const first = await hashThrough(path, null);
    expect(first).toEqual({ resumed: false, result: prefixOf('a\nbb\n') });
    await writeFile(path, 'a\nbb\nccc\n');
    expect(await hashThrough(path, first.result)).toEqual({
      resumed: true,
      result: prefixOf('a\nbb\nccc\n'),
    });
  });

  it.each([
    ['changed in place, same length', 'a\nbc\nccc\n'],
    ['cut', 'a\nb'],
    ['a line inserted', 'z\na\nbb\n'],
    ['the prefix’s last line grown', 'a\nbbx\n'],
  ])('does not match a file %s', async (_what, text) => {
    const path = join(dir, 'log');
    await writeFile(path, text);
    expect(await matchHashedPrefix(path, OPTIONS, prefixOf('a\nbb\n'))).toBeNull();
  });

  it('does not match a prefix ending inside a line, nor a missing file', async () => {
    const path = join(dir, 'log');
    await writeFile(path, 'a\nbb\n');
    const cut = { bytes: 3, lines: 1, sha256: sha256('a\nb') };
    expect(await matchHashedPrefix(path, OPTIONS, cut)).toBeNull();
    expect(await matchHashedPrefix(join(dir, 'missing'), OPTIONS, prefixOf('a\n'))).toBeNull();
  });

  it('gives no prefix for a file whose last line has no newline yet', async () => {
    const path = join(dir, 'log');
    await writeFile(path, 'a\nbb');
    expect((await hashThrough(path, null)).result).toBeNull();
  });

  it('reads a prefix back only when every field is well formed', () => {
    const good = prefixOf('a\n');
    expect(hashedPrefixOf(good)).toEqual(good);
    expect(hashedPrefixOf({ ...good, bytes: -1 })).toBeNull();
    expect(hashedPrefixOf({ ...good, lines: 1.5 })).toBeNull();
    expect(hashedPrefixOf({ ...good, sha256: 'A'.repeat(64) })).toBeNull();
  });
});
