import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredBytes } from '../raw/rejects-file.js';
import { LongLineSpool } from './long-line-spool.js';
import { sampleFromInput } from './sample-input.js';
import { readSampleLines } from './sample-lines.js';

const now = new Date('2026-07-06T00:10:00Z');
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'record-input-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('record input validation', () => {
  it('accepts a full sample and defaults status and timestamp', () => {
    expect(sampleFromInput({ source: 'router', latency_ms: '412.5' }, now)).toEqual({
      sample: {
        timestampMs: now.getTime(),
        source: 'router',
        latencyMs: 412.5,
        ingestLatencyMs: null,
        status: 'success',
        detail: '',
        failed: false,
      },
    });
    const full = sampleFromInput(
      {
        source: 'r',
        latency_ms: 1,
        status: 'timeout',
        detail: 'x',
        timestamp: '2026-07-06T00:00:00',
        ingest_latency_ms: 2,
      },
      now,
    );
    expect(full).toMatchObject({
      sample: { failed: true, timestampMs: Date.parse('2026-07-06T00:00:00Z'), ingestLatencyMs: 2 },
    });
  });

  it.each([
    [{ latency_ms: 1 }, 'source is required'],
    [{ source: ' ', latency_ms: 1 }, 'source is required'],
    [{ source: 'a\nb', latency_ms: 1 }, 'source must be one line'],
    [{ source: 'r' }, 'latency_ms is required'],
    [{ source: 'r', latency_ms: -1 }, 'latency_ms must be a non-negative number'],
    [{ source: 'r', latency_ms: 'NaN' }, 'latency_ms must be a non-negative number'],
    [{ source: 'r', latency_ms: true }, 'latency_ms must be a non-negative number'],
    [{ source: 'r', latency_ms: 1, timestamp: 'soon' }, 'timestamp must be an ISO-8601 timestamp'],
    [{ source: 'r', latency_ms: 1, status: 5 }, 'status must be a word'],
    [{ source: 'r', latency_ms: 1, extra: 1 }, 'extra is not a sample field'],
  ])('rejects %j', (fields, message) => {
    const result = sampleFromInput(fields as Record<string, unknown>, now);
    expect('error' in result && result.error).toContain(message);
  });

  it('reads JSON lines, skipping blank lines and rejecting bad ones with their line numbers', async () => {
    const input = Readable.from([
      '\uFEFF{"source":"a","latency_ms":1}\r\n',
      '\n',
      '{"source":"b","latency_ms":-2}\n',
      '[1,2]\n',
      '{broken\n',
      '{"source":"c","latency_ms":3}',
    ]);
    const lines = await readSampleLines(input, now, new LongLineSpool(join(dir, 'rejects.csv')));
    expect(lines.samples.map((sample) => sample.source)).toEqual(['a', 'c']);
    expect(lines.rejected.map(({ line, reason }) => [line, reason.split(':')[0]])).toEqual([
      [3, 'latency_ms must be a non-negative number, got -2'],
      [4, 'not a JSON object'],
      [5, 'is not valid JSON'],
    ]);
    expect(lines.rejected[2]?.raw.toString()).toBe('{broken');
  });

  it('rejects a line over the record limit with its number, spooling it whole in bounded memory', async () => {
    const long = `{"source":"${'x'.repeat(3 * 1024 * 1024)}","latency_ms":1}`;
    const chunks = [
      '{"source":"a","latency_ms":1}\n',
      ...(long.match(/.{1,65536}/gs) ?? []),
      '\n{"source":"b","latency_ms":2}\n',
    ];
    const spool = new LongLineSpool(join(dir, 'rejects.csv'));
    const lines = await readSampleLines(Readable.from(chunks.map((chunk) => Buffer.from(chunk))), now, spool);
    expect(lines.samples.map((sample) => sample.source)).toEqual(['a', 'b']);
    expect(lines.rejected).toHaveLength(1);
    const [rejected] = lines.rejected;
    expect(rejected).toMatchObject({
      line: 2,
      reason: `line of ${long.length} bytes is longer than the limit of 65536 bytes`,
      raw: { start: 0, length: long.length },
    });
    const stored = rejected?.raw as StoredBytes;
    expect(await readFile(stored.path, 'utf8')).toBe(long);
    await spool.discard();
    await expect(readFile(stored.path)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
