import { compactStampMillis } from './date-time-format.js';
import { usageError } from './job-error.js';
import { compactUtcStamp } from './timestamp-format.js';

export const JOB_ID_PATTERN = /^[0-9]{8}T[0-9]{6}Z-[a-z0-9_-]+$/;

const JOB_ID_STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-/;

/** When the run a job id names began (its `YYYYMMDDThhmmssZ-` prefix), or null when it does not start with one. */
export function jobIdTimeMs(jobId: string): number | null {
  const plain = compactStampMillis(jobId);
  if (!Number.isNaN(plain)) return plain;
  const match = JOB_ID_STAMP.exec(jobId);
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match;
  const ms = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
  return Number.isNaN(ms) ? null : ms;
}

export function jobSlug(jobName: string): string {
  const slug = jobName
    .toLowerCase()
    .replace(/ /g, '-')
    .replace(/[^a-z0-9_-]/g, '');
  if (slug === '')
    throw usageError(`--job-name "${jobName}" gives an empty job id slug`, { flag: '--job-name' });
  return slug;
}

export function makeJobId(jobName: string, at: Date): string {
  return `${compactUtcStamp(at)}-${jobSlug(jobName)}`;
}

export function validateJobId(jobId: string): string {
  if (!JOB_ID_PATTERN.test(jobId)) {
    throw usageError(`--job-id "${jobId}" does not match ${JOB_ID_PATTERN.source}`, { flag: '--job-id' });
  }
  return jobId;
}
