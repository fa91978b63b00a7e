import { MS_PER_HOUR, parseTimestamp, readHeartbeat } from '@obs-automation/core';
import { CheckBuilder, type CheckOutcome } from './check-outcome.js';

export const HEARTBEAT_CHECK = 'heartbeat_fresh';

/** The newest success the heartbeat records: last_success_at, else generated_at. */
/**
 * The time the heartbeat vouches for: `last_success_at`, or `generated_at` when the job has not
 * succeeded yet. A field that is present but not a timestamp makes the heartbeat corrupt; it is
 * never skipped in favour of the other.
 */
function freshnessField(
  data: Record<string, unknown>,
): { field: string; at: Date } | { field: string; invalid: unknown } | null {
  for (const field of ['last_success_at', 'generated_at']) {
    const value = data[field];
    if (value === undefined || value === null) continue;
    const at = typeof value === 'string' ? parseTimestamp(value) : null;
    return at ? { field, at } : { field, invalid: value };
  }
  return null;
}

function describeFailure(data: Record<string, unknown>): string {
  const failure = data.last_failure as Record<string, unknown> | null | undefined;
  if (!failure || typeof failure !== 'object') return '';
  const code = typeof failure.error_code === 'string' ? failure.error_code : 'unknown error';
  return ` (last failure: ${code}${typeof failure.at === 'string' ? ` at ${failure.at}` : ''})`;
}

/**
 * heartbeat_fresh for one file: it exists, is a JSON object, its last success is younger than
 * the limit relative to the run's clock, and its status is not error.
 */
export async function heartbeatCheck(
  file: string,
  absolutePath: string,
  now: Date,
  maxAgeHours: number,
): Promise<CheckOutcome> {
  const check = new CheckBuilder(HEARTBEAT_CHECK);
  const read = await readHeartbeat(absolutePath);
  if (read.kind === 'missing') {
    check.fail('heartbeat_missing', `heartbeat ${file} does not exist`);
    return check.done({ file, exists: false });
  }
  if (read.kind === 'corrupt') {
    check.fail('heartbeat_corrupt', `heartbeat ${file} is not a JSON object: ${read.reason}`);
    return check.done({ file, exists: true });
  }
  const data = read.data;
  const fresh = freshnessField(data);
  let ageHours: number | null = null;
  if (!fresh) {
    check.fail('heartbeat_corrupt', `heartbeat ${file} has neither last_success_at nor generated_at`);
  } else if ('invalid' in fresh) {
    check.fail(
      'heartbeat_corrupt',
      `heartbeat ${file}: key ${fresh.field} is ${JSON.stringify(fresh.invalid).slice(0, 60)}, not an ISO-8601 timestamp`,
    );
  } else {
    ageHours = (now.getTime() - fresh.at.getTime()) / MS_PER_HOUR;
    if (ageHours >= maxAgeHours) {
      check.fail(
        'heartbeat_stale',
        `heartbeat ${file}: ${fresh.field} ${fresh.at.toISOString()} is ${ageHours.toFixed(1)} h old at ${now.toISOString()} (limit ${maxAgeHours} h)`,
      );
    }
  }
  if (data.status === 'error') {
    check.fail('heartbeat_error', `heartbeat ${file} reports status error${describeFailure(data)}`);
  }
  return check.done({
    file,
    exists: true,
    job_id: data.job_id ?? null,
    status: data.status ?? null,
    freshness_field: fresh?.field ?? null,
    last_success_at: fresh && 'at' in fresh ? fresh.at.toISOString() : null,
    age_hours: ageHours === null ? null : Math.round(ageHours * 100) / 100,
    max_age_hours: maxAgeHours,
  });
}
