export type JobStatus = 'ok' | 'warning' | 'error' | 'skipped' | 'dry_run';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Codes of a bad flag or configuration: exit 2 wherever they are found. */
const USAGE_CODES: ReadonlySet<unknown> = new Set(['invalid_config', 'invalid_usage']);

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
    this.exitCode = exitCode ?? (USAGE_CODES.has(code) ? EXIT_USAGE : EXIT_FAILED);
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

/**
 * A run's exit code: 2 when it failed on a bad flag or configuration, wherever that was found
 * (a webhook URL in the environment is only read by the job body), 1 for any other error.
 */
export function exitCodeForOutcome(status: JobStatus, errorCode: unknown): number {
  if (status === 'error' && USAGE_CODES.has(errorCode)) return EXIT_USAGE;
  return exitCodeForStatus(status);
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
