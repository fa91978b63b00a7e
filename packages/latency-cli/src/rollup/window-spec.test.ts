import { describe, expect, it } from 'vitest';
import { parseWindow, windowStartOf } from './window-spec.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('rollup windows', () => {
  it('parses <n>m and <n>h', () => {
    expect(parseWindow('1h').ms).toBe(3_600_000);
    expect(parseWindow('15m').ms).toBe(900_000);
    expect(parseWindow('24h').ms).toBe(86_400_000);
  });

  it.each(['', '1d', '0m', '7m', '5h', '25h', '1.5h', 'h', '-1h'])('rejects %j', (text) => {
    expect(() => parseWindow(text)).toThrow(RangeError);
  });

  it('buckets timestamps into 1h windows aligned to the hour', () => {
    const hour = parseWindow('1h').ms;
    expect(iso(windowStartOf(at('2026-07-06T10:00:00Z'), hour))).toBe('2026-07-06T10:00:00.000Z');
    expect(iso(windowStartOf(at('2026-07-06T10:59:59.999Z'), hour))).toBe('2026-07-06T10:00:00.000Z');
    expect(iso(windowStartOf(at('2026-07-06T11:00:00Z'), hour))).toBe('2026-07-06T11:00:00.000Z');
  });

  it('buckets timestamps into 15m windows aligned to the quarter hour', () => {
    const quarter = parseWindow('15m').ms;
    expect(iso(windowStartOf(at('2026-07-06T10:14:59Z'), quarter))).toBe('2026-07-06T10:00:00.000Z');
    expect(iso(windowStartOf(at('2026-07-06T10:15:00Z'), quarter))).toBe('2026-07-06T10:15:00.000Z');
    expect(iso(windowStartOf(at('2026-07-06T23:59:00Z'), quarter))).toBe('2026-07-06T23:45:00.000Z');
  });

  it('aligns windows to UTC midnight, also before 1970', () => {
    const window = parseWindow('3h').ms;
    expect(iso(windowStartOf(at('2026-07-06T02:00:00Z'), window))).toBe('2026-07-06T00:00:00.000Z');
    expect(iso(windowStartOf(at('1969-12-31T23:00:00Z'), window))).toBe('1969-12-31T21:00:00.000Z');
  });
});
