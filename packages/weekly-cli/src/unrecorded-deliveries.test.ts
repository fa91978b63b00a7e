import { describe, expect, it } from 'vitest';
import { payloadChecksum } from './payload-checksum.js';
import { keptDeliveries, UNRECORDED_DELIVERIES_FIELD } from './unrecorded-deliveries.js';

const payload = { week_start: '2026-06-22', runs: [], generated_at: '2026-06-27T23:30:00.000Z' };

function entry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    week_start: '2026-06-22',
    revision: 1,
    job_id: '20260627T233000Z-weekly',
    delivered_at: '2026-06-27T23:30:00.000Z',
    webhook_status_code: 200,
    attempts: 1,
    signature: {
      algorithm: 'hmac-sha256',
      signature: `sha256=${'ab'.repeat(32)}`,
      webhook_id: 'obs-weekly:2026-06-22',
      timestamp: 1782603000,
      payload_checksum_sha256: payloadChecksum(payload),
    },
    payload,
    ...overrides,
  };
}

const options = { now: new Date('2026-06-28T00:00:00Z'), retentionDays: 60 };
const kept = (entries: unknown) => keptDeliveries({ [UNRECORDED_DELIVERIES_FIELD]: entries }, options);

describe('deliveries kept in the heartbeat', () => {
  it('keeps an entry whose payload matches the checksum it was signed with', () => {
    expect(kept([entry()])).toEqual({ entries: [entry()], refused: 0 });
    expect(keptDeliveries(null, options)).toEqual({ entries: [], refused: 0 });
    expect(kept('not a list')).toEqual({ entries: [], refused: 0 });
  });

  it('refuses entries that do not check out: a changed payload, a bad week or job id, a missing field', () => {
    const refused = kept([
      entry({ payload: { ...payload, runs: [{ run_id: 'forged' }] } }),
      entry({ week_start: '2026-06-23' }),
      entry({ week_start: '../../etc' }),
      entry({ job_id: 'weekly' }),
      entry({ revision: 0 }),
      entry({ signature: undefined }),
      'a string',
    ]);
    expect(refused).toEqual({ entries: [], refused: 7 });
  });

  it('lets go of entries of weeks past the history retention', () => {
    const later = { now: new Date('2026-09-01T00:00:00Z'), retentionDays: 60 };
    expect(keptDeliveries({ [UNRECORDED_DELIVERIES_FIELD]: [entry()] }, later)).toEqual({
      entries: [],
      refused: 0,
    });
  });
});
