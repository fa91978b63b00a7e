import { describe, expect, it } from 'vitest';
import { parseWindowStart } from './kpi-options.js';

describe('parseWindowStart', () => {
  it.each([
    ['90m', 90 * 60_000],
    ['24h', 24 * 3_600_000],
    ['7d', 7 * 86_400_000],
    ['2w', 14 * 86_400_000],
  ])('reads the duration %s', (text, ms) => {
    expect(parseWindowStart(text)).toEqual({ kind: 'duration', text, ms });
  });

  it('reads a date or a timestamp, no zone being UTC', () => {
    expect(parseWindowStart('2025-10-01')).toEqual({ kind: 'instant', at: new Date('2025-10-01T00:00:00Z') });
    expect(parseWindowStart('2025-10-01T06:00:00+02:00')).toEqual({
      kind: 'instant',
      at: new Date('2025-10-01T04:00:00Z'),
    });
  });

  it.each([
    '',
    ' ',
    '7',
    'd',
    '0d',
    '-7d',
    '7 d',
    '7days',
    '1.5h',
    '2025-02-30',
    'yesterday',
    '1e3m',
    '0x10h',
  ])('refuses %j', (text) => {
    expect(parseWindowStart(text)).toBeNull();
  });
});
