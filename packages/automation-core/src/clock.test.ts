import { describe, expect, it } from 'vitest';
import { parseCompactStamp, parseStampOrTimestamp, parseTimestamp, resolveNow } from './clock.js';
import { JobError } from './job-error.js';

const iso = (text: string) => parseTimestamp(text)?.toISOString() ?? null;

describe('parseTimestamp', () => {
  it.each([
    ['2026-11-24T04:20:29Z', '2026-11-24T04:20:29.000Z'],
    ['2026-11-24t04:20:29z', '2026-11-24T04:20:29.000Z'],
    ['2026-11-24T04:20:29.321800+00:00', '2026-11-24T04:20:29.321Z'],
    ['2026-11-24T13:20:29+09:00', '2026-11-24T04:20:29.000Z'],
    ['2026-11-24T13:20:29+0900', '2026-11-24T04:20:29.000Z'],
    ['2026-11-23T23:50:29-04:30', '2026-11-24T04:20:29.000Z'],
    ['2026-11-24 04:20:29', '2026-11-24T04:20:29.000Z'],
    ['2026-11-24T04:20', '2026-11-24T04:20:00.000Z'],
    ['2026-11-24', '2026-11-24T00:00:00.000Z'],
    ['  2026-11-24T04:20:29Z\n', '2026-11-24T04:20:29.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['0050-01-01T00:00:00Z', '0050-01-01T00:00:00.000Z'],
  ])('%j → %s', (text, expected) => {
    expect(iso(text)).toBe(expected);
  });

  it('reads a timestamp without a zone as UTC, not local time', () => {
    expect(iso('2026-06-01T12:00:00')).toBe('2026-06-01T12:00:00.000Z');
  });

  it.each([
    '',
    'now',
    'yesterday',
    '1732422029',
    '2026-11-24T04:20:29ZZ',
    '2026-13-01T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '2026-04-31',
    '2026-11-24T24:00:00Z',
    '2026-11-24T23:60:00Z',
    '2026-11-24T23:59:60Z',
    '2026-11-24T04:20:29+24:00',
    '2026-11-24T04:20:29+09',
    '2026-11-24Z',
    '24/11/2026',
  ])('%j is not a timestamp', (text) => {
    expect(parseTimestamp(text)).toBeNull();
  });
});

describe('resolveNow', () => {
  it('prefers --now over OBS_NOW', () => {
    expect(resolveNow('2026-01-02T03:04:05Z', { OBS_NOW: '2030-01-01T00:00:00Z' }).toISOString()).toBe(
      '2026-01-02T03:04:05.000Z',
    );
  });

  it('falls back to OBS_NOW', () => {
    expect(resolveNow(undefined, { OBS_NOW: '2030-01-01T00:00:00Z' }).toISOString()).toBe(
      '2030-01-01T00:00:00.000Z',
    );
  });

  it('uses the system time when neither is set', () => {
    const before = Date.now();
    const now = resolveNow(undefined, {}).getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it.each([
    ['tomorrow', {}, '--now'],
    [undefined, { OBS_NOW: 'not-a-date' }, 'OBS_NOW'],
  ])('a non-date (%j, %j) is a usage error (exit 2) naming %s', (flag, env, source) => {
    let error: unknown;
    try {
      resolveNow(flag, env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(JobError);
    expect((error as JobError).exitCode).toBe(2);
    expect((error as JobError).code).toBe('invalid_usage');
    expect((error as JobError).details.flag).toBe(source);
    expect((error as JobError).message).toContain(source);
  });
});

describe('parseCompactStamp', () => {
  it('reads YYYYMMDD_HHMMSS as UTC', () => {
    expect(parseCompactStamp('20250924_121343')?.toISOString()).toBe('2025-09-24T12:13:43.000Z');
  });

  it.each(['20250231_000000', '20250924_241343', '20250924_1213', '2025092_121343', '20250924T121343Z'])(
    '%j is not a stamp',
    (text) => {
      expect(parseCompactStamp(text)).toBeNull();
    },
  );

  it('accepts a following `_…` or `.…` only in a file name', () => {
    const name = '20250923_125717_USDJPY_conservative_20250923_215717.json';
    expect(parseCompactStamp(name)).toBeNull();
    expect(parseCompactStamp(name, { inFileName: true })?.toISOString()).toBe('2025-09-23T12:57:17.000Z');
    expect(parseCompactStamp('20250924_121343.json', { inFileName: true })).not.toBeNull();
    expect(parseCompactStamp('20250924_121343x.json', { inFileName: true })).toBeNull();
    expect(parseCompactStamp('20250924_1213439.json', { inFileName: true })).toBeNull();
    expect(parseCompactStamp('x20250924_121343.json', { inFileName: true })).toBeNull();
  });
});

describe('parseStampOrTimestamp', () => {
  it.each([
    ['20251008_101500', '2025-10-08T10:15:00.000Z'],
    [' 20251008_101500 ', '2025-10-08T10:15:00.000Z'],
    ['2025-10-08T10:15:00', '2025-10-08T10:15:00.000Z'],
    ['2025-10-08T19:15:00+09:00', '2025-10-08T10:15:00.000Z'],
  ])('%j → %s', (text, expected) => {
    expect(parseStampOrTimestamp(text)?.toISOString()).toBe(expected);
  });

  it.each(['8 Oct 2025', '20251008_101500_x', '20251332_000000', ''])('%j is neither', (text) => {
    expect(parseStampOrTimestamp(text)).toBeNull();
  });
});
