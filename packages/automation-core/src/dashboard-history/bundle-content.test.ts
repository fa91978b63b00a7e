import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../checksum.js';
import { bundleContentSha256, datasetContentSha256, readBundleContent } from './bundle-content.js';

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
