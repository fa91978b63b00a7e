import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundMs, roundRate, roundTo } from './rounding.js';

/** `units × 10^−places` as decimal text, e.g. (1234565n, 7) → "0.1234565". */
function decimalText(units: bigint, places: number): string {
  const digits = units.toString().padStart(places + 1, '0');
  return places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
}

/** Half away from zero on exact integers: the definition, with no floating point involved. */
function expectedRounding(units: bigint, places: number, decimals: number): number {
  if (places <= decimals) return Number(decimalText(units, places));
  const divisor = 10n ** BigInt(places - decimals);
  const quotient = units / divisor + (2n * (units % divisor) >= divisor ? 1n : 0n);
  return Number(decimalText(quotient, decimals));
}

/** The shortest decimal text of a finite non-negative double as `units × 10^−places`. */
function asDecimal(value: number): { units: bigint; places: number } {
  const [mantissa = '0', exponent = '0'] = String(value).split('e');
  const [whole = '0', fraction = ''] = mantissa.split('.');
  const places = fraction.length - Number(exponent);
  const units = BigInt(whole + fraction);
  return places >= 0 ? { units, places } : { units: units * 10n ** BigInt(-places), places: 0 };
}

describe('roundTo', () => {
  it.each([
    [0.1234565, 6, 0.123457],
    [1.005, 2, 1.01],
    [2.675, 2, 2.68],
    [1.0049999, 2, 1],
    [-0.1234565, 6, -0.123457],
    [-2.5, 0, -3],
    [2.5, 0, 3],
    [0.30000000000000004, 6, 0.3],
    [123456789.1234565, 6, 123456789.123457],
    [1.2345e-7, 6, 0],
    [5e-7, 6, 0.000001],
    [1e21, 2, 1e21],
    [7, 3, 7],
  ])('roundTo(%d, %d) = %d', (value, decimals, expected) => {
    expect(roundTo(value, decimals)).toBe(expected);
  });

  it('never returns -0 and passes non-finite values through', () => {
    expect(Object.is(roundTo(-0.0000001, 6), 0)).toBe(true);
    expect(Object.is(roundTo(-0, 2), 0)).toBe(true);
    expect(roundTo(Number.NaN, 2)).toBeNaN();
    expect(roundTo(Number.POSITIVE_INFINITY, 2)).toBe(Number.POSITIVE_INFINITY);
  });

  it('rejects a number of decimals it cannot honour', () => {
    expect(() => roundTo(1, -1)).toThrow(RangeError);
    expect(() => roundTo(1, 1.5)).toThrow(RangeError);
    expect(() => roundTo(1, 16)).toThrow(RangeError);
  });

  it('rounds half away from zero on any decimal written with up to 15 digits', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n - 1n }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 12 }),
        fc.boolean(),
        (units, places, decimals, negative) => {
          const value = Number(decimalText(units, places));
          const expected = expectedRounding(units, places, decimals);
          expect(roundTo(negative ? -value : value, decimals)).toBe(negative ? 0 - expected : expected);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('agrees with the definition on arbitrary doubles, read as their shortest decimal text', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e12, noNaN: true }),
        fc.integer({ min: 0, max: 9 }),
        (value, decimals) => {
          const { units, places } = asDecimal(value);
          expect(roundTo(value, decimals)).toBe(expectedRounding(units, places, decimals));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('is idempotent and moves a value by at most half a unit of the last place', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e9, max: 1e9, noNaN: true }),
        fc.integer({ min: 0, max: 8 }),
        (value, decimals) => {
          const rounded = roundTo(value, decimals);
          expect(roundTo(rounded, decimals)).toBe(rounded);
          expect(Math.abs(rounded - value)).toBeLessThanOrEqual(
            0.5 * 10 ** -decimals * (1 + 1e-9) + Math.abs(value) * 1e-15,
          );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('keeps milliseconds to 3 decimals and rates to 6', () => {
    expect(roundMs(12.3455)).toBe(12.346);
    expect(roundRate(1 / 3)).toBe(0.333333);
  });
});
