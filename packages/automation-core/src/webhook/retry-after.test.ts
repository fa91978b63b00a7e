import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after.js';

const NOW = new Date('2025-01-06T12:00:00.000Z');
const now = () => NOW;

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('2', now)).toBe(2);
    expect(parseRetryAfter(' 120 ', now)).toBe(120);
    expect(parseRetryAfter('0', now)).toBe(0);
  });

  it('reads an IMF-fixdate relative to the injected clock', () => {
    expect(parseRetryAfter('Mon, 06 Jan 2025 12:00:05 GMT', now)).toBe(5);
  });

  it('reads the obsolete RFC 850 and asctime forms as UTC', () => {
    expect(parseRetryAfter('Monday, 06-Jan-25 12:01:00 GMT', now)).toBe(60);
    expect(parseRetryAfter('Mon Jan  6 12:00:30 2025', now)).toBe(30);
  });

  it('rounds a partial second up and never goes below zero', () => {
    const halfPast = () => new Date('2025-01-06T12:00:00.500Z');
    expect(parseRetryAfter('Mon, 06 Jan 2025 12:00:05 GMT', halfPast)).toBe(5);
    expect(parseRetryAfter('Mon, 06 Jan 2025 11:00:00 GMT', now)).toBe(0);
  });

  it('uses the first of repeated headers', () => {
    expect(parseRetryAfter(['3', '9'], now)).toBe(3);
  });

  it.each([undefined, '', '-1', '1.5', 'soon', 'Mon, 99 Foo 2025 99:99:99 GMT'])(
    'returns null for %j',
    (value) => {
      expect(parseRetryAfter(value, now)).toBeNull();
    },
  );
});
