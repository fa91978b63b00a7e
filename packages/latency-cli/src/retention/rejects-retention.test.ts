import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pruneRejects } from './rejects-retention.js';

const NOW = new Date('2026-07-06T00:30:00Z');
const HEADER = 'line,reason,raw,source_file,rejected_at\n';
const row = (line: number, raw: string, rejectedAt: string) =>
  `${line},bad,"${raw}",ops/signal_latency.csv,${rejectedAt}\n`;

describe('rejects retention', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rejects-retention-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const prune = (days: number) =>
    pruneRejects({
      rejectsPath: join(dir, 'rejects.csv'),
      days,
      now: NOW,
      jobId: '20260706T003000Z-latency',
      manifestPath: join(dir, 'retention.jsonl'),
      label: 'ops/signal_latency_rejects.csv',
    });

  it('removes old rows, keeping the header, recent rows, undated rows and CRLF rows byte for byte', async () => {
    // A 3 MiB row spans read chunks; its date is read from its last bytes.
    const long = 'x'.repeat(3 << 20);
    const kept = [row(4, 'recent', '2026-07-01T00:00:00.000Z'), '5,odd,"y",ops/signal_latency.csv,garbage\n'];
    const crlf = row(6, 'crlf', '2026-07-02T00:00:00.000Z').replace('\n', '\r\n');
    await writeFile(
      join(dir, 'rejects.csv'),
      HEADER +
        row(2, long, '2026-01-01T00:00:00.000Z') +
        kept.join('') +
        row(3, 'old', '2026-02-01T00:00:00.000Z') +
        crlf,
    );
    expect(await prune(56)).toBe(2);
    expect(await readFile(join(dir, 'rejects.csv'), 'utf8')).toBe(HEADER + kept.join('') + crlf);
    const [record] = (await readFile(join(dir, 'retention.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(record).toMatchObject({
      event: 'rows_removed',
      rows: 2,
      first_rejected_at: '2026-01-01T00:00:00.000Z',
      last_rejected_at: '2026-02-01T00:00:00.000Z',
    });
  });

  it('leaves the file and the record alone when nothing is old enough, or there is no file', async () => {
    expect(await prune(56)).toBe(0);
    const text = HEADER + row(2, 'recent', '2026-07-01T00:00:00.000Z');
    await writeFile(join(dir, 'rejects.csv'), text);
    expect(await prune(56)).toBe(0);
    expect(await readFile(join(dir, 'rejects.csv'), 'utf8')).toBe(text);
    await expect(readFile(join(dir, 'retention.jsonl'))).rejects.toThrow();
  });
});
