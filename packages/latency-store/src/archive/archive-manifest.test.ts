import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobError } from '@obs-automation/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../test-support/temp-dir.js';
import {
  type ArchiveManifestEntry,
  appendArchiveManifestEntry,
  appendArchiveManifestLines,
  currentArchives,
  readArchiveManifest,
} from './archive-manifest.js';

const entry: ArchiveManifestEntry = {
  job_id: '20260706T003000Z-latency',
  path: 'ops/signal_latency_archive/2026/07/20260706T003000Z-latency.csv.gz',
  sha256: 'a'.repeat(64),
  row_count: 2,
  first_ts: '2026-07-05T00:00:00.000Z',
  last_ts: '2026-07-05T01:00:00.000Z',
  reason: 'retention',
  rotated_at: '2026-07-06T00:30:00.000Z',
};

describe('archive manifest', () => {
  const dir = useTempDir('archive-manifest-');
  let manifest: { path: string; label: string };
  beforeEach(() => {
    manifest = { path: join(dir(), 'manifest.jsonl'), label: 'ops/manifest.jsonl' };
  });

  it('reads back what it appends', async () => {
    await appendArchiveManifestEntry(manifest.path, entry);
    await appendArchiveManifestEntry(manifest.path, { ...entry, job_id: '20260707T003000Z-latency' });
    const read = await readArchiveManifest(manifest);
    expect(read.issues).toEqual([]);
    expect(read.entries).toEqual([
      { ...entry, line: 1, firstMs: Date.parse(entry.first_ts), lastMs: Date.parse(entry.last_ts) },
      expect.objectContaining({ job_id: '20260707T003000Z-latency', line: 2 }),
    ]);
  });

  it('validates every line against the schema it was written with, reporting lines it cannot use', async () => {
    const lines = [
      JSON.stringify(entry),
      '{"path":',
      '',
      '[]',
      JSON.stringify({ ...entry, sha256: 'A'.repeat(64) }),
      JSON.stringify({ ...entry, path: '/etc/passwd.csv.gz' }),
      JSON.stringify({ ...entry, extra: 1 }),
      JSON.stringify({ ...entry, first_ts: 'yesterday' }),
    ];
    await writeFile(manifest.path, `${lines.join('\n')}\n`);
    const read = await readArchiveManifest(manifest);
    expect(read.entries.map((item) => item.line)).toEqual([1]);
    expect(read.issues.map((issue) => issue.line)).toEqual([2, 4, 5, 6, 7, 8]);
    // A torn line is located, never quoted.
    expect(read.issues[0]?.message).toMatch(/^is not valid JSON: .+ at line 2, column \d+$/);
    expect(read.issues[1]?.message).toBe('not a JSON object');
    expect(read.issues[2]?.message).toMatch(/signal_latency_archive\.schema\.json: \/sha256/);
    // Messages never quote the file's content.
    expect(JSON.stringify(read.issues)).not.toContain('passwd');
  });

  it('treats a missing or empty manifest as one without entries', async () => {
    expect(await readArchiveManifest(manifest)).toEqual({ entries: [], deletions: [], issues: [] });
    await writeFile(manifest.path, '\n');
    expect(await readArchiveManifest(manifest)).toEqual({ entries: [], deletions: [], issues: [] });
  });

  it('refuses to append an entry the schema rejects, writing nothing', async () => {
    const error = await appendArchiveManifestEntry(manifest.path, { ...entry, row_count: 0 }).catch(
      (caught: unknown) => caught,
    );
    expect((error as JobError).code).toBe('schema_validation_failed');
    await expect(readFile(manifest.path)).rejects.toThrow();
  });

  it('counts each archive by its last line, without what a compaction replaced or deleted', async () => {
    const day = 'ops/signal_latency_archive/2026/07/2026-07-06.csv.gz';
    const perRun = [entry.path, entry.path.replace('003000Z', '004500Z')];
    await appendArchiveManifestLines(manifest.path, [
      entry,
      { ...entry, job_id: '20260706T004500Z-latency', path: perRun[1] as string },
      { ...entry, path: day, bytes: 100, sha256: 'b'.repeat(64) },
      {
        ...entry,
        path: day,
        bytes: 200,
        sha256: 'c'.repeat(64),
        row_count: 6,
        reason: 'compaction',
        replaces: perRun,
      },
      ...perRun.map((path) => ({
        event: 'deleted' as const,
        job_id: '20260707T000000Z-compact-latency',
        path,
        sha256: entry.sha256,
        row_count: 2,
        reason: 'compacted' as const,
        into: day,
        deleted_at: '2026-07-07T00:00:00.000Z',
      })),
    ]);
    const read = await readArchiveManifest(manifest);
    expect(read.issues).toEqual([]);
    expect(read.deletions.map((line) => line.path)).toEqual(perRun);
    expect(currentArchives(read).map((line) => [line.path, line.sha256])).toEqual([[day, 'c'.repeat(64)]]);
  });
});
