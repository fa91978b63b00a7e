export type JobStatus = 'ok' | 'warning' | 'error' | 'skipped' | 'dry_run';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/**
 * A failure the job understands. `code` is the spec's error code; `exitCode` is 2 for invalid
 * usage or configuration and 1 otherwise.
 */
export class JobError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;
  readonly exitCode: number;

  constructor(code: string, message: string, details: Record<string, unknown> = {}, exitCode?: number) {
    super(message);
    this.name = 'JobError';
    this.code = code;
    this.details = details;
    this.exitCode =
      exitCode ?? (code === 'invalid_config' || code === 'invalid_usage' ? EXIT_USAGE : EXIT_FAILED);
  }
}

export function usageError(message: string, details: Record<string, unknown> = {}): JobError {
  return new JobError('invalid_usage', message, details, EXIT_USAGE);
}

export function configError(message: string, details: Record<string, unknown> = {}): JobError {
  return new JobError('invalid_config', message, details, EXIT_USAGE);
}

export function exitCodeForStatus(status: JobStatus): number {
  return status === 'error' ? EXIT_FAILED : EXIT_OK;
}

/** A readable message for anything thrown, including values that are not Errors. */
export function errorMessageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    const json = JSON.stringify(error);
    if (json !== undefined) return `non-Error value thrown: ${json}`;
  } catch {
    // fall through to String(): a value JSON cannot represent (BigInt, cycles)
  }
  return `non-Error value thrown: ${String(error)}`;
}
