import { describe, expect, it } from 'vitest';
import { formatMs, formatWhole } from './page-format.js';

describe('formatWhole', () => {
  it('prints what Intl.NumberFormat en-US with no fraction digits prints', () => {
    const intl = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
    const edges = [
      0,
      -0,
      0.5,
      1.5,
      2.5,
      -0.4,
      -0.5,
      -2.5,
      999.5,
      1000,
      12_345.678,
      1e15,
      2 ** 53,
      2 ** 60,
      2 ** 70,
      1e21,
      1.2345678901234569e23,
      -1.5e300,
    ];
    const random = Array.from({ length: 2000 }, (_, index) => {
      const magnitude = 10 ** ((index % 40) - 2);
      return (Math.random() - 0.3) * magnitude;
    });
    for (const value of [...edges, ...random, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
      expect(formatWhole(value), String(value)).toBe(intl.format(value));
  });

  it('formats milliseconds for the page', () => {
    expect(formatMs(8667.556)).toBe('8,668 ms');
    expect(formatMs(null)).toBe('—');
  });
});
