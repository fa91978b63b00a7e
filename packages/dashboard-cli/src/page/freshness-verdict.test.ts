import { describe, expect, it } from 'vitest';
import { freshnessVerdict } from './freshness-verdict.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

describe('freshnessVerdict', () => {
  it('is on time within two periods, late after, stale after six hours', () => {
    expect(freshnessVerdict(ago(0), NOW, 900)).toBe('on_time');
    expect(freshnessVerdict(ago(30), NOW, 900)).toBe('on_time');
    expect(freshnessVerdict(ago(31), NOW, 900)).toBe('late');
    expect(freshnessVerdict(ago(360), NOW, 900)).toBe('late');
    expect(freshnessVerdict(ago(361), NOW, 900)).toBe('stale');
  });

  it('judges a long schedule by its periods: late after two, stale after four', () => {
    expect(freshnessVerdict(ago(47 * 60), NOW, 86_400)).toBe('on_time');
    expect(freshnessVerdict(ago(49 * 60), NOW, 86_400)).toBe('late');
    expect(freshnessVerdict(ago(97 * 60), NOW, 86_400)).toBe('stale');
  });

  it('says never without a success and clock_skew for a success ahead of the clock', () => {
    expect(freshnessVerdict(null, NOW, 900)).toBe('never');
    expect(freshnessVerdict(ago(-4), NOW, 900)).toBe('on_time');
    expect(freshnessVerdict(ago(-6), NOW, 900)).toBe('clock_skew');
  });
});
