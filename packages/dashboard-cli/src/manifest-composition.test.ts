import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryState } from './bundle-history.js';
import type { DashboardManifest, ManifestDatasetEntry } from './manifest.js';
import {
  carriedEntries,
  manifestHeartbeat,
  mergedDatasetStates,
  nextSequence,
} from './manifest-composition.js';

function entry(dataset: ManifestDatasetEntry['dataset'], path: string): ManifestDatasetEntry {
  return {
    dataset,
    path,
    checksum_sha256: 'c'.repeat(64),
    row_count: 3,
    generated_at: '2026-01-01T00:00:00.000Z',
    source_hash: 'd'.repeat(64),
  };
}

function manifest(sequence: number, datasets: ManifestDatasetEntry[] = []): DashboardManifest {
  return {
    schema_version: '1.0',
    sequence,
    generated_at: '2026-01-01T00:00:00.000Z',
    job_id: '20260101T000000Z-dashboard',
    datasets,
    provenance: { command: 'obs-dashboard', commit_sha: 'x', inputs: ['ops'], environment: 'production' },
  };
}

const NO_HISTORY: HistoryState = { bundles: [], references: { references: [], invalid: [], files: [] } };

describe('nextSequence', () => {
  it('is 1 without a previous manifest or history', () => {
    expect(nextSequence({ kind: 'missing' }, NO_HISTORY)).toBe(1);
  });

  it('follows the previous manifest', () => {
    expect(nextSequence({ kind: 'ok', manifest: manifest(7) }, NO_HISTORY)).toBe(8);
  });

  it('never goes below a history bundle (a lost or restored manifest)', () => {
    const history: HistoryState = {
      ...NO_HISTORY,
      bundles: [
        { folder: '/h/a', manifest: manifest(12) },
        { folder: '/h/b', manifest: null, problem: 'no manifest.json' },
      ],
    };
    expect(nextSequence({ kind: 'missing' }, history)).toBe(13);
    expect(nextSequence({ kind: 'ok', manifest: manifest(3) }, history)).toBe(13);
  });

  it('never goes below a run recorded as a reference', () => {
    const reference = {
      job_id: '20260102T000000Z-dashboard',
      sequence: 20,
      generated_at: '2026-01-02T00:00:00.000Z',
      bundle: '20260101T000000Z-dashboard',
      content_sha256: 'e'.repeat(64),
      file: '/h/references/2026-01-02.jsonl',
      line: 1,
    };
    const history: HistoryState = {
      ...NO_HISTORY,
      references: { ...NO_HISTORY.references, references: [reference] },
    };
    expect(nextSequence({ kind: 'ok', manifest: manifest(7) }, history)).toBe(21);
  });

  it('uses the sequence of a manifest that fails its schema when it can still be read', () => {
    expect(nextSequence({ kind: 'invalid', reason: 'bad', sequence: 41 }, NO_HISTORY)).toBe(42);
    expect(nextSequence({ kind: 'invalid', reason: 'bad', sequence: null }, NO_HISTORY)).toBe(1);
  });
});

describe('carriedEntries', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'carry-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps entries of datasets not written this run whose file is still in the bundle', async () => {
    await mkdir(join(dir, 'data'));
    await writeFile(join(dir, 'data', 'latency.json'), '{}');
    await writeFile(join(dir, 'turnover.json'), '{}');
    const previous = manifest(2, [
      entry('ev_history', 'ev_history.json'),
      entry('turnover', 'turnover.json'),
      entry('latency', 'data/latency.json'),
      entry('slippage', 'slippage.json'),
    ]);
    const result = await carriedEntries({ kind: 'ok', manifest: previous }, new Set(['ev_history']), dir);
    expect(result.entries.map((item) => item.dataset)).toEqual(['turnover', 'latency']);
    expect(result.dropped).toEqual(['slippage']);
  });

  it('drops entries pointing outside the bundle (absolute paths of the earlier tooling)', async () => {
    await writeFile(join(dir, 'turnover.json'), '{}');
    const previous = manifest(2, [
      entry('turnover', join(dir, 'turnover.json')),
      entry('latency', '../latency.json'),
    ]);
    const result = await carriedEntries({ kind: 'ok', manifest: previous }, new Set(), dir);
    expect(result.entries).toEqual([]);
    expect(result.dropped).toEqual(['turnover', 'latency']);
  });
});

describe('dataset states and the manifest heartbeat', () => {
  it('merges this run over the previous heartbeat', () => {
    const previous = { datasets: { ev_history: 'error', latency: 'ok', bogus: 'ok' } };
    expect(mergedDatasetStates(previous, { ev_history: 'ok' })).toEqual({ ev_history: 'ok', latency: 'ok' });
  });

  /** This run, as the export describes it to manifestHeartbeat. */
  const thisRun = (fields: { errorCode?: string | null; dryRun?: boolean; at?: string } = {}) => ({
    jobId: 'k',
    at: fields.at ?? '2026-01-01T00:00:00.000Z',
    errorCode: fields.errorCode ?? null,
    dryRun: fields.dryRun ?? false,
  });

  it('records a failure of this run, or carries a usable previous one', () => {
    const previous = {
      last_success_at: '2025-10-11T11:35:53.687028Z',
      last_failure: { job_id: 'j', error_code: 'upload_failed', at: '2025-10-10T00:00:00Z' },
    };
    expect(manifestHeartbeat(previous, {}, thisRun())).toEqual({
      last_success_at: '2026-01-01T00:00:00.000Z',
      last_failure: { job_id: 'j', error_code: 'upload_failed', at: '2025-10-10T00:00:00.000Z' },
      datasets: {},
    });
    expect(manifestHeartbeat(previous, {}, thisRun({ errorCode: 'missing_input' }))).toMatchObject({
      last_success_at: '2025-10-11T11:35:53.687Z',
      last_failure: { job_id: 'k', error_code: 'missing_input' },
    });
    expect(
      manifestHeartbeat({ last_failure: { job_id: 'j' } }, {}, thisRun({ at: 'x' })).last_failure,
    ).toBeNull();
  });

  it('keeps the last real success through a dry run', () => {
    const previous = { last_success_at: '2025-10-11T11:35:53.687Z', last_failure: null };
    expect(manifestHeartbeat(previous, {}, thisRun({ dryRun: true })).last_success_at).toBe(
      '2025-10-11T11:35:53.687Z',
    );
  });
});
