import { fullFormats } from 'ajv-formats/dist/formats.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDateTime, timestampMillis } from './date-time-format.js';

const ajvFull = fullFormats['date-time'] as { validate: (text: string) => boolean };

describe('isDateTime', () => {
  it.each([
    '2026-11-24T12:10:00Z',
    '2026-11-24T12:10:00.123456Z',
    '2026-11-24t12:10:00z',
    '2026-11-24 12:10:00+09:00',
    '2024-02-29T00:00:00-05:30',
    '2026-11-24T12:10:00+0530',
    '2026-11-24T12:10:00+05',
    '2016-12-31T23:59:60Z',
    '2016-12-31T23:59:60.000Z',
    '2017-01-01T08:59:60+09:00',
  ])('accepts %s', (text) => {
    expect(isDateTime(text)).toBe(true);
  });

  it.each([
    '2026-02-29T00:00:00Z',
    '2026-02-29T00:00:00.000Z',
    '2026-11-24T24:00:00.000Z',
    '2026-11-2aT12:00:00.000Z',
    '2026-04-31T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-24T24:00:00Z',
    '2026-11-24T12:60:00Z',
    '2026-11-24T12:10:60Z',
    '2026-11-24T12:10:00',
    '2026-11-24',
    '2026-11-24T12:10Z',
    'yesterday',
    '',
  ])('rejects %s', (text) => {
    expect(isDateTime(text)).toBe(false);
  });

  it('agrees with ajv-formats full mode on generated timestamps', () => {
    const part = (max: number, width = 2) =>
      fc.integer({ min: 0, max }).map((n) => String(n).padStart(width, '0'));
    const stamp = fc
      .tuple(
        part(2400, 4),
        part(13),
        part(32),
        fc.constantFrom('T', 't', ' ', 'x'),
        part(25),
        part(61),
        part(61),
        fc.constantFrom('', '.5', '.123', '.123456', '.x23'),
        fc.constantFrom('Z', 'z', '', '+09:00', '-05:30', '+0530', '+05', '+24:00'),
      )
      .map(([y, mo, d, sep, h, mi, s, frac, zone]) => `${y}-${mo}-${d}${sep}${h}:${mi}:${s}${frac}${zone}`);
    fc.assert(
      fc.property(stamp, (text) => {
        expect(isDateTime(text)).toBe(ajvFull.validate(text));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('timestampMillis', () => {
  it('reads every toISOString() timestamp as Date.parse does', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0001-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (at) => {
          const text = at.toISOString();
          expect(timestampMillis(text)).toBe(Date.parse(text));
          const toTheSecond = `${text.slice(0, 19)}Z`;
          expect(timestampMillis(toTheSecond)).toBe(Date.parse(toTheSecond));
        },
      ),
    );
  });

  it.each([
    '2025-10-06T12:00:00Z',
    '2025-10-06T12:00:00.123+02:00',
    '0050-01-01T00:00:00.000Z',
    '0000-01-01T00:00:00.000Z',
    '0000-02-29T00:00:00Z',
    '1969-12-31T23:59:59.999Z',
    '2024-02-29T12:00:00Z',
    '2023-02-29T12:00:00Z',
    '2016-12-31T23:59:60Z',
    '2025-10-06T12:00:00.12Z',
    '2025-10-06T12:00:00.1234Z',
    '2025-10-06T12:00:00.000z',
    '2025-10-06 12:00:00.000Z',
    '+002025-10-06T12:00:00.000Z',
    '2025-02-30T00:00:00.000Z',
    '2025-10-06T24:00:00.000Z',
    'yesterday',
    '',
  ])('reads %j as Date.parse does', (text) => {
    expect(timestampMillis(text)).toBe(Date.parse(text));
  });
});
