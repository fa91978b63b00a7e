import { JobError } from '@obs-automation/core';

export function missingInput(message: string, path: string): JobError {
  return new JobError('missing_input', message, { path });
}

export function invalidInput(message: string, path: string, details: Record<string, unknown> = {}): JobError {
  return new JobError('invalid_input', message, { path, ...details });
}
