import { describe, expect, it } from 'vitest';
import { inverseNormalCdf } from './inverse-normal-cdf.js';

// Quantiles computed independently with 30-digit arithmetic (√2·erfinv(2p−1)).
const KNOWN_QUANTILES: [number, number][] = [
  [0.5, 0],
  [0.75, 0.6744897501960817],
  [0.9, 1.2815515655446004],
  [0.95, 1.6448536269514726],
  [0.975, 1.959963984540054],
  [0.99, 2.326347874040841],
  [0.995, 2.5758293035489004],
  [0.999, 3.090232306167813],
  [0.9995, 3.2905267314918945],
  [0.001, -3.090232306167813],
  [1e-10, -6.361340902404056],
];

/** Φ(x) by Simpson's rule on a fine grid: slow, but independent of the code under test. */
function normalCdf(x: number): number {
  const steps = 20_000;
  const from = -10;
  const width = (x - from) / steps;
  let sum = 0;
  for (let index = 0; index <= steps; index += 1) {
    const t = from + index * width;
    const weight = index === 0 || index === steps ? 1 : index % 2 === 1 ? 4 : 2;
    sum += weight * Math.exp((-t * t) / 2);
  }
  return (sum * width) / 3 / Math.sqrt(2 * Math.PI);
}

describe('inverseNormalCdf', () => {
  it.each(KNOWN_QUANTILES)('Φ⁻¹(%s) = %s within 1e-9', (p, expected) => {
    expect(Math.abs(inverseNormalCdf(p) - expected)).toBeLessThan(1e-9);
  });

  it('matches Φ⁻¹(0.975) = 1.959963984540054 to 1e-12', () => {
    expect(inverseNormalCdf(0.975)).toBeCloseTo(1.959963984540054, 12);
  });

  it('inverts the normal CDF across all three regions of the approximation', () => {
    for (const x of [-7.5, -5.2, -3, -1.1, -0.3, 0.2, 0.9, 1.7, 2.8, 4.4, 6.1]) {
      const p = normalCdf(x);
      expect(Math.abs(inverseNormalCdf(p) - x)).toBeLessThan(1e-7 * Math.max(1, Math.abs(x)));
    }
  });

  it('is antisymmetric about 0.5', () => {
    for (const p of [0.01, 0.2, 0.4, 0.4999])
      expect(inverseNormalCdf(1 - p)).toBeCloseTo(-inverseNormalCdf(p), 12);
  });

  it('returns ±Infinity at the ends and NaN outside [0, 1]', () => {
    expect(inverseNormalCdf(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(inverseNormalCdf(1)).toBe(Number.POSITIVE_INFINITY);
    expect(inverseNormalCdf(-0.1)).toBeNaN();
    expect(inverseNormalCdf(1.1)).toBeNaN();
    expect(inverseNormalCdf(Number.NaN)).toBeNaN();
  });
});
