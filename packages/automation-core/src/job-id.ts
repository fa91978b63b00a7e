import { usageError } from './job-error.js';
import { compactUtcStamp } from './timestamp-format.js';

export const JOB_ID_PATTERN = /^[0-9]{8}T[0-9]{6}Z-[a-z0-9_-]+$/;

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
