import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pruneArchiveManifest } from './archive-manifest-retention.js';

const NOW = new Date('2026-03-01T00:00:00Z');
let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'archive-retention-'));
  path = join(dir, 'archive.jsonl');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const line = (deletedAt: string) =>
  JSON.stringify({ job_id: 'x', deleted_at: deletedAt, path: 'p', datasets: [] });

describe('pruneArchiveManifest', () => {
  it('drops records older than the retention, keeping the other lines byte for byte', async () => {
    const kept = ['not json', line('2026-02-01T00:00:00Z'), '{"no_date": true}'];
    await writeFile(
      path,
      `${line('2025-01-01T00:00:00Z')}\n${kept[0]}\n${line('2025-01-02T00:00:00Z')}\n${kept[1]}\n${kept[2]}\n`,
    );
    expect(await pruneArchiveManifest(path, 30, NOW, 'archive.jsonl')).toBe(2);
    expect(await readFile(path, 'utf8')).toBe(`${kept.join('\n')}\n`);
  });

  it('waits until the oldest record is a day past the retention before rewriting', async () => {
    const text = `${line('2026-01-30T12:00:00Z')}\n`;
    await writeFile(path, text);
    expect(await pruneArchiveManifest(path, 30, NOW, 'archive.jsonl')).toBe(0);
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('reads only the first record while it is recent (records are appended oldest first)', async () => {
    // a record out of order, as a clock set back would leave it, waits for the first to expire
    const text = `${line('2026-02-20T00:00:00Z')}\n${line('2025-01-01T00:00:00Z')}\n`;
    await writeFile(path, text);
    expect(await pruneArchiveManifest(path, 30, NOW, 'archive.jsonl')).toBe(0);
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('reads the whole file when its first line is not a record', async () => {
    await writeFile(path, `\nnot json\n${line('2025-01-01T00:00:00Z')}\n`);
    expect(await pruneArchiveManifest(path, 30, NOW, 'archive.jsonl')).toBe(1);
    expect(await readFile(path, 'utf8')).toBe('not json\n');
  });

  it('does nothing without a file', async () => {
    expect(await pruneArchiveManifest(path, 30, NOW, 'archive.jsonl')).toBe(0);
    expect(existsSync(path)).toBe(false);
  });
});
