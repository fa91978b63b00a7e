import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryBundle } from './bundle-history.js';
import { deleteExpiredBundles, planRetention } from './history-retention.js';
import type { DashboardManifest } from './manifest.js';

const NOW = new Date('2026-03-01T00:00:00Z');

function manifestAt(sequence: number, generatedAt: string): DashboardManifest {
  return {
    schema_version: '1.0',
    sequence,
    generated_at: generatedAt,
    job_id: `2026010${sequence}T000000Z-dashboard`,
    datasets: [
      {
        dataset: 'latency',
        path: 'latency.json',
        checksum_sha256: 'a'.repeat(64),
        row_count: sequence,
        generated_at: generatedAt,
        source_hash: 'b'.repeat(64),
      },
    ],
    provenance: { command: 'obs-dashboard', commit_sha: 'x', inputs: ['ops'], environment: 'production' },
  };
}

function bundle(folder: string, sequence: number, generatedAt: string): HistoryBundle {
  return { folder, manifest: manifestAt(sequence, generatedAt) };
}

describe('planRetention', () => {
  it('selects bundles older than the retention by generated_at (56 days before now: 2026-01-04)', () => {
    const bundles = [
      bundle('/h/1', 1, '2025-12-01T00:00:00Z'),
      bundle('/h/2', 2, '2026-01-03T23:59:59Z'),
      bundle('/h/3', 3, '2026-01-04T00:00:00Z'),
      bundle('/h/4', 4, '2026-02-28T00:00:00Z'),
    ];
    const plan = planRetention(bundles, 56, NOW);
    expect(plan.expired.map((item) => item.folder)).toEqual(['/h/1', '/h/2']);
  });

  it('never selects the newest bundle, however old', () => {
    const bundles = [bundle('/h/1', 1, '2025-01-01T00:00:00Z'), bundle('/h/2', 2, '2025-02-01T00:00:00Z')];
    expect(planRetention(bundles, 56, NOW).expired.map((item) => item.folder)).toEqual(['/h/1']);
  });

  it('keeps and reports bundles whose manifest cannot be read', () => {
    const broken: HistoryBundle = { folder: '/h/x', manifest: null, problem: 'no manifest.json' };
    const plan = planRetention([broken, bundle('/h/1', 1, '2026-02-28T00:00:00Z')], 56, NOW);
    expect(plan.expired).toEqual([]);
    expect(plan.unreadable).toEqual([broken]);
  });
});

describe('deleteExpiredBundles', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'retention-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function makeBundle(name: string, sequence: number, generatedAt: string) {
    const folder = join(dir, 'history', name);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'manifest.json'), '{}');
    return { folder, manifest: manifestAt(sequence, generatedAt) };
  }

  it('records each bundle in the archive manifest, then deletes it', async () => {
    const old = await makeBundle('a', 1, '2025-12-01T00:00:00Z');
    const archive = join(dir, 'archive.jsonl');
    const lines = await deleteExpiredBundles([old], archive, NOW, (path) => path.replace(`${dir}/`, ''));
    expect(existsSync(old.folder)).toBe(false);
    const recorded = (await readFile(archive, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(recorded).toEqual(lines);
    expect(recorded).toEqual([
      {
        job_id: old.manifest.job_id,
        sequence: 1,
        deleted_at: NOW.toISOString(),
        path: 'history/a',
        datasets: [{ dataset: 'latency', checksum_sha256: 'a'.repeat(64), row_count: 1 }],
      },
    ]);
  });

  it('does not record a bundle twice when a crash left it recorded but not deleted', async () => {
    const old = await makeBundle('a', 1, '2025-12-01T00:00:00Z');
    const archive = join(dir, 'archive.jsonl');
    const earlier = { job_id: old.manifest.job_id, sequence: 1, deleted_at: '2026-02-28T00:00:00.000Z' };
    await writeFile(archive, `not json\n${JSON.stringify(earlier)}\n`);
    await deleteExpiredBundles([old], archive, NOW, (path) => path);
    expect((await readFile(archive, 'utf8')).trim().split('\n')).toHaveLength(2);
    expect(existsSync(old.folder)).toBe(false);
  });

  it('does nothing without expired bundles', async () => {
    const archive = join(dir, 'archive.jsonl');
    expect(await deleteExpiredBundles([], archive, NOW, (path) => path)).toEqual([]);
    expect(existsSync(archive)).toBe(false);
  });
});
