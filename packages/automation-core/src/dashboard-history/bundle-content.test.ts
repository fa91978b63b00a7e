import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../checksum.js';
import {
  bundleContentSha256,
  compareBundleContents,
  datasetContentSha256,
  readBundleContent,
} from './bundle-content.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bundle-content-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function datasetText(stamp: { jobId: string; at: string }, rows: unknown[], indent = 2): string {
  const document = {
    dataset: 'latency',
    schema_version: '1.0',
    generated_at: stamp.at,
    job_id: stamp.jobId,
    rows,
  };
  return `${JSON.stringify(document, null, indent)}\n`;
}

const FIRST = { jobId: '20260101T000000Z-dashboard', at: '2026-01-01T00:00:00.000Z' };
const SECOND = { jobId: '20260101T001500Z-dashboard', at: '2026-01-01T00:15:00.000Z' };

async function writeBundle(folder: string, text: string, listed = 'latency.json'): Promise<void> {
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'latency.json'), text);
  const manifest = {
    job_id: FIRST.jobId,
    datasets: [{ dataset: 'latency', path: listed, checksum_sha256: sha256Hex(text) }],
  };
  await writeFile(join(folder, 'manifest.json'), JSON.stringify(manifest));
}

describe('datasetContentSha256', () => {
  it('ignores the run stamp, key order and indentation, and sees any change of the rows', () => {
    const rows = [{ count: 1, p95_ms: 2.5 }];
    const base = datasetContentSha256(Buffer.from(datasetText(FIRST, rows)), 'a');
    expect(datasetContentSha256(Buffer.from(datasetText(SECOND, rows, 0)), 'b')).toBe(base);
    expect(datasetContentSha256(Buffer.from(datasetText(SECOND, [{ p95_ms: 2.5, count: 1 }])), 'c')).toBe(
      base,
    );
    expect(datasetContentSha256(Buffer.from(datasetText(SECOND, [{ count: 2, p95_ms: 2.5 }])), 'd')).not.toBe(
      base,
    );
  });

  it('refuses a file that is not a JSON object, naming it', () => {
    expect(() => datasetContentSha256(Buffer.from('[1]'), 'out/x.json')).toThrow(/out\/x.json/);
  });
});

describe('bundleContentSha256', () => {
  it('does not depend on the order of the entries, but on every dataset, path and content', () => {
    const a = { dataset: 'latency', path: 'latency.json', content_sha256: 'a'.repeat(64) };
    const b = { dataset: 'turnover', path: 'turnover.json', content_sha256: 'b'.repeat(64) };
    expect(bundleContentSha256([a, b])).toBe(bundleContentSha256([b, a]));
    expect(bundleContentSha256([a])).not.toBe(bundleContentSha256([a, b]));
    expect(bundleContentSha256([{ ...a, path: 'other.json' }])).not.toBe(bundleContentSha256([a]));
  });
});

describe('readBundleContent', () => {
  it('gives two bundles of the same rows the same content SHA-256', async () => {
    await writeBundle(join(dir, 'one'), datasetText(FIRST, [{ count: 1 }]));
    await writeBundle(join(dir, 'two'), datasetText(SECOND, [{ count: 1 }], 0));
    const one = await readBundleContent(join(dir, 'one'), 'manifest.json', 'one');
    const two = await readBundleContent(join(dir, 'two'), 'manifest.json', 'two');
    expect(one.kind).toBe('ok');
    expect(two).toEqual({ ...one });
  });

  it('refuses a dataset that no longer matches its checksum, is missing, leads outside or is a link', async () => {
    const folder = join(dir, 'kept');
    await writeBundle(folder, datasetText(FIRST, [{ count: 1 }]));
    await writeFile(join(folder, 'latency.json'), datasetText(FIRST, [{ count: 9 }]));
    expect(await readBundleContent(folder, 'manifest.json', 'kept')).toMatchObject({
      kind: 'refused',
      code: 'checksum_mismatch',
    });
    await rm(join(folder, 'latency.json'));
    expect(await readBundleContent(folder, 'manifest.json', 'kept')).toMatchObject({
      kind: 'refused',
      code: 'dataset_missing',
    });
    await writeBundle(folder, datasetText(FIRST, [{ count: 1 }]), '../outside.json');
    expect((await readBundleContent(folder, 'manifest.json', 'kept')).kind).toBe('refused');
    await writeFile(join(dir, 'elsewhere.json'), datasetText(FIRST, [{ count: 1 }]));
    await rm(join(folder, 'latency.json'));
    await writeBundle(join(dir, 'linked'), datasetText(FIRST, [{ count: 1 }]));
    await rm(join(dir, 'linked', 'latency.json'));
    await symlink(join(dir, 'elsewhere.json'), join(dir, 'linked', 'latency.json'));
    expect((await readBundleContent(join(dir, 'linked'), 'manifest.json', 'linked')).kind).toBe('refused');
  });

  it('refuses a missing or unusable manifest', async () => {
    expect(await readBundleContent(dir, 'manifest.json', 'x')).toMatchObject({ code: 'manifest_missing' });
    await writeFile(join(dir, 'manifest.json'), '{"datasets": [{"dataset": 1}], "job_id": "x"}');
    expect(await readBundleContent(dir, 'manifest.json', 'x')).toMatchObject({ code: 'manifest_unreadable' });
  });
});

/** A bundle of several datasets: name → [rows, source hash recorded in the manifest]. */
async function writeDatasets(
  folder: string,
  stamp: { jobId: string; at: string },
  datasets: Record<string, [unknown[], string]>,
): Promise<void> {
  await mkdir(folder, { recursive: true });
  const listed = [];
  for (const [dataset, [rows, sourceHash]] of Object.entries(datasets)) {
    const text = datasetText(stamp, rows).replace('"latency"', JSON.stringify(dataset));
    await writeFile(join(folder, `${dataset}.json`), text);
    listed.push({
      dataset,
      path: `${dataset}.json`,
      checksum_sha256: sha256Hex(text),
      row_count: rows.length,
      source_hash: sourceHash,
    });
  }
  await writeFile(join(folder, 'manifest.json'), JSON.stringify({ job_id: stamp.jobId, datasets: listed }));
}

describe('compareBundleContents', () => {
  const at = (name: string) => ({ folder: join(dir, name), shown: name });
  const compare = () => compareBundleContents('manifest.json', at('current'), at('kept'));

  it('finds bundles of the same rows the same, with the content SHA-256 readBundleContent gives', async () => {
    const datasets: Record<string, [unknown[], string]> = { a: [[{ n: 1 }], 'x'], b: [[{ n: 2 }], 'y'] };
    await writeDatasets(join(dir, 'kept'), FIRST, datasets);
    await writeDatasets(join(dir, 'current'), SECOND, datasets);
    const kept = await readBundleContent(join(dir, 'kept'), 'manifest.json', 'kept');
    expect(kept.kind).toBe('ok');
    expect(await compare()).toEqual({
      kind: 'same',
      contentSha256: (kept as { contentSha256: string }).contentSha256,
    });
  });

  it('finds any changed rows or dataset list different, whatever the manifests record as inputs', async () => {
    await writeDatasets(join(dir, 'kept'), FIRST, { a: [[{ n: 1 }], 'x'], b: [[{ n: 2 }], 'y'] });
    // the same recorded inputs and row counts: the rows decide
    await writeDatasets(join(dir, 'current'), SECOND, { a: [[{ n: 1 }], 'x'], b: [[{ n: 3 }], 'y'] });
    expect(await compare()).toEqual({ kind: 'different' });
    await writeDatasets(join(dir, 'current'), SECOND, { a: [[{ n: 1 }], 'x'] });
    expect(await compare()).toEqual({ kind: 'different' });
    // other recorded inputs, same rows: still the same content
    await writeDatasets(join(dir, 'current'), SECOND, { a: [[{ n: 1 }], 'other'], b: [[{ n: 2 }], 'y'] });
    expect((await compare()).kind).toBe('same');
  });

  it('refuses a kept bundle whose files changed even where an earlier dataset already differs', async () => {
    await writeDatasets(join(dir, 'kept'), FIRST, { a: [[{ n: 1 }], 'x'], z: [[{ n: 2 }], 'y'] });
    await writeDatasets(join(dir, 'current'), SECOND, { a: [[{ n: 9 }], 'changed'], z: [[{ n: 2 }], 'y'] });
    await writeFile(join(dir, 'kept', 'z.json'), '{}');
    expect(await compare()).toMatchObject({ kind: 'refused', side: 'kept', code: 'checksum_mismatch' });
    await rm(join(dir, 'current', 'manifest.json'));
    await writeDatasets(join(dir, 'kept'), FIRST, { a: [[{ n: 1 }], 'x'] });
    expect(await compare()).toMatchObject({ kind: 'refused', side: 'current', code: 'manifest_missing' });
  });
});
