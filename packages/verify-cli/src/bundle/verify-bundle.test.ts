import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBundleContent, referenceLineText } from '@obs-automation/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BundleReport, verifyBundle } from './verify-bundle.js';

const NOW = new Date('2026-03-01T00:00:00Z');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'verify-bundle-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

interface BundleSpec {
  sequence: number;
  generatedAt?: string;
  jobId?: string;
  rows?: number;
  path?: (folder: string) => string;
  /** the HTML page the manifest lists (none when absent) */
  page?: string;
}

/** Writes a one-dataset bundle (latency.json + manifest.json) into `folder` and returns the manifest path. */
async function writeBundle(folder: string, spec: BundleSpec): Promise<string> {
  await mkdir(folder, { recursive: true });
  const generatedAt = spec.generatedAt ?? '2026-02-28T00:00:00.000Z';
  const jobId = spec.jobId ?? `20260228T00000${spec.sequence % 10}Z-dashboard`;
  const rows = Array.from({ length: spec.rows ?? 2 }, (_, index) => ({ count: index }));
  const text = `${JSON.stringify({ dataset: 'latency', schema_version: '1.0', generated_at: generatedAt, job_id: jobId, rows })}\n`;
  await writeFile(join(folder, 'latency.json'), text);
  const manifest = {
    schema_version: '1.0',
    sequence: spec.sequence,
    generated_at: generatedAt,
    job_id: jobId,
    datasets: [
      {
        dataset: 'latency',
        path: spec.path ? spec.path(folder) : 'latency.json',
        checksum_sha256: sha256(text),
        row_count: rows.length,
        generated_at: generatedAt,
        source_hash: 'e'.repeat(64),
      },
    ],
    provenance: {
      command: 'obs-dashboard',
      commit_sha: 'x',
      inputs: ['ops/signal_latency_rollup.csv'],
      environment: 'production',
    },
  };
  if (spec.page !== undefined) {
    await writeFile(join(folder, 'index.html'), spec.page);
    Object.assign(manifest, {
      page: { path: 'index.html', checksum_sha256: sha256(spec.page), bytes: Buffer.byteLength(spec.page) },
    });
  }
  const manifestPath = join(folder, 'manifest.json');
  await writeFile(manifestPath, JSON.stringify(manifest));
  return manifestPath;
}

function verify(manifestPath: string, extra: Partial<Parameters<typeof verifyBundle>[0]> = {}) {
  return verifyBundle({ manifestPath, now: NOW, root, ...extra });
}

function codes(report: BundleReport): string[] {
  return report.failures.map((failure) => failure.error_code);
}

function statusOf(report: BundleReport, name: string) {
  return report.checks.find((check) => check.name === name)?.status;
}

describe('verifyBundle', () => {
  it('passes a consistent bundle and skips what was not asked for', async () => {
    const report = await verify(await writeBundle(join(root, 'out'), { sequence: 1 }));
    expect(report.failures).toEqual([]);
    expect(statusOf(report, 'manifest_schema')).toBe('pass');
    expect(statusOf(report, 'dataset:latency')).toBe('pass');
    expect(statusOf(report, 'expected_datasets')).toBe('skip');
    expect(statusOf(report, 'history_sequence')).toBe('skip');
    expect(statusOf(report, 'page')).toBe('skip');
  });

  it('re-hashes the listed page: passes unchanged, checksum_mismatch when altered, page_missing when gone', async () => {
    const manifest = await writeBundle(join(root, 'out'), {
      sequence: 1,
      page: '<!doctype html><p>ok</p>\n',
    });
    const report = await verify(manifest);
    expect(report.failures).toEqual([]);
    expect(statusOf(report, 'page')).toBe('pass');
    await writeFile(join(root, 'out', 'index.html'), '<!doctype html><p>OK</p>\n');
    const altered = await verify(manifest);
    expect(codes(altered)).toEqual(['checksum_mismatch']);
    expect(altered.failures[0]).toMatchObject({ check: 'page' });
    expect(altered.failures[0]?.message).toContain('out/index.html');
    await rm(join(root, 'out', 'index.html'));
    expect(codes(await verify(manifest))).toEqual(['page_missing']);
  });

  it('reports a changed dataset as checksum_mismatch', async () => {
    const manifest = await writeBundle(join(root, 'out'), { sequence: 1 });
    await writeFile(join(root, 'out', 'latency.json'), '{"rows":[{"count":9},{"count":1}]}\n');
    const report = await verify(manifest);
    expect(codes(report)).toEqual(['checksum_mismatch']);
    expect(report.failures[0]?.check).toBe('dataset:latency');
  });

  it('reports a different number of rows as row_count_mismatch', async () => {
    const manifest = await writeBundle(join(root, 'out'), { sequence: 1 });
    await writeFile(join(root, 'out', 'latency.json'), '{"rows":[]}\n');
    expect(codes(await verify(manifest))).toEqual(['checksum_mismatch', 'row_count_mismatch']);
  });

  it('reports a missing dataset file and a missing expected dataset as dataset_missing', async () => {
    const manifest = await writeBundle(join(root, 'out'), { sequence: 1 });
    await rm(join(root, 'out', 'latency.json'));
    const report = await verify(manifest, { expectedDatasets: ['latency', 'turnover'] });
    expect(codes(report)).toEqual(['dataset_missing', 'dataset_missing']);
    expect(report.failures[1]?.message).toContain('turnover');
  });

  it('finds the dataset beside a copied manifest of the earlier tooling (absolute paths)', async () => {
    const manifest = await writeBundle(join(root, 'copy'), {
      sequence: 1,
      path: () => '/nowhere/out/dashboard/latency.json',
    });
    expect((await verify(manifest)).failures).toEqual([]);
  });

  it('reports a missing, unparsable or schema-invalid manifest', async () => {
    expect(codes(await verify(join(root, 'none.json')))).toEqual(['manifest_missing']);
    await writeFile(join(root, 'bad.json'), '{"sequence":');
    expect(codes(await verify(join(root, 'bad.json')))).toEqual(['manifest_unreadable']);
    await writeFile(join(root, 'invalid.json'), JSON.stringify({ sequence: 0, datasets: [] }));
    const report = await verify(join(root, 'invalid.json'));
    expect(codes(report)).toEqual(['schema_validation_failed']);
    expect(statusOf(report, 'datasets')).toBe('skip');
  });

  it('reports a sequence below a history bundle as sequence_regressed', async () => {
    const history = join(root, 'history');
    await writeBundle(join(history, 'a'), { sequence: 5, jobId: '20260227T000000Z-dashboard' });
    const manifest = await writeBundle(join(root, 'out'), { sequence: 3 });
    const report = await verify(manifest, { historyDir: history });
    expect(codes(report)).toEqual(['sequence_regressed']);
    const equal = await writeBundle(join(root, 'out2'), { sequence: 5 });
    expect((await verify(equal, { historyDir: history })).failures).toEqual([]);
  });

  it('reports an expired history bundle the archive manifest does not record, but not the newest', async () => {
    const history = join(root, 'history');
    await writeBundle(join(history, 'old'), {
      sequence: 1,
      jobId: '20251201T000000Z-dashboard',
      generatedAt: '2025-12-01T00:00:00.000Z',
    });
    await writeBundle(join(history, 'older-newest'), {
      sequence: 2,
      jobId: '20251202T000000Z-dashboard',
      generatedAt: '2025-12-02T00:00:00.000Z',
    });
    const manifest = await writeBundle(join(root, 'out'), {
      sequence: 2,
      generatedAt: '2025-12-02T00:00:00.000Z',
    });
    const archive = join(root, 'archive.jsonl');
    const report = await verify(manifest, {
      historyDir: history,
      archiveManifest: archive,
      retentionDays: 56,
    });
    expect(codes(report)).toEqual(['retention_violation']);
    expect(report.failures[0]?.message).toContain('history/old');

    const line = {
      job_id: '20251201T000000Z-dashboard',
      sequence: 1,
      deleted_at: '2026-02-28T00:00:00.000Z',
      path: 'history/old',
      datasets: [{ dataset: 'latency', checksum_sha256: 'f'.repeat(64), row_count: 2 }],
    };
    await writeFile(archive, `${JSON.stringify(line)}\n`);
    const recorded = await verify(manifest, {
      historyDir: history,
      archiveManifest: archive,
      retentionDays: 56,
    });
    expect(recorded.failures).toEqual([]);
    expect(statusOf(recorded, 'archive_manifest')).toBe('pass');
  });

  it('reports a history bundle without a usable manifest', async () => {
    const history = join(root, 'history');
    await mkdir(join(history, 'broken'), { recursive: true });
    await mkdir(join(history, '.partial-copy'), { recursive: true });
    const manifest = await writeBundle(join(root, 'out'), { sequence: 1 });
    const report = await verify(manifest, { historyDir: history });
    expect(codes(report)).toEqual(['history_bundle_invalid']);
  });

  it('reports invalid archive-manifest lines with their line numbers', async () => {
    const archive = join(root, 'archive.jsonl');
    const good = {
      job_id: '20251201T000000Z-dashboard',
      sequence: 1,
      deleted_at: '2026-02-28T00:00:00Z',
      path: 'history/old',
      datasets: [],
    };
    await writeFile(
      archive,
      `${JSON.stringify(good)}\nnot json\n${JSON.stringify({ ...good, sequence: 'one' })}\n`,
    );
    const manifest = await writeBundle(join(root, 'out'), { sequence: 1 });
    const report = await verify(manifest, { archiveManifest: archive });
    expect(codes(report)).toEqual(['archive_manifest_invalid', 'archive_manifest_invalid']);
    expect(report.failures.map((failure) => failure.message.match(/:(\d+):/)?.[1])).toEqual(['2', '3']);
  });

  describe('history references', () => {
    const KEPT = '20251201T000000Z-dashboard';

    async function historyWithReference(reference: Record<string, unknown>): Promise<string> {
      const history = join(root, 'history');
      await writeBundle(join(history, KEPT), {
        sequence: 1,
        jobId: KEPT,
        generatedAt: '2025-12-01T00:00:00.000Z',
      });
      const content = await readBundleContent(join(history, KEPT), 'manifest.json', 'kept');
      await mkdir(join(history, 'references'), { recursive: true });
      const line = {
        job_id: '20260227T000000Z-dashboard',
        sequence: 2,
        generated_at: '2026-02-27T00:00:00.000Z',
        bundle: KEPT,
        content_sha256: content.kind === 'ok' ? content.contentSha256 : '',
        ...reference,
      };
      const text = typeof reference.raw === 'string' ? reference.raw : referenceLineText(line as never);
      await writeFile(join(history, 'references', '2026-02-27.jsonl'), `${text}\n`);
      return history;
    }

    it('keeps an expired bundle a reference within the retention names, and checks the reference', async () => {
      const history = await historyWithReference({});
      const manifest = await writeBundle(join(root, 'out'), { sequence: 2 });
      const report = await verify(manifest, { historyDir: history, retentionDays: 56 });
      expect(report.failures).toEqual([]);
      expect(statusOf(report, 'history_references')).toBe('pass');
    });

    it('reports a manifest below a reference as sequence_regressed', async () => {
      const history = await historyWithReference({ sequence: 9 });
      const manifest = await writeBundle(join(root, 'out'), { sequence: 2 });
      expect(codes(await verify(manifest, { historyDir: history }))).toEqual(['sequence_regressed']);
    });

    it('reports a reference to a bundle not in the history, with a different content, or an invalid line', async () => {
      const manifest = await writeBundle(join(root, 'out'), { sequence: 3 });
      const gone = await historyWithReference({ bundle: '20251101T000000Z-dashboard' });
      // the kept bundle, named by no reference, is past the retention too
      expect(codes(await verify(manifest, { historyDir: gone }))).toEqual([
        'retention_violation',
        'history_reference_broken',
      ]);
      await rm(gone, { recursive: true });
      const other = await historyWithReference({ content_sha256: 'f'.repeat(64) });
      expect(codes(await verify(manifest, { historyDir: other }))).toEqual(['checksum_mismatch']);
      await rm(other, { recursive: true });
      const invalid = await historyWithReference({ raw: '{"job_id": 1}' });
      expect(codes(await verify(manifest, { historyDir: invalid }))).toEqual(['history_bundle_invalid']);
    });
  });
});
