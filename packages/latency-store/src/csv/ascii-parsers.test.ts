import { parseTimestamp } from '@obs-automation/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDecimalText } from './ascii-decimal.js';
import { parseTimestampMs, parseTimestampText } from './ascii-timestamp.js';

describe('parseDecimalText', () => {
  it.each([
    ['2100.000000', 2100],
    ['123.456', 123.456],
    [' 42 ', 42],
    ['+5', 5],
    ['-3.5', -3.5],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['12345678901234567890', Number('12345678901234567890')],
  ])('reads %j as %d', (text, value) => {
    expect(parseDecimalText(text)).toBe(value);
  });

  it.each(['', ' ', 'NaN', 'nan', 'Infinity', '-inf', '0x10', '1,5', '12ms', '1e400', '.', '--1', '1.2.3'])(
    'rejects %j',
    (text) => {
      expect(parseDecimalText(text)).toBeNaN();
    },
  );

  it('gives exactly what Number() gives for any decimal text', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e12, max: 1e12, noNaN: true }),
        fc.integer({ min: 0, max: 9 }),
        (value, digits) => {
          const text = value.toFixed(digits);
          expect(parseDecimalText(text)).toBe(Number(text));
        },
      ),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,20}(\.[0-9]{0,20})?$/), (text) => {
        expect(parseDecimalText(text)).toBe(Number(text));
      }),
    );
  });
});

describe('parseTimestampMs inside a longer buffer', () => {
  it.each([['.5'], [':07'], ['.'], [':'], ['Z']])('stops at the field end when %j follows it', (next) => {
    const text = `2025-10-07T13:44:00${next}`;
    const bytes = Buffer.from(text, 'utf8');
    expect(new Date(parseTimestampMs(bytes, 0, 19)).toISOString()).toBe('2025-10-07T13:44:00.000Z');
    expect(new Date(parseTimestampMs(bytes, 0, 16)).toISOString()).toBe('2025-10-07T13:44:00.000Z');
  });
});

describe('parseTimestampText', () => {
  it.each([
    ['2025-10-11T11:35:42Z', '2025-10-11T11:35:42.000Z'],
    ['2025-10-11T11:35:53.552877+00:00', '2025-10-11T11:35:53.552Z'],
    ['2025-10-11 11:35:42', '2025-10-11T11:35:42.000Z'],
    ['2025-10-11T11:35', '2025-10-11T11:35:00.000Z'],
    ['2025-10-11', '2025-10-11T00:00:00.000Z'],
    ['2025-10-11T20:35:42+0900', '2025-10-11T11:35:42.000Z'],
    ['2025-10-11T06:35:42.5-05:00', '2025-10-11T11:35:42.500Z'],
    ['2024-02-29T00:00:00z', '2024-02-29T00:00:00.000Z'],
  ])('reads %j', (text, iso) => {
    expect(new Date(parseTimestampText(text)).toISOString()).toBe(iso);
  });

  it.each([
    '',
    'yesterday',
    '2025-02-29T00:00:00Z',
    '2025-04-31',
    '2025-13-01',
    '2025-01-01T24:00:00Z',
    '2025-01-01T12:60:00Z',
    '2025-01-01T12:00:60Z',
    '2025-01-01T12:00:00.Z',
    '2025-01-01T12:00:00+25:00',
    '2025-01-01T12:00:00 UTC',
    '1760182553',
  ])('rejects %j', (text) => {
    expect(parseTimestampText(text)).toBeNaN();
  });

  it('agrees with the core parser on every valid timestamp', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((value) => String(value).padStart(2, '0'));
    const text = fc
      .record({
        date: fc.date({
          min: new Date('1971-01-01T00:00:00Z'),
          max: new Date('2199-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        hour: two(23),
        minute: two(59),
        second: fc.option(two(59)),
        fraction: fc.option(fc.stringMatching(/^[0-9]{1,6}$/)),
        zone: fc.constantFrom('', 'Z', '+00:00', '+09:00', '-05:30', '+0130'),
        separator: fc.constantFrom('T', ' '),
      })
      .map(({ date, hour, minute, second, fraction, zone, separator }) => {
        const time =
          second === null
            ? `${hour}:${minute}`
            : `${hour}:${minute}:${second}${fraction === null ? '' : `.${fraction}`}`;
        return `${date.toISOString().slice(0, 10)}${separator}${time}${zone}`;
      });
    fc.assert(
      fc.property(text, (value) => {
        expect(parseTimestampText(value)).toBe(parseTimestamp(value)?.getTime());
      }),
    );
  });
});
