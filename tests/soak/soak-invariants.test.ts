import { describe, expect, it } from 'vitest';
import { untoldBreachEpisodes } from '../../scripts/soak/soak-invariants.mjs';

const HOUR_MS = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const END_MS = at('2026-11-14T12:00:00Z');

function breachItem(status: 'firing' | 'resolved', since: string, start: string, end: string) {
  return {
    id: 'latency_breach',
    status,
    dedup_key: 'latency:latency_breach:slo_breach',
    since,
    breach_range: { start, end },
  };
}

/**
 * Seed 303 (7 days): the sample workspace ends in a breach (09:00–12:00) that the feeder's first
 * episode (12:00–15:00) continues. The alert fired at the first run with the range up to 12:00
 * and was not notified again until it resolved at 16:00, with the whole range 09:00–15:00.
 */
describe('untoldBreachEpisodes', () => {
  const episode = { fromMs: at('2026-11-07T12:00:00Z'), untilMs: at('2026-11-07T15:00:00Z') };

  it('counts a breach that continues one already firing as told by its resolved notification', () => {
    const items = [
      breachItem('firing', '2026-11-07T12:00:00.000Z', '2026-11-07T09:00:00Z', '2026-11-07T12:00:00Z'),
      breachItem('resolved', '2026-11-07T12:00:00.000Z', '2026-11-07T09:00:00Z', '2026-11-07T15:00:00Z'),
    ];
    expect(untoldBreachEpisodes([episode], items, END_MS)).toEqual([]);
  });

  it('reports the episode when only the earlier range was told', () => {
    const items = [
      breachItem('firing', '2026-11-07T12:00:00.000Z', '2026-11-07T09:00:00Z', '2026-11-07T12:00:00Z'),
    ];
    expect(untoldBreachEpisodes([episode], items, END_MS)).toEqual([episode]);
  });

  it('does not count a resolved notification of an alert whose firing never arrived', () => {
    const items = [
      breachItem('resolved', '2026-11-07T13:00:00.000Z', '2026-11-07T12:00:00Z', '2026-11-07T15:00:00Z'),
    ];
    expect(untoldBreachEpisodes([episode], items, END_MS)).toEqual([episode]);
  });

  it('counts a firing whose range overlaps the episode, and ignores other alerts', () => {
    const told = [
      breachItem('firing', '2026-11-07T15:00:00.000Z', '2026-11-07T12:00:00Z', '2026-11-07T15:00:00Z'),
    ];
    expect(untoldBreachEpisodes([episode], told, END_MS)).toEqual([]);
    const stale = [{ ...told[0], id: 'latency_data_stale' }];
    expect(untoldBreachEpisodes([episode], stale, END_MS)).toEqual([episode]);
  });

  it('leaves out episodes ending in the soak’s last three hours (their alert may still be on its way)', () => {
    const late = { fromMs: END_MS - 5 * HOUR_MS, untilMs: END_MS - 2 * HOUR_MS };
    expect(untoldBreachEpisodes([late], [], END_MS)).toEqual([]);
  });
});
