import { JobError } from '@obs-automation/core';
import { expect } from 'vitest';

/** The JobError a promise rejects with; fails the test when it resolves or rejects otherwise. */
export async function jobErrorOf(promise: Promise<unknown>): Promise<JobError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(JobError);
  return error as JobError;
}
