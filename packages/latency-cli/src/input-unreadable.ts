import { JobError } from '@obs-automation/core';
import { LatencyFileError } from '@obs-automation/latency-store';

/**
 * Awaits a read of one of obs-latency's own files. The store reports a file it cannot use as
 * `invalid_input`; this job's spec names that `input_unreadable`.
 */
export async function readingOwnFile<T>(reading: Promise<T>): Promise<T> {
  try {
    return await reading;
  } catch (error) {
    if (error instanceof LatencyFileError)
      throw new JobError('input_unreadable', error.message, error.details);
    throw error;
  }
}
