import { maskOutputTail } from '@obs-automation/core';
import type { UploadResult } from './upload-command.js';

export type UploadSkipReason = 'dry_run' | 'no_command' | 'export_failed';

/** The summary's `upload`: `{status, returncode, attempts, timed_out}`, or why it did not run. */
export function uploadSummary(result: UploadResult | UploadSkipReason): Record<string, unknown> {
  if (typeof result === 'string') {
    return { status: 'skipped', reason: result, returncode: null, attempts: 0, timed_out: false };
  }
  return {
    status: result.ok ? 'ok' : 'failed',
    returncode: result.last.returncode,
    attempts: result.attempts,
    timed_out: result.last.timedOut,
  };
}

/**
 * What the last attempt left: exit code or timeout, and the last 2 KB of its output, masked like
 * every recorded output (credentials, tokens, and `secretValues` — the values of the
 * environment's secret-named variables, which the command inherits).
 */
export function uploadDiagnostics(
  result: UploadResult,
  secretValues: readonly string[],
): Record<string, unknown> {
  return {
    returncode: result.last.returncode,
    timed_out: result.last.timedOut,
    upload_signal: result.last.signal,
    upload_attempts: result.attempts,
    upload_stdout_tail: maskOutputTail(result.last.stdoutTail, { secretValues }),
    upload_stderr_tail: maskOutputTail(result.last.stderrTail, { secretValues }),
  };
}

export function describeUploadFailure(result: UploadResult, timeoutSeconds: number): string {
  const cause = result.last.timedOut
    ? `timed out after ${timeoutSeconds} s`
    : result.last.returncode !== null
      ? `exited with code ${result.last.returncode}`
      : `was killed by ${result.last.signal}`;
  const tries = result.attempts === 1 ? '1 attempt' : `${result.attempts} attempts`;
  return `upload command ${cause} (${tries}); the local bundle is intact`;
}
