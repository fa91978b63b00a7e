import { describe, expect, it } from 'vitest';
import { CsvTokenizer } from '../csv/csv-tokenizer.js';
import type { LatencySample } from './latency-sample.js';
import {
  formatSampleRow,
  layoutFromHeader,
  measureRow,
  type RawLayout,
  sampleFromRow,
  WRITTEN_HEADER,
} from './raw-layout.js';

type Outcome = { sample: LatencySample } | { reject: string; line: number };

/** Reads a whole CSV text the way the job does: header first, then each row measured. */
function read(text: string): { layout: RawLayout | null; rows: Outcome[] } {
  let layout: RawLayout | null = null;
  const rows: Outcome[] = [];
  const measure = { timestampMs: 0, latencyMs: 0, failed: false };
  const tokenizer = new CsvTokenizer((row) => {
    if (!layout) {
      layout = layoutFromHeader(Array.from({ length: row.fieldCount }, (_, index) => row.text(index)));
      return;
    }
    if (row.isBlankRecord()) return;
    const reason = measureRow(layout, row, measure);
    rows.push(
      reason === null ? { sample: sampleFromRow(layout, row, measure) } : { reject: reason, line: row.line },
    );
  });
  tokenizer.push(Buffer.from(text, 'utf8'));
  tokenizer.end();
  return { layout, rows };
}

const at = (iso: string) => Date.parse(iso);

describe('raw latency formats, read by header', () => {
  it('reads the written header', () => {
    const { layout, rows } = read(
      `${WRITTEN_HEADER.join(',')}\n2026-07-06T00:01:00.000Z,router_demo,412.5,3,success,"HTTP 200, fast"\n`,
    );
    expect(layout?.format).toBe('samples');
    expect(rows).toEqual([
      {
        sample: {
          timestampMs: at('2026-07-06T00:01:00Z'),
          source: 'router_demo',
          latencyMs: 412.5,
          ingestLatencyMs: 3,
          status: 'success',
          detail: 'HTTP 200, fast',
          failed: false,
        },
      },
    ]);
  });

  it("reads the earlier tooling's timestamp_utc,latency_ms,status,detail,source", () => {
    const { rows } = read(
      'timestamp_utc,latency_ms,status,detail,source\n2025-10-11T11:35:42Z,2100.000000,success,,router_demo\n',
    );
    expect(rows).toEqual([
      {
        sample: {
          timestampMs: at('2025-10-11T11:35:42Z'),
          source: 'router_demo',
          latencyMs: 2100,
          ingestLatencyMs: null,
          status: 'success',
          detail: '',
          failed: false,
        },
      },
    ]);
  });

  it('reads notifier logs: latency = ack − emit (clamped at 0), timestamp = ack, source = signal_id', () => {
    const { layout, rows } = read(
      'signal_id,ts_emit,ts_ack,status,detail\n' +
        'id1,2025-01-01T00:00:00+00:00,2025-01-01T00:00:01.250+00:00,success,ok\n' +
        'id2,2025-01-01T00:00:05Z,2025-01-01T00:00:04Z,failure,clock skew\n',
    );
    expect(layout?.format).toBe('notifier');
    expect(
      rows.map((row) =>
        'sample' in row ? [row.sample.source, row.sample.latencyMs, row.sample.failed] : row,
      ),
    ).toEqual([
      ['id1', 1250, false],
      ['id2', 0, true],
    ]);
    expect(
      'sample' in (rows[0] as Outcome) && (rows[0] as { sample: LatencySample }).sample.timestampMs,
    ).toBe(at('2025-01-01T00:00:01.250Z'));
  });

  it('counts any status other than success, ok and stable (any case) as a failure; empty is success', () => {
    const { rows } = read(
      'timestamp_utc,source,latency_ms,status\n' +
        ['success', 'OK', ' stable ', '', 'error', 'timeout', 'degraded']
          .map((status) => `2026-01-01T00:00:00Z,s,1,${status}`)
          .join('\n'),
    );
    expect(rows.map((row) => 'sample' in row && row.sample.failed)).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
      true,
    ]);
  });

  it('rejects rows with a reason and their line, never dropping them', () => {
    const { rows } = read(
      [
        'timestamp_utc,source,latency_ms,ingest_latency_ms,status,detail',
        '2026-01-01T00:00:00Z,s,1,,success',
        'not-a-time,s,1,,success,',
        '2026-01-01T00:00:00Z,s,NaN,,success,',
        '2026-01-01T00:00:00Z,s,-5,,success,',
        '2026-01-01T00:00:00Z,s,fast,,success,',
        '2026-01-01T00:00:00Z,s,,,success,',
        '2026-01-01T00:00:00Z,s,1,-1,success,',
        '2026-02-30T00:00:00Z,s,1,,success,',
        '',
        '2026-01-01T00:00:00,s,7,,success,',
      ].join('\n'),
    );
    expect(rows).toEqual([
      { reject: 'expected 6 columns, found 5', line: 2 },
      { reject: 'timestamp_utc "not-a-time" is not an ISO-8601 timestamp', line: 3 },
      { reject: 'latency_ms "NaN" is not a number', line: 4 },
      { reject: 'latency_ms "-5" is negative', line: 5 },
      { reject: 'latency_ms "fast" is not a number', line: 6 },
      { reject: 'latency_ms is empty', line: 7 },
      { reject: 'ingest_latency_ms "-1" is negative', line: 8 },
      { reject: 'timestamp_utc "2026-02-30T00:00:00Z" is not an ISO-8601 timestamp', line: 9 },
      expect.objectContaining({
        sample: expect.objectContaining({ timestampMs: at('2026-01-01T00:00:00Z'), latencyMs: 7 }),
      }),
    ]);
  });

  it('does not recognise other headers', () => {
    expect(layoutFromHeader(['time', 'value'])).toBeNull();
    expect(layoutFromHeader(['\u0000\u0001garbage'])).toBeNull();
  });

  it('writes a sample in the column order of any header, and reads it back unchanged', () => {
    const sample: LatencySample = {
      timestampMs: at('2026-07-06T00:01:02.345Z'),
      source: 'router,demo',
      latencyMs: 1250,
      ingestLatencyMs: 4.5,
      status: 'error',
      detail: 'said "no"\nand more',
      failed: true,
    };
    for (const header of [
      WRITTEN_HEADER.join(','),
      'timestamp_utc,latency_ms,status,detail,source',
      'signal_id,ts_emit,ts_ack,status,detail',
    ]) {
      const layout = layoutFromHeader(header.split(',')) as RawLayout;
      const { rows } = read(`${header}\n${formatSampleRow(layout, sample)}\n`);
      const back = (rows[0] as { sample: LatencySample }).sample;
      expect(back).toMatchObject({
        timestampMs: sample.timestampMs,
        source: sample.source,
        latencyMs: 1250,
        failed: true,
      });
      expect(back.detail).toBe(sample.detail);
    }
  });
});
