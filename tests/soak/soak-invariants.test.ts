import { describe, expect, it } from 'vitest';
import { unresolvedFirings, untoldBreachEpisodes } from '../../scripts/soak/soak-invariants.mjs';
import { NotificationQueueModel, slotOf } from '../../scripts/soak/soak-notification-queues.mjs';

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

const CHAIN_STOPPED = 'daily:chain_stopped:upstream_failed';

function queued(jobId: string, status: 'firing' | 'resolved', since: string) {
  return {
    message_id: `${jobId}:${CHAIN_STOPPED}:${status}`,
    item: { id: 'chain_stopped', dedup_key: CHAIN_STOPPED, job_id: jobId, status, since },
  };
}

/**
 * Seed 1212 (7 days): the ops webhook is down from step 40 to 51. The chain stops at 22:45
 * (an upload fails), runs to its end at 23:00 and stops again at 00:00 (the latency job cannot
 * deliver): its alert fires, resolves and fires again while nobody can be told, so the newer
 * firing replaces the waiting one (docs/decisions.md). At 01:15 the webhook is back: one run
 * delivers that firing and a new resolved, which replaces the waiting resolved of 23:00.
 */
describe('NotificationQueueModel', () => {
  const firstFiring = queued('20261107T224500Z-daily', 'firing', '2026-11-07T22:45:00.000Z');
  const firstResolved = queued('20261107T230000Z-daily', 'resolved', '2026-11-07T22:45:00.000Z');
  const secondFiring = queued('20261108T000000Z-daily', 'firing', '2026-11-08T00:00:00.000Z');
  const secondResolved = queued('20261108T011500Z-daily', 'resolved', '2026-11-08T00:00:00.000Z');
  const idle = () => [] as { id: string; slot: string }[];
  const accepted = (...notifications: ReturnType<typeof queued>[]) =>
    notifications.map(({ message_id, item }) => ({ id: message_id, slot: slotOf(item) }));

  function seed1212(acceptedAt53: ReturnType<typeof accepted>) {
    const model = new NotificationQueueModel();
    model.observe(43, [firstFiring]);
    model.observe(44, [firstFiring, firstResolved]);
    model.observe(48, [firstResolved, secondFiring]);
    model.observe(53, []);
    return { model, acceptedInStep: (step: number) => (step === 53 ? acceptedAt53 : []) };
  }

  it('counts a waiting notification replaced in its queue by a newer one of its alert and status as superseded', () => {
    const { model } = seed1212([]);
    expect(model.superseded(firstFiring.message_id, idle)).toBe(true);
    expect([...model.queued.keys()]).toEqual([
      firstFiring.message_id,
      firstResolved.message_id,
      secondFiring.message_id,
    ]);
  });

  it('counts one that left its queue when the receiver accepted a newer one of its slot in that step as superseded', () => {
    const { model, acceptedInStep } = seed1212(accepted(secondFiring, secondResolved));
    expect(model.superseded(firstResolved.message_id, acceptedInStep)).toBe(true);
    // the one accepted is not superseded by itself
    expect(model.superseded(secondFiring.message_id, acceptedInStep)).toBe(false);
  });

  it('does not excuse a notification that left its queue with nothing newer in its place', () => {
    const { model, acceptedInStep } = seed1212(accepted(secondFiring));
    expect(model.superseded(firstResolved.message_id, acceptedInStep)).toBe(false);
    const lost = new NotificationQueueModel();
    lost.observe(1, [firstFiring]);
    lost.observe(2, []);
    lost.observe(3, [secondFiring]);
    expect(
      lost.superseded(firstFiring.message_id, (step) => (step === 3 ? accepted(secondFiring) : [])),
    ).toBe(false);
  });
});

/**
 * Seed 2121 (7 days): the chain stops at 07:20 and the ops webhook accepts that firing; from 07:35
 * the webhook fails, so the resolved of 07:35 waits. The chain stops again at 09:05 (a firing
 * queued behind it) and runs through at 09:35, whose resolved replaces the waiting one; the
 * webhook is back and accepts the firing of 09:05 and its resolved in that run. The receiver
 * never gets the resolved of the first episode: the newer resolved closes the alert's dedup key.
 */
describe('unresolvedFirings', () => {
  const firstFiring = queued('20261112T072000Z-daily', 'firing', '2026-11-12T07:20:00.000Z');
  const firstResolved = queued('20261112T073500Z-daily', 'resolved', '2026-11-12T07:20:00.000Z');
  const secondFiring = queued('20261112T090500Z-daily', 'firing', '2026-11-12T09:05:00.000Z');
  const secondResolved = queued('20261112T093500Z-daily', 'resolved', '2026-11-12T09:05:00.000Z');
  const episode = (notification: ReturnType<typeof queued>) =>
    `${notification.item.dedup_key}|${notification.item.since}`;

  function seed2121(acceptedAtEnd: ReturnType<typeof queued>[]) {
    const queues = new NotificationQueueModel();
    queues.observe(1, []);
    queues.observe(2, [firstResolved]);
    queues.observe(8, [firstResolved, secondFiring]);
    queues.observe(10, []);
    const accepted = acceptedAtEnd.map(({ message_id, item }) => ({ id: message_id, slot: slotOf(item) }));
    const notify = {
      firings: [firstFiring, ...acceptedAtEnd]
        .filter(({ item }) => item.status === 'firing')
        .map(({ item }) => item),
      resolved: new Set(acceptedAtEnd.filter(({ item }) => item.status === 'resolved').map(episode)),
    };
    return unresolvedFirings(notify, queues, (step: number) => (step === 10 ? accepted : []));
  }

  it('counts a firing whose waiting resolved a newer resolved of its alert replaced as resolved', () => {
    expect(seed2121([secondFiring, secondResolved])).toEqual([]);
  });

  it('reports a firing whose resolved left the queue with no newer resolved accepted', () => {
    expect(seed2121([secondFiring]).map((item) => item.since)).toEqual([
      '2026-11-12T07:20:00.000Z',
      '2026-11-12T09:05:00.000Z',
    ]);
  });

  it('reports a firing whose resolved was never queued', () => {
    const queues = new NotificationQueueModel();
    queues.observe(1, []);
    const notify = { firings: [firstFiring.item], resolved: new Set<string>() };
    expect(unresolvedFirings(notify, queues, () => [])).toEqual([firstFiring.item]);
  });
});
