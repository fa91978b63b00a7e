import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HistoryReference, referenceLineText } from '@obs-automation/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryBundle } from './bundle-history.js';
import { deleteExpired, planRetention, type RetentionPlan } from './history-retention.js';
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

function reference(
  sequence: number,
  generatedAt: string,
  kept: number,
  file = '/h/references/day.jsonl',
): HistoryReference {
  return {
    job_id: `2026020${sequence}T000000Z-dashboard`,
    sequence,
    generated_at: generatedAt,
    bundle: `2026010${kept}T000000Z-dashboard`,
    content_sha256: 'c'.repeat(64),
    file,
    line: sequence,
  };
}

const NOTHING: RetentionPlan = { expired: [], expiredReferences: [], unreadable: [] };

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

  it('expires old references, and a bundle only once no kept reference names it', () => {
    const bundles = [bundle('/h/1', 1, '2025-12-01T00:00:00Z'), bundle('/h/2', 2, '2025-12-02T00:00:00Z')];
    const references = [
      reference(3, '2025-12-03T00:00:00Z', 1),
      reference(4, '2026-02-27T00:00:00Z', 2),
      reference(5, '2026-02-28T00:00:00Z', 2),
    ];
    const plan = planRetention(bundles, 56, NOW, references);
    expect(plan.expiredReferences.map((item) => item.sequence)).toEqual([3]);
    expect(plan.expired.map((item) => item.folder)).toEqual(['/h/1']);
  });

  it('never expires the newest run when it is a reference, nor the bundle it names', () => {
    const bundles = [bundle('/h/1', 1, '2025-01-01T00:00:00Z')];
    const plan = planRetention(bundles, 56, NOW, [
      reference(2, '2025-01-02T00:00:00Z', 1),
      reference(3, '2025-01-03T00:00:00Z', 1),
    ]);
    expect(plan.expiredReferences.map((item) => item.sequence)).toEqual([2]);
    expect(plan.expired).toEqual([]);
  });

  it('keeps and reports bundles whose manifest cannot be read', () => {
    const broken: HistoryBundle = { folder: '/h/x', manifest: null, problem: 'no manifest.json' };
    const plan = planRetention([broken, bundle('/h/1', 1, '2026-02-28T00:00:00Z')], 56, NOW);
    expect(plan.expired).toEqual([]);
    expect(plan.unreadable).toEqual([broken]);
  });
});

const NO_REFERENCES = { references: [], filesWithInvalidLines: new Set<string>() };

describe('deleteExpired', () => {
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
    const lines = await deleteExpired({ ...NOTHING, expired: [old] }, NO_REFERENCES, archive, NOW, (path) =>
      path.replace(`${dir}/`, ''),
    );
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
    await deleteExpired({ ...NOTHING, expired: [old] }, NO_REFERENCES, archive, NOW, (path) => path);
    expect((await readFile(archive, 'utf8')).trim().split('\n')).toHaveLength(2);
    expect(existsSync(old.folder)).toBe(false);
  });

  it('does nothing without expired bundles', async () => {
    const archive = join(dir, 'archive.jsonl');
    expect(await deleteExpired(NOTHING, NO_REFERENCES, archive, NOW, (path) => path)).toEqual([]);
    expect(existsSync(archive)).toBe(false);
  });

  it('records expired references, then rewrites their day file with the others, or deletes it', async () => {
    await mkdir(join(dir, 'references'), { recursive: true });
    const first = join(dir, 'references', '2025-12-03.jsonl');
    const second = join(dir, 'references', '2026-02-27.jsonl');
    const gone = reference(3, '2025-12-03T00:00:00Z', 1, first);
    const old = reference(4, '2026-01-01T00:00:00Z', 1, second);
    const kept = { ...reference(5, '2026-02-27T00:00:00Z', 1, second), line: 2 };
    old.line = 1;
    await writeFile(first, `${referenceLineText(gone)}\n`);
    await writeFile(second, `${referenceLineText(old)}\n${referenceLineText(kept)}\n`);
    const archive = join(dir, 'archive.jsonl');
    const lines = await deleteExpired(
      { ...NOTHING, expiredReferences: [gone, old] },
      { references: [gone, old, kept], filesWithInvalidLines: new Set() },
      archive,
      NOW,
      (path) => path.replace(`${dir}/`, ''),
    );
    expect(lines.map((line) => [line.job_id, line.path, line.bundle, line.datasets])).toEqual([
      [gone.job_id, 'references/2025-12-03.jsonl', gone.bundle, []],
      [old.job_id, 'references/2026-02-27.jsonl', old.bundle, []],
    ]);
    expect(existsSync(first)).toBe(false);
    expect(await readFile(second, 'utf8')).toBe(`${referenceLineText(kept)}\n`);
  });

  it('leaves a day file holding lines that are not references as it is', async () => {
    await mkdir(join(dir, 'references'), { recursive: true });
    const file = join(dir, 'references', '2025-12-03.jsonl');
    const gone = reference(3, '2025-12-03T00:00:00Z', 1, file);
    await writeFile(file, `${referenceLineText(gone)}\nnot json\n`);
    await deleteExpired(
      { ...NOTHING, expiredReferences: [gone] },
      { references: [gone], filesWithInvalidLines: new Set([file]) },
      join(dir, 'archive.jsonl'),
      NOW,
      (path) => path,
    );
    expect(await readFile(file, 'utf8')).toBe(`${referenceLineText(gone)}\nnot json\n`);
  });
});
