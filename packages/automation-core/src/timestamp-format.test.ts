import { describe, expect, it } from 'vitest';
import { compactUtcStamp, isoDate, isoSeconds } from './timestamp-format.js';

const AT = new Date('2026-01-02T03:04:05.678Z');

describe('timestamp formats', () => {
  it('writes ISO-8601 to the second, dropping the milliseconds', () => {
    expect(isoSeconds(AT)).toBe('2026-01-02T03:04:05Z');
    expect(isoSeconds(AT.getTime())).toBe('2026-01-02T03:04:05Z');
  });

  it('writes the UTC date', () => {
    expect(isoDate(AT)).toBe('2026-01-02');
    expect(isoDate(new Date('2026-01-02T23:59:59-05:00'))).toBe('2026-01-03');
  });

  it("writes the job id's compact stamp", () => {
    expect(compactUtcStamp(AT)).toBe('20260102T030405Z');
    expect(compactUtcStamp(Date.UTC(2025, 9, 8, 10, 15, 0))).toBe('20251008T101500Z');
  });
});
